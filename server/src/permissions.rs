//! Who may write what (SYNC §4, PRODUCT §5 and §10), as pure functions over facts the store
//! looks up inside the push transaction: the store persists, this module decides.

use crate::store::Actor;
use huitou_shared::api::RejectCode;
use huitou_shared::{Change, Kind};
use serde_json::Value;

/// What the store looked up for one change, as the push so far left it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// A customer change: that customer.
    pub customer: Option<CustomerFacts>,
    /// A child record's change: the customer it belongs to now, the one this change names
    /// (`customer_id`), and the one an earlier change of the same push names.
    pub home: Option<(String, CustomerFacts)>,
    pub named: Option<(String, CustomerFacts)>,
    pub from_batch: Option<(String, CustomerFacts)>,
    /// Another kind: `None` for a new record, else whom it is private to (`Some(None)`: everyone).
    pub private_to: Option<Option<String>>,
    /// A salesperson's change of a pool entry: the entry and its customer.
    pub pool: Option<PoolFacts>,
}

/// What the server knows about a pool entry (`customer::pool`) when judging a claim.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PoolFacts {
    /// The entry was written before (released by the server or a manager).
    pub exists: bool,
    /// Who claimed it in its current round.
    pub claimed_by: Option<String>,
    /// The `(hlc, op)` of the winning write of `claimed_by` (the release's null, or the claim).
    pub claimed_stamp: Option<(String, String)>,
    /// The current `owner` of the customer with the entry's id.
    pub customer_owner: Option<String>,
}

/// The decision on one change: where it goes (its customer; whom it is private to), or why not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Judgement {
    Allowed {
        customer: Option<String>,
        private_to: Option<String>,
    },
    Refused {
        code: RejectCode,
        message: String,
    },
}

/// Was a change stamped at `hlc_ms` written after its author's account was disabled at
/// `disabled_ms`? Such a change is refused (and quarantined for a manager). The clock of a
/// device may lag or lead the server's by up to the five minutes a push allows
/// (`MAX_CLOCK_AHEAD_MS`), so a change stamped within that margin still counts as before.
pub fn written_after_disabling(hlc_ms: u64, disabled_ms: Option<u64>) -> bool {
    disabled_ms.is_some_and(|at| hlc_ms > at.saturating_add(huitou_shared::api::MAX_CLOCK_AHEAD_MS))
}

/// May `actor` manage a user whose role is `target` (see [`huitou_shared::Role::may_manage`])?
pub fn may_manage(actor: huitou_shared::Role, target: huitou_shared::Role) -> bool {
    actor.may_manage(target)
}

/// Judges one change of `actor` (SYNC §4): managers and admins write everything of their
/// organisation; a salesperson writes customers they may read (not their owner, nor a tier
/// override, and only their own customer's sharing), those customers' child records (never
/// moving one to or from a customer they may not read), and records of other kinds that are
/// theirs; organisation configuration is managers' only.
pub fn judge(actor: &Actor, change: &Change, facts: &Facts) -> Judgement {
    if let Some(id) = erased_customer(facts)
        && actor.user_id != huitou_shared::api::SERVER_AUTHOR
    {
        return Judgement::Refused {
            code: RejectCode::Erased,
            message: format!(
                "customer {} was erased",
                if id.is_empty() { &change.id } else { &id }
            ),
        };
    }
    let salesperson = !actor.role.sees_everything();
    let forbidden = |message: String| Judgement::Refused {
        code: RejectCode::Forbidden,
        message,
    };
    // Only the server's erasure marks a record erased (it then deletes the history too).
    if change.field == huitou_shared::customer::erasure::ERASED
        && matches!(change.kind.as_str(), Kind::CUSTOMER | Kind::POOL)
        && actor.user_id != huitou_shared::api::SERVER_AUTHOR
    {
        return forbidden(
            "only an erasure (POST /api/v1/customers/{id}/erase) marks a customer erased".into(),
        );
    }
    if change.kind == Kind::CUSTOMER {
        if salesperson {
            let customer = facts.customer.clone().unwrap_or_default();
            if let Err(why) = salesperson_may_write_customer(&actor.user_id, &customer, change) {
                return forbidden(why);
            }
        }
        return Judgement::Allowed {
            customer: Some(change.id.clone()),
            private_to: None,
        };
    }
    if Kind::is_child_of_customer(&change.kind) {
        let Some((customer, _)) = facts
            .home
            .as_ref()
            .or(facts.named.as_ref())
            .or(facts.from_batch.as_ref())
        else {
            return Judgement::Refused {
                code: RejectCode::Invalid,
                message: format!("{}.customer_id must be set first", change.kind),
            };
        };
        if salesperson {
            // Where the record is and where this change would put it; else where the push puts it.
            let touched: Vec<&(String, CustomerFacts)> =
                match (facts.home.as_ref(), facts.named.as_ref()) {
                    (None, None) => facts.from_batch.iter().collect(),
                    (home, named) => home.into_iter().chain(named).collect(),
                };
            for (id, customer) in touched {
                if customer.exists && !customer.visible_to(&actor.user_id) {
                    return forbidden(format!("customer {id} is not yours"));
                }
            }
        }
        return Judgement::Allowed {
            customer: Some(customer.clone()),
            private_to: None,
        };
    }
    if !salesperson {
        return Judgement::Allowed {
            customer: None,
            private_to: None,
        };
    }
    if change.kind == Kind::POOL {
        let pool = facts.pool.clone().unwrap_or_default();
        return match salesperson_may_claim(&actor.user_id, &pool, change) {
            Ok(()) => Judgement::Allowed {
                customer: None,
                private_to: None,
            },
            Err(why) => forbidden(why),
        };
    }
    match salesperson_may_write_other(&actor.user_id, &change.kind, facts.private_to.clone()) {
        Ok(private_to) => Judgement::Allowed {
            customer: None,
            private_to,
        },
        Err(why) => forbidden(why),
    }
}

/// The erased customer a change touches, if any: it is refused from everyone but the server's
/// own erasure, so an offline device's edit never brings erased data back.
fn erased_customer(facts: &Facts) -> Option<String> {
    if facts.customer.as_ref().is_some_and(|c| c.erased) {
        return Some(String::new());
    }
    [&facts.home, &facts.named, &facts.from_batch]
        .into_iter()
        .flatten()
        .find(|(_, customer)| customer.erased)
        .map(|(id, _)| id.clone())
}

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
    /// The customer was erased (SYNC §5): nothing more is written to it or its records.
    pub erased: bool,
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

impl CustomerFacts {
    /// The owner, or for an unowned customer its creator: who decides whether it is shared.
    pub fn keeper_is(&self, user_id: &str) -> bool {
        match &self.owner {
            Some(owner) => owner == user_id,
            None => self.creator.as_deref() == Some(user_id),
        }
    }
}

/// Customer fields only managers and admins write (PRODUCT §5: the tier override).
pub const MANAGER_CUSTOMER_FIELDS: [&str; 1] = ["tier_override"];

/// Judges a salesperson's change of a customer record.
pub fn salesperson_may_write_customer(
    user_id: &str,
    facts: &CustomerFacts,
    change: &Change,
) -> Result<(), String> {
    if facts.exists && !facts.visible_to(user_id) {
        return Err(format!("customer {} is not yours", change.id));
    }
    if MANAGER_CUSTOMER_FIELDS.contains(&change.field.as_str()) {
        return Err(format!("only managers may write {}", change.field));
    }
    if change.field == "shared" && facts.exists && !facts.keeper_is(user_id) {
        return Err("only the customer's owner may share or unshare it".into());
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

/// Judges a salesperson's change of a pool entry: only a claim for themselves of an entry whose
/// customer is in the pool and that nobody claimed in this round, and only a claim that wins
/// the entry's `claimed_by` (stamped after the round opened). So the first claim to reach the
/// server wins, and every later one is refused with who was first.
pub fn salesperson_may_claim(
    user_id: &str,
    pool: &PoolFacts,
    change: &Change,
) -> Result<(), String> {
    use huitou_shared::customer::pool::POOL;
    if change.field != "claimed_by" {
        return Err("a salesperson may only claim a pool customer (claimed_by)".into());
    }
    if change.value.as_str() != Some(user_id) {
        return Err("a salesperson can only claim a customer for themselves".into());
    }
    if !pool.exists {
        return Err(format!("customer {} is not in the pool", change.id));
    }
    match pool.claimed_by.as_deref() {
        Some(winner) if winner == user_id => return Ok(()),
        Some(winner) => return Err(format!("claimed by {winner} first")),
        None => {}
    }
    if pool.customer_owner.as_deref() != Some(POOL) {
        return Err(format!("customer {} is not in the pool", change.id));
    }
    let beats = pool.claimed_stamp.as_ref().is_none_or(|(hlc, op)| {
        (change.hlc.as_str(), change.op.as_str()) > (hlc.as_str(), op.as_str())
    });
    if !beats {
        return Err("this claim was made before the customer's latest release to the pool".into());
    }
    Ok(())
}

/// Judges a salesperson's change of a kind that is neither a customer nor a child of one.
///
/// `existing` is `None` for a new record, else who the record is private to (`Some(None)`:
/// organisation-wide). A salesperson's new record of such a kind stays private to them (and
/// managers): the answer is whom to keep it for. Organisation-wide records are managers' to write.
pub fn salesperson_may_write_other(
    user_id: &str,
    kind: &str,
    existing: Option<Option<String>>,
) -> Result<Option<String>, String> {
    if Kind::MANAGED.contains(&kind) {
        return Err(format!("only managers may write {kind} records"));
    }
    match existing {
        None => Ok(Some(user_id.to_owned())),
        Some(Some(owner)) if owner == user_id => Ok(Some(owner)),
        Some(_) => Err(format!("only managers may change this {kind} record")),
    }
}

/// May a salesperson read an organisation-wide row (no customer) that is private to `private_to`?
pub fn salesperson_may_read_other(user_id: &str, private_to: Option<&str>) -> bool {
    private_to.is_none_or(|owner| owner == user_id)
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

    fn actor(user: &str, role: huitou_shared::Role) -> Actor {
        Actor {
            user_id: user.into(),
            org_id: "org".into(),
            role,
        }
    }

    fn theirs(owner: &str) -> CustomerFacts {
        CustomerFacts {
            exists: true,
            owner: Some(owner.into()),
            shared: false,
            creator: Some(owner.into()),
            erased: false,
        }
    }

    fn visit(field: &str, value: Value) -> Change {
        Change::new(
            "visit",
            "0193a3c1-0000-7000-8000-0000000000aa",
            field,
            value,
            "001764072000000:00000:deviceAA",
        )
    }

    #[test]
    fn a_child_may_not_leave_or_join_a_customer_the_salesperson_cannot_read() {
        use huitou_shared::Role::{Manager, Salesperson};
        let mine = ("c1".to_owned(), theirs("u1"));
        let other = ("c2".to_owned(), theirs("u2"));
        let moving = Facts {
            home: Some(mine.clone()),
            named: Some(other.clone()),
            ..Facts::default()
        };
        let change = visit("customer_id", "c2".into());
        assert!(matches!(
            judge(&actor("u1", Salesperson), &change, &moving),
            Judgement::Refused {
                code: RejectCode::Forbidden,
                ..
            }
        ));
        assert_eq!(
            judge(&actor("m", Manager), &change, &moving),
            Judgement::Allowed {
                customer: Some("c1".into()),
                private_to: None
            },
            "the record stays scoped where it was until the merge rule moves it"
        );
        let fresh = Facts {
            from_batch: Some(mine),
            ..Facts::default()
        };
        assert!(matches!(
            judge(
                &actor("u1", Salesperson),
                &visit("amount", 300.into()),
                &fresh
            ),
            Judgement::Allowed { .. }
        ));
        assert!(matches!(
            judge(
                &actor("u1", Salesperson),
                &visit("amount", 300.into()),
                &Facts::default()
            ),
            Judgement::Refused {
                code: RejectCode::Invalid,
                ..
            }
        ));
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
            erased: false,
        };
        assert!(salesperson_may_write_customer("u1", &facts, &change("name", "A".into())).is_err());
        facts.shared = true;
        assert!(salesperson_may_write_customer("u1", &facts, &change("name", "A".into())).is_ok());
        assert!(
            salesperson_may_write_customer("u1", &facts, &change("owner", "u1".into())).is_err()
        );
    }

    #[test]
    fn tier_overrides_are_managers_and_sharing_is_the_owners() {
        let facts = CustomerFacts {
            exists: true,
            owner: Some("u2".into()),
            shared: true,
            creator: Some("u2".into()),
            erased: false,
        };
        let override_ = serde_json::json!({"tier": "A", "reason": "x"});
        assert!(
            salesperson_may_write_customer("u2", &facts, &change("tier_override", override_))
                .is_err()
        );
        assert!(
            salesperson_may_write_customer("u1", &facts, &change("shared", false.into())).is_err()
        );
        assert!(
            salesperson_may_write_customer("u2", &facts, &change("shared", false.into())).is_ok()
        );
    }

    #[test]
    fn new_kinds_stay_with_the_salesperson_who_wrote_them() {
        assert_eq!(
            salesperson_may_write_other("u1", "gizmo", None),
            Ok(Some("u1".into()))
        );
        assert!(salesperson_may_write_other("u1", "gizmo", Some(Some("u1".into()))).is_ok());
        assert!(salesperson_may_write_other("u2", "gizmo", Some(Some("u1".into()))).is_err());
        assert!(salesperson_may_write_other("u1", "notice", Some(None)).is_err());
        assert!(salesperson_may_write_other("u1", "rule_set", None).is_err());
        assert!(salesperson_may_read_other("u1", None));
        assert!(!salesperson_may_read_other("u2", Some("u1")));
    }

    #[test]
    fn unowned_customer_belongs_to_its_creator() {
        let facts = CustomerFacts {
            exists: true,
            owner: None,
            shared: false,
            creator: Some("u1".into()),
            erased: false,
        };
        assert!(facts.visible_to("u1"));
        assert!(!facts.visible_to("u2"));
    }

    #[test]
    fn who_manages_whom() {
        use huitou_shared::Role::{Admin, Manager, Salesperson};
        let allowed: Vec<(huitou_shared::Role, huitou_shared::Role)> = huitou_shared::Role::ALL
            .into_iter()
            .flat_map(|a| huitou_shared::Role::ALL.into_iter().map(move |t| (a, t)))
            .filter(|&(a, t)| may_manage(a, t))
            .collect();
        assert_eq!(
            allowed,
            vec![
                (Manager, Salesperson),
                (Admin, Salesperson),
                (Admin, Manager),
                (Admin, Admin)
            ]
        );
    }

    #[test]
    fn a_change_counts_as_written_after_disabling_only_past_the_clock_margin() {
        let at = 1_764_072_000_000;
        let margin = huitou_shared::api::MAX_CLOCK_AHEAD_MS;
        assert!(!written_after_disabling(at + 1, None), "an active account");
        assert!(!written_after_disabling(at - 60_000, Some(at)));
        assert!(
            !written_after_disabling(at + margin, Some(at)),
            "within a clock's allowed lead"
        );
        assert!(written_after_disabling(at + margin + 1, Some(at)));
    }

    fn claim(user: &str, hlc: &str) -> Change {
        let mut change = Change::new(
            "pool",
            "0193a3c1-0000-7000-8000-000000000001",
            "claimed_by",
            Value::from(user),
            hlc,
        );
        change.op = format!("0193a3c2-0000-7000-8000-{:012}", hlc.len());
        change
    }

    fn open_entry() -> PoolFacts {
        PoolFacts {
            exists: true,
            claimed_by: None,
            claimed_stamp: Some((
                "001764072000000:00000:huitou-server".into(),
                "0193a3c2-0000-7000-8000-000000000000".into(),
            )),
            customer_owner: Some(huitou_shared::customer::pool::POOL.into()),
        }
    }

    #[test]
    fn the_first_claim_of_an_open_pool_entry_wins_and_later_ones_say_who_was_first() {
        let later = "001764072000500:00000:deviceAA";
        let sales = actor("u1", huitou_shared::Role::Salesperson);
        let judged = |facts: PoolFacts, change: &Change| {
            judge(
                &sales,
                change,
                &Facts {
                    pool: Some(facts),
                    ..Facts::default()
                },
            )
        };
        assert!(matches!(
            judged(open_entry(), &claim("u1", later)),
            Judgement::Allowed {
                customer: None,
                private_to: None
            }
        ));
        let taken = PoolFacts {
            claimed_by: Some("u2".into()),
            ..open_entry()
        };
        assert_eq!(
            judged(taken.clone(), &claim("u1", later)),
            Judgement::Refused {
                code: RejectCode::Forbidden,
                message: "claimed by u2 first".into()
            }
        );
        let mine = PoolFacts {
            claimed_by: Some("u1".into()),
            ..open_entry()
        };
        assert!(
            matches!(judged(mine, &claim("u1", later)), Judgement::Allowed { .. }),
            "the same claim again from another device"
        );
        for (facts, change, why) in [
            (open_entry(), claim("u2", later), "for someone else"),
            (
                open_entry(),
                claim("u1", "001764071999999:00000:deviceAA"),
                "made before the round opened",
            ),
            (
                PoolFacts {
                    customer_owner: Some("u3".into()),
                    ..open_entry()
                },
                claim("u1", later),
                "its customer left the pool",
            ),
            (PoolFacts::default(), claim("u1", later), "no entry"),
        ] {
            assert!(
                matches!(judged(facts, &change), Judgement::Refused { .. }),
                "{why}"
            );
        }
        let mut rename = claim("u1", later);
        rename.field = "name".into();
        assert!(matches!(
            judged(open_entry(), &rename),
            Judgement::Refused { .. }
        ));
        let manager = actor("m", huitou_shared::Role::Manager);
        assert!(matches!(
            judge(&manager, &rename, &Facts::default()),
            Judgement::Allowed { .. }
        ));
    }

    #[test]
    fn nothing_but_the_servers_erasure_writes_to_an_erased_customer_or_its_records() {
        let erased = CustomerFacts {
            erased: true,
            ..theirs("u1")
        };
        let on_customer = Facts {
            customer: Some(erased.clone()),
            ..Facts::default()
        };
        let on_visit = Facts {
            home: Some(("c1".into(), erased)),
            ..Facts::default()
        };
        for role in [
            huitou_shared::Role::Salesperson,
            huitou_shared::Role::Manager,
        ] {
            let who = actor("u1", role);
            for (change, facts) in [
                (change("phone", "138".into()), &on_customer),
                (visit("note", "又来了".into()), &on_visit),
            ] {
                assert!(
                    matches!(
                        judge(&who, &change, facts),
                        Judgement::Refused {
                            code: RejectCode::Erased,
                            ..
                        }
                    ),
                    "{role:?} {}",
                    change.field
                );
            }
        }
        let server = actor(
            huitou_shared::api::SERVER_AUTHOR,
            huitou_shared::Role::Admin,
        );
        assert!(matches!(
            judge(&server, &change("phone", Value::Null), &on_customer),
            Judgement::Allowed { .. }
        ));
    }
}
