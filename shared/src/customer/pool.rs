//! The shared pool (公海, PRODUCT §10): a customer nobody has visited or contacted for the
//! organisation's number of days leaves its owner for a pool any salesperson may claim.
//!
//! Everything is ordinary synced records, so offline devices converge on it like on any edit:
//! - **Release** ([`release`]): the customer's `owner` becomes [`POOL`] (no salesperson reads
//!   it any more; its history leaves the old owner's devices as `revoked`), its open tasks
//!   follow, and its [`Kind::POOL`] entry — id = the customer's id — is (re)written with what
//!   every salesperson may see before claiming: name, tier, last visit, spend band. The
//!   server's job releases idle customers; a manager may release one by hand.
//! - **Claim**: a salesperson writes `claimed_by` = themselves on an open entry. The server
//!   accepts the first claim it receives and refuses any later one (`forbidden`, "claimed by
//!   … first"), so exactly one claimer wins, the same on every device. Then it gives the
//!   customer to the winner ([`complete_claim`]): `owner`, open tasks, `claimed_at`. A device
//!   sends its claim without writing it into its own copy, so a refused claim leaves nothing
//!   behind: every device holds the server's winner.
//!
//! ```
//! use huitou_shared::customer::pool::{is_open, release, Released, Reason, POOL};
//! use huitou_shared::customer::reassign::Customer;
//! use huitou_shared::{Change, Record};
//! let customer = Customer { id: "c1", owner: Some("li"), tasks: vec![] };
//! let edits = release(&Released {
//!     customer,
//!     name: "陈先生",
//!     tier: None,
//!     last_visit: None,
//!     spend: 3200.0,
//!     at_ms: 1_764_072_000_000,
//!     by: None,
//!     reason: Reason::Idle,
//! });
//! assert_eq!(edits[1].fields, vec![("owner".to_owned(), POOL.into())]);
//! let mut entry = Record::default();
//! for (field, value) in &edits[0].fields {
//!     entry.apply(&Change::new("pool", "c1", field, value.clone(), "001764072000000:00000:huitou-server"));
//! }
//! assert!(is_open(&entry));
//! ```

use super::merging::Edit;
use super::reassign::{Customer, moves};
use crate::Record;
use crate::retention::Tier;
use chrono::NaiveDate;
use serde_json::Value;

/// The `owner` of a customer in the pool. No user has this id (user ids are UUIDs), so no
/// salesperson reads a pooled customer; managers read everything.
pub const POOL: &str = "pool";

/// The kind of a pool entry: one per customer, with the customer's id.
pub const KIND: &str = crate::Kind::POOL;

/// How long a customer may go without a visit or contact before it is released, per
/// organisation (fields `pool_days` and `pool_exempt_top_tier` of the `settings` record).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PoolRules {
    /// Days without a visit or contact; 0 = never release.
    pub days: u32,
    /// A-tier customers stay with their owner however long it has been.
    pub exempt_top_tier: bool,
}

impl Default for PoolRules {
    fn default() -> Self {
        Self {
            days: 90,
            exempt_top_tier: true,
        }
    }
}

impl PoolRules {
    /// The longest `pool_days` accepted (ten years).
    pub const MAX_DAYS: u32 = 3650;

    /// Is a customer whose last visit, contact or change of owner was at `last_ms` due for
    /// the pool at `now_ms`?
    ///
    /// ```
    /// use huitou_shared::customer::pool::PoolRules;
    /// use huitou_shared::retention::Tier;
    /// let day = 86_400_000;
    /// let rules = PoolRules::default();
    /// assert!(rules.is_due(0, 91 * day, Some(Tier::B)));
    /// assert!(!rules.is_due(0, 89 * day, Some(Tier::B)));
    /// assert!(!rules.is_due(0, 91 * day, Some(Tier::A)), "A-tier customers are exempt");
    /// assert!(!PoolRules { days: 0, ..rules }.is_due(0, 900 * day, None), "0 turns it off");
    /// ```
    pub fn is_due(&self, last_ms: u64, now_ms: u64, tier: Option<Tier>) -> bool {
        if self.days == 0 || (self.exempt_top_tier && tier == Some(Tier::A)) {
            return false;
        }
        now_ms.saturating_sub(last_ms) >= self.cutoff_age_ms()
    }

    /// The age after which a customer is due, in milliseconds.
    pub fn cutoff_age_ms(&self) -> u64 {
        u64::from(self.days) * 86_400_000
    }

    /// Reads the rules from the `settings` record, each field falling back to its default.
    pub fn from_record(record: &Record) -> Self {
        let mut rules = Self::default();
        if let Some(days) = record
            .value("pool_days")
            .and_then(Value::as_u64)
            .and_then(|d| u32::try_from(d).ok())
            .filter(|d| *d <= Self::MAX_DAYS)
        {
            rules.days = days;
        }
        if let Some(exempt) = record
            .value("pool_exempt_top_tier")
            .and_then(Value::as_bool)
        {
            rules.exempt_top_tier = exempt;
        }
        rules
    }
}

/// The lower bounds of the spend bands a pool entry shows instead of the exact lifetime spend.
pub const SPEND_BANDS: [u32; 5] = [0, 1_000, 5_000, 20_000, 100_000];

/// The band `spend` falls in: its lower bound and the next band's (none for the top one).
///
/// ```
/// use huitou_shared::customer::pool::spend_band;
/// assert_eq!(spend_band(0.0), (0, Some(1_000)));
/// assert_eq!(spend_band(5_000.0), (5_000, Some(20_000)));
/// assert_eq!(spend_band(250_000.0), (100_000, None));
/// ```
pub fn spend_band(spend: f64) -> (u32, Option<u32>) {
    let index = SPEND_BANDS
        .iter()
        .rposition(|low| spend >= f64::from(*low))
        .unwrap_or(0);
    (SPEND_BANDS[index], SPEND_BANDS.get(index + 1).copied())
}

/// Why a customer went to the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// No visit or contact for the organisation's number of days (the server's job).
    Idle,
    /// A manager returned it by hand.
    Manager,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Idle => "idle",
            Self::Manager => "manager",
        }
    }
}

/// A customer going to the pool, with what its entry shows.
#[derive(Clone, Debug)]
pub struct Released<'a> {
    pub customer: Customer<'a>,
    pub name: &'a str,
    pub tier: Option<Tier>,
    pub last_visit: Option<NaiveDate>,
    /// Lifetime spend, shown only as its band.
    pub spend: f64,
    pub at_ms: u64,
    /// The manager who returned it (`None`: the server's job).
    pub by: Option<&'a str>,
    pub reason: Reason,
}

/// The edits that put a customer in the pool: its `owner` and open tasks become [`POOL`]
/// ([`moves`]), and its entry is rewritten as a new, open round (`claimed_by` null), so a
/// claim from an earlier round cannot take it. Empty when the customer is in the pool already.
pub fn release(released: &Released<'_>) -> Vec<Edit> {
    let customer = &released.customer;
    if customer.owner == Some(POOL) {
        return Vec::new();
    }
    // The entry first: a release cut short after it leaves an open entry whose customer is
    // not the pool's (claims are refused, the next run releases it again), never a pooled
    // customer without an open entry.
    let mut edits = moves(std::slice::from_ref(customer), POOL);
    let (band, _) = spend_band(released.spend);
    let text = |value: Option<&str>| value.map_or(Value::Null, Value::from);
    edits.insert(
        0,
        Edit {
            kind: KIND.to_owned(),
            id: customer.id.to_owned(),
            fields: vec![
                ("name".to_owned(), Value::from(released.name)),
                ("tier".to_owned(), text(released.tier.map(Tier::as_str))),
                (
                    "last_visit".to_owned(),
                    released
                        .last_visit
                        .map_or(Value::Null, |d| Value::from(d.to_string())),
                ),
                ("spend_band".to_owned(), Value::from(band)),
                ("from".to_owned(), text(customer.owner)),
                ("released_at".to_owned(), Value::from(released.at_ms)),
                ("released_by".to_owned(), text(released.by)),
                ("reason".to_owned(), Value::from(released.reason.as_str())),
                ("claimed_by".to_owned(), Value::Null),
                ("claimed_at".to_owned(), Value::Null),
            ],
        },
    );
    edits
}

/// The edits that give a claimed customer to `winner` once the server accepted the claim:
/// its `owner`, its open tasks that were the pool's, the entry closed ([`moves`]: it keeps the
/// name and who claimed it, for the others' "claimed by … first") and its `claimed_at`. Empty
/// when the customer is no longer in the pool (already given, or moved by a manager meanwhile).
pub fn complete_claim(customer: &Customer<'_>, winner: &str, at_ms: u64) -> Vec<Edit> {
    if customer.owner != Some(POOL) {
        return Vec::new();
    }
    let mut edits = moves(std::slice::from_ref(customer), winner);
    edits.push(Edit {
        kind: KIND.to_owned(),
        id: customer.id.to_owned(),
        fields: vec![("claimed_at".to_owned(), Value::from(at_ms))],
    });
    edits
}

/// The claim a salesperson sends for the entry of customer `id`.
pub fn claim(id: &str, user_id: &str) -> Edit {
    Edit {
        kind: KIND.to_owned(),
        id: id.to_owned(),
        fields: vec![("claimed_by".to_owned(), Value::from(user_id))],
    }
}

/// True when `change` is a claim: a pool entry's `claimed_by` set to someone.
pub fn is_claim(kind: &str, field: &str, value: &Value) -> bool {
    kind == KIND && field == "claimed_by" && value.as_str().is_some_and(|s| !s.is_empty())
}

/// An entry still waiting for a claimer: released and not claimed, not in the trash.
pub fn is_open(entry: &Record) -> bool {
    !entry.is_deleted()
        && entry.value("released_at").is_some_and(|v| !v.is_null())
        && claimed_by(entry).is_none()
}

/// Who claimed an entry in its current round.
pub fn claimed_by(entry: &Record) -> Option<&str> {
    entry.text("claimed_by").filter(|s| !s.is_empty())
}

/// What a pool list row shows of an entry (nothing private: no phone, no soft data).
#[derive(Clone, Debug, PartialEq)]
pub struct Entry<'a> {
    pub id: &'a str,
    pub name: &'a str,
    pub tier: Option<Tier>,
    pub last_visit: Option<NaiveDate>,
    pub spend_band: (u32, Option<u32>),
    pub released_at_ms: u64,
    pub from: Option<&'a str>,
    pub claimed_by: Option<&'a str>,
}

impl<'a> Entry<'a> {
    pub fn read(id: &'a str, record: &'a Record) -> Self {
        let band = record
            .value("spend_band")
            .and_then(Value::as_f64)
            .map_or(0.0, |b| b);
        Self {
            id,
            name: record.text("name").unwrap_or_default(),
            tier: record
                .value("tier")
                .and_then(|t| serde_json::from_value(t.clone()).ok()),
            last_visit: record
                .text("last_visit")
                .and_then(crate::retention::parse_day),
            spend_band: spend_band(band),
            released_at_ms: record
                .value("released_at")
                .and_then(Value::as_u64)
                .unwrap_or_default(),
            from: record.text("from").filter(|s| !s.is_empty()),
            claimed_by: claimed_by(record),
        }
    }
}
