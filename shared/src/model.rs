//! Names of the data model (SYNC §1): record kinds, device ids, roles — newtypes with parse constructors.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A record kind such as `customer` or `visit`. Unknown kinds are valid: they are stored and passed on.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Kind(String);

impl Kind {
    pub const CUSTOMER: &'static str = "customer";
    pub const VISIT: &'static str = "visit";
    pub const CONTACT: &'static str = "contact";
    pub const TASK: &'static str = "task";
    pub const COMPLAINT: &'static str = "complaint";
    pub const SUGGESTION: &'static str = "suggestion";
    pub const REFERRAL: &'static str = "referral";
    pub const POINTS: &'static str = "points";
    /// A stored-value (储值卡) ledger entry (`loyalty`).
    pub const STORED_VALUE: &'static str = "stored_value";
    /// A voucher (券) issued to a customer (`loyalty`).
    pub const VOUCHER: &'static str = "voucher";
    /// A family member of a customer (spouse, child, parent) with their own birthday.
    pub const FAMILY: &'static str = "family";
    /// The note a hand-over (离职继承) leaves on a customer's timeline.
    pub const HANDOVER: &'static str = "handover";
    /// A manager's decision on one of a user's refused changes, for that user's devices only:
    /// `op` (the refused change), `resolution` (`applied`/`discarded`), `reason`, `by`, `at`.
    /// Its id is derived from the op ([`crate::api::decision_id`]).
    pub const DECISION: &'static str = "decision";
    /// A customer's entry in the shared pool (公海), id = the customer's: what salespeople
    /// see before claiming it (`customer::pool`). Organisation-wide, not a child record.
    pub const POOL: &'static str = "pool";
    /// A tier rule set (PRODUCT §5); the active one has the latest `activated_at`.
    pub const RULE_SET: &'static str = "rule_set";
    /// A tier's playbook (PRODUCT §6), one record per tier.
    pub const PLAYBOOK: &'static str = "playbook";
    /// A message template (PRODUCT §8).
    pub const TEMPLATE: &'static str = "template";
    /// Organisation settings (call windows, task thresholds): one record.
    pub const SETTINGS: &'static str = "settings";
    /// A standard answer (标准答复, PRODUCT §7) to a kind of complaint: `category`, `language`,
    /// `text` (`service::answers`).
    pub const ANSWER: &'static str = "answer";
    /// One of the organisation's own days (store anniversary, local festival): `name`, `date`
    /// (`MM-DD` every year, or `YYYY-MM-DD` once), `calendar` (`solar`/`lunar`).
    pub const ORG_DAY: &'static str = "org_day";

    /// Kinds whose records belong to one customer through their `customer_id` field.
    pub const CHILDREN_OF_CUSTOMER: [&'static str; 11] = [
        Self::VISIT,
        Self::CONTACT,
        Self::TASK,
        Self::COMPLAINT,
        Self::SUGGESTION,
        Self::REFERRAL,
        Self::POINTS,
        Self::STORED_VALUE,
        Self::VOUCHER,
        Self::FAMILY,
        Self::HANDOVER,
    ];

    /// Kinds only managers and admins may write (organisation-wide configuration).
    pub const MANAGED: [&'static str; 7] = [
        Self::RULE_SET,
        Self::PLAYBOOK,
        Self::TEMPLATE,
        Self::SETTINGS,
        Self::ANSWER,
        Self::ORG_DAY,
        "user",
    ];

    /// Parses `^[a-z][a-z0-9_]{0,31}$`.
    ///
    /// ```
    /// use huitou_shared::Kind;
    /// assert!(Kind::parse("customer").is_ok());
    /// assert!(Kind::parse("Customer").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let bytes = text.as_bytes();
        let ok = !bytes.is_empty()
            && bytes.len() <= 32
            && bytes[0].is_ascii_lowercase()
            && bytes
                .iter()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'_');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!("kind {text:?} must match ^[a-z][a-z0-9_]{{0,31}}$"))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// True for kinds that hang off a customer (`visit`, `contact`, ...).
    pub fn is_child_of_customer(kind: &str) -> bool {
        Self::CHILDREN_OF_CUSTOMER.contains(&kind)
    }
}

impl TryFrom<String> for Kind {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<Kind> for String {
    fn from(kind: Kind) -> String {
        kind.0
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The id of one writer (a device, or one tab of it): 8–64 chars of `[A-Za-z0-9_-]`.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DeviceId(String);

impl DeviceId {
    /// ```
    /// use huitou_shared::DeviceId;
    /// assert!(DeviceId::parse("5f0c2a9e").is_ok());
    /// assert!(DeviceId::parse("short").is_err());
    /// assert!(DeviceId::parse("has:colon").is_err());
    /// ```
    pub fn parse(text: &str) -> Result<Self, String> {
        let ok = (8..=64).contains(&text.len())
            && text
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
        if ok {
            Ok(Self(text.to_owned()))
        } else {
            Err(format!(
                "device id {text:?} must be 8-64 chars of [A-Za-z0-9_-]"
            ))
        }
    }

    /// A fresh random device id (the UUID's hex digits).
    pub fn random() -> Self {
        Self(uuid::Uuid::new_v4().simple().to_string()[..16].to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for DeviceId {
    type Error = String;
    fn try_from(value: String) -> Result<Self, String> {
        Self::parse(&value)
    }
}

impl From<DeviceId> for String {
    fn from(id: DeviceId) -> String {
        id.0
    }
}

impl fmt::Display for DeviceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What a user may do (SYNC §4).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Salesperson,
    Manager,
    Admin,
}

impl Role {
    pub fn parse(text: &str) -> Result<Self, String> {
        match text {
            "salesperson" => Ok(Self::Salesperson),
            "manager" => Ok(Self::Manager),
            "admin" => Ok(Self::Admin),
            other => Err(format!(
                "role {other:?} must be salesperson, manager or admin"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Salesperson => "salesperson",
            Self::Manager => "manager",
            Self::Admin => "admin",
        }
    }

    /// Managers and admins read and write every record of their organisation.
    pub fn sees_everything(self) -> bool {
        matches!(self, Self::Manager | Self::Admin)
    }

    /// May a user with this role create, edit, reset or disable a user whose role is
    /// `target` (before the change and, for a role change, after it)? Admins manage
    /// everyone; managers manage salespeople (PRODUCT §10); salespeople manage nobody. The
    /// server enforces it; the Team screen offers only what it allows.
    ///
    /// ```
    /// use huitou_shared::Role::*;
    /// assert!(Admin.may_manage(Manager));
    /// assert!(Manager.may_manage(Salesperson));
    /// assert!(!Manager.may_manage(Manager));
    /// assert!(!Salesperson.may_manage(Salesperson));
    /// ```
    pub fn may_manage(self, target: Role) -> bool {
        match self {
            Self::Admin => true,
            Self::Manager => target == Self::Salesperson,
            Self::Salesperson => false,
        }
    }

    pub const ALL: [Role; 3] = [Self::Salesperson, Self::Manager, Self::Admin];
}

/// A new record id or op id: UUID v7, lower-case hyphenated.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// True when `text` is a UUID in lower-case hyphenated form.
pub fn is_uuid_text(text: &str) -> bool {
    text.len() == 36
        && uuid::Uuid::parse_str(text).is_ok()
        && !text.bytes().any(|b| b.is_ascii_uppercase())
}
