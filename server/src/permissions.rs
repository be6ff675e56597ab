//! Who may write what (SYNC §4), as pure functions over facts the store looks up inside the push transaction.

use huitou_shared::{Change, Kind};
use serde_json::Value;

/// What the server knows about one customer when judging a change.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CustomerFacts {
    /// A change of this customer was stored before (it has a scope row).
    pub exists: bool,
    /// Current `owner` (None when unset or null).
    pub owner: Option<String>,
    pub shared: bool,
    /// The user who first wrote the customer.
    pub creator: Option<String>,
}

impl CustomerFacts {
    /// A salesperson reads and writes a customer they own, a shared one, or an unowned one they created.
    pub fn visible_to(&self, user_id: &str) -> bool {
        match &self.owner {
            Some(owner) => owner == user_id || self.shared,
            None => self.shared || self.creator.as_deref() == Some(user_id),
        }
    }
}

/// Reads an `owner` value from the state table's JSON.
pub fn owner_of(value: &Value) -> Option<String> {
    value.as_str().filter(|s| !s.is_empty()).map(str::to_owned)
}

/// Judges a salesperson's change of a customer record.
pub fn salesperson_may_write_customer(
    user_id: &str,
    facts: &CustomerFacts,
    change: &Change,
) -> Result<(), String> {
    if facts.exists && !facts.visible_to(user_id) {
        return Err(format!("customer {} is not yours", change.id));
    }
    if change.field == "owner" {
        let new_owner = owner_of(&change.value);
        if new_owner.as_deref() != Some(user_id) {
            return Err("a salesperson can only make themselves the owner".into());
        }
        if facts.owner.as_deref().is_some_and(|owner| owner != user_id) {
            return Err("a salesperson cannot reassign a customer".into());
        }
    }
    Ok(())
}

/// Judges a salesperson's change of a kind that is neither a customer nor a child of one.
pub fn salesperson_may_write_other(kind: &str) -> Result<(), String> {
    if Kind::MANAGED.contains(&kind) {
        Err(format!("only managers may write {kind} records"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn change(field: &str, value: Value) -> Change {
        Change::new(
            "customer",
            "0193a3c1-0000-7000-8000-000000000001",
            field,
            value,
            "001764072000000:00000:deviceAA",
        )
    }

    #[test]
    fn new_customer_is_writable_and_owner_only_self() {
        let facts = CustomerFacts::default();
        assert!(salesperson_may_write_customer("u1", &facts, &change("name", "A".into())).is_ok());
        assert!(
            salesperson_may_write_customer("u1", &facts, &change("owner", "u1".into())).is_ok()
        );
        assert!(
            salesperson_may_write_customer("u1", &facts, &change("owner", "u2".into())).is_err()
        );
    }

    #[test]
    fn others_customer_is_closed_unless_shared() {
        let mut facts = CustomerFacts {
            exists: true,
            owner: Some("u2".into()),
            shared: false,
            creator: Some("u2".into()),
        };
        assert!(salesperson_may_write_customer("u1", &facts, &change("name", "A".into())).is_err());
        facts.shared = true;
        assert!(salesperson_may_write_customer("u1", &facts, &change("name", "A".into())).is_ok());
        assert!(
            salesperson_may_write_customer("u1", &facts, &change("owner", "u1".into())).is_err()
        );
    }

    #[test]
    fn unowned_customer_belongs_to_its_creator() {
        let facts = CustomerFacts {
            exists: true,
            owner: None,
            shared: false,
            creator: Some("u1".into()),
        };
        assert!(facts.visible_to("u1"));
        assert!(!facts.visible_to("u2"));
    }
}
