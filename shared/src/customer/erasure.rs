//! Erasure (SYNC §5, PRODUCT §10): a customer's personal data goes from the server and every
//! device, and the anonymous aggregates that reports need stay — visit dates and amounts,
//! party sizes, occasions, dishes, contact dates and channels, task dates and states, the tier
//! a manager set.
//!
//! What stays is a list per kind ([`keeps`]): anything else of the customer's records is
//! personal and goes, including fields this version does not know (a free-text note an outside
//! client added). The server clears each personal field with a change to `null` stamped above
//! every write it holds, deletes the old values from its log, and marks the customer
//! [`ERASED`]; a device that receives the mark keeps only what stays ([`anonymous`]), without
//! the overwritten values a record normally keeps for its field history.
//!
//! ```
//! use huitou_shared::customer::erasure::{anonymous, keeps};
//! use huitou_shared::merge::{Change, TrackedRecord};
//! let id = "0193a3c1-0000-7000-8000-000000000001";
//! let mut visit = TrackedRecord::new("visit", id);
//! for (n, (field, value)) in [("amount", 380.into()), ("note", "对虾过敏".into()), ("note", "不吃辣".into())].into_iter().enumerate() {
//!     visit.apply(&Change::new("visit", id, field, value, &format!("00176407200000{n}:00000:deviceAA")));
//! }
//! assert!(keeps("visit", "amount") && !keeps("visit", "note"));
//! let kept = anonymous(&visit);
//! assert_eq!(kept.record.value("amount"), Some(&380.into()));
//! assert!(kept.record.value("note").is_none() && kept.overwritten.is_empty());
//! ```

use crate::Kind;
use crate::merge::{Change, TrackedRecord};

/// The customer field that marks an erased customer (`true`, written by the server).
pub const ERASED: &str = "erased";

/// Does `field` of a record of `kind` stay after its customer is erased (an anonymous
/// aggregate), or is it personal?
pub fn keeps(kind: &str, field: &str) -> bool {
    let kept: &[&str] = match kind {
        Kind::CUSTOMER => &[
            "owner",
            "shared",
            "created_at",
            "deleted",
            "stage",
            "tier_override",
            ERASED,
        ],
        Kind::VISIT => &[
            "customer_id",
            "at",
            "amount",
            "party_size",
            "occasion",
            "items",
            "satisfaction",
            "deleted",
        ],
        Kind::CONTACT => &[
            "customer_id",
            "at",
            "channel",
            "purpose",
            "task_id",
            "staff",
            "deleted",
        ],
        Kind::TASK => &[
            "customer_id",
            "due",
            "kind",
            "status",
            "owner",
            "action",
            "holiday",
            "snoozed_until",
            "deleted",
        ],
        Kind::REFERRAL => &["customer_id", "referred_customer_id", "at", "deleted"],
        Kind::SUGGESTION | Kind::POINTS => &["customer_id", "at", "amount", "deleted"],
        Kind::STORED_VALUE => &["customer_id", "at", "amount", "type", "visit_id", "deleted"],
        Kind::VOUCHER => &[
            "customer_id",
            "value",
            "min_spend",
            "valid_until",
            "issued_at",
            "redeemed_visit",
            "redeemed_at",
            "deleted",
        ],
        Kind::COMPLAINT => &[
            "customer_id",
            "at",
            "category",
            "severity",
            "step",
            "resolved_at",
            "satisfaction",
            "deleted",
        ],
        Kind::HANDOVER => &["customer_id", "from", "to", "at"],
        Kind::POOL => &[
            "tier",
            "last_visit",
            "spend_band",
            "from",
            "released_at",
            "released_by",
            "reason",
            "claimed_by",
            "claimed_at",
            ERASED,
        ],
        // A family member is a person: nothing of them stays but the link.
        Kind::FAMILY => &["customer_id", "deleted"],
        _ => &["customer_id"],
    };
    kept.contains(&field)
}

/// The record as it stays after erasure: the fields [`keeps`] allows, at their winning
/// writes, and none of the values they overwrote.
pub fn anonymous(record: &TrackedRecord) -> TrackedRecord {
    let mut kept = TrackedRecord::new(&record.kind, &record.id);
    for (field, state) in &record.record.fields {
        if keeps(&record.kind, field) && !state.value.is_null() {
            let mut change = Change::new(
                &record.kind,
                &record.id,
                field,
                state.value.clone(),
                &state.hlc,
            );
            change.op.clone_from(&state.op);
            change.author.clone_from(&state.author);
            kept.apply(&change);
        }
    }
    kept
}

/// Is this record (a customer, or its pool entry) erased? Only the server's mark counts: the
/// server refuses the field from anyone else, and a device trusts no other.
pub fn is_erased(record: &crate::Record) -> bool {
    record.fields.get(ERASED).is_some_and(|state| {
        state.value == serde_json::Value::Bool(true) && state.author == crate::api::SERVER_AUTHOR
    })
}
