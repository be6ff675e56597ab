//! Customer lifetime value (PRODUCT §9, 终身价值): what a customer has spent over its whole history.
//!
//! Lifetime spend is the sum of the `amount` of every visit not in the trash: one record per
//! event, never a counter (SYNC §1), so concurrent visits logged offline all count. It is
//! [`crate::visits::totals`]' total, named for what managers ask.
//!
//! Seed 002's worked example (customer A, twelve monthly spends → 285000):
//! ```
//! use huitou_shared::{Change, Record};
//! use huitou_shared::retention::lifetime_spend;
//! let visits: Vec<Record> = [10000, 12000, 15000, 17000, 20000, 22000, 25000, 27000, 30000, 32000, 35000, 40000]
//!     .iter()
//!     .enumerate()
//!     .map(|(month, amount)| {
//!         let mut visit = Record::default();
//!         let hlc = format!("{:015}:00000:deviceAA", 1_764_072_000_000u64 + month as u64);
//!         visit.apply(&Change::new("visit", "v", "amount", (*amount).into(), &hlc));
//!         visit
//!     })
//!     .collect();
//! assert_eq!(lifetime_spend(&visits), 285000.0);
//! ```

use crate::merge::Record;

/// The sum of all visit amounts, visits in the trash left out.
pub fn lifetime_spend<'a>(visits: impl IntoIterator<Item = &'a Record>) -> f64 {
    crate::visits::totals(visits).total_spend
}
