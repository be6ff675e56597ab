//! The customer profile (PRODUCT §2): birthdays and anniversaries in either calendar, completeness,
//! duplicates and search.
//!
//! Everything here reads customer [`Record`](crate::Record)s as SYNC §1 defines their fields and
//! is pure, so the tablet and the server answer the same.

pub mod anniversary;
pub mod birthday;
pub mod completeness;
pub mod duplicates;
pub mod erasure;
pub mod lunar;
pub mod merging;
pub mod pinyin;
pub mod pool;
pub mod reassign;
pub mod search;

pub use anniversary::{Anniversary, AnniversaryKind, anniversaries_within};
pub use birthday::{Birthday, Calendar};
pub use completeness::Completeness;
pub use duplicates::{Candidate, Duplicate, DuplicateReason};
pub use lunar::LunarDate;
pub use search::{CustomerIndex, Filter};
