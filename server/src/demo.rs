//! `--demo`: the `demo` organisation with its four users, and sample customers and visits in an empty database.
//!
//! Samples go in as ordinary changes through [`Store::push`], so they sync to devices like any edit.
//! With `year`, a year of the restaurant's history follows them ([`year`]): what a newcomer runs
//! (`scripts/run`), so every screen shows something real; most tests use the small samples.

pub mod year;

use crate::auth;
use crate::store::{Actor, Incoming, Store};
use huitou_shared::{Change, Clock, DeviceId, Role};
use serde_json::{Value, json};
use std::collections::HashMap;

pub const ORG: &str = "demo";
pub const PASSWORD: &str = "huitou-demo";
pub const USERS: [(&str, &str, Role); 4] = [
    ("admin", "管理员", Role::Admin),
    ("manager", "王经理", Role::Manager),
    ("sales1", "李销售", Role::Salesperson),
    ("sales2", "张销售", Role::Salesperson),
];

const CUSTOMERS: [(&str, &str, &str); 12] = [
    ("王小明", "13800138001", "male"),
    ("李娜", "13900139002", "female"),
    ("张伟", "13700137003", "male"),
    ("刘芳", "13600136004", "female"),
    ("陈静", "13500135005", "female"),
    ("杨洋", "13800138006", "male"),
    ("赵磊", "13900139007", "male"),
    ("黄丽", "13700137008", "female"),
    ("周杰", "13600136009", "male"),
    ("吴婷", "13500135010", "female"),
    ("徐强", "13800138011", "male"),
    ("孙悦", "13900139012", "female"),
];

const TAGS: [&str; 4] = ["VIP", "商务", "家庭", "老客户"];
const DISHES: [&str; 8] = [
    "清蒸鲈鱼",
    "北京烤鸭",
    "宫保鸡丁",
    "麻婆豆腐",
    "东坡肉",
    "白切鸡",
    "蟹黄豆腐",
    "佛跳墙",
];
const OCCASIONS: [&str; 4] = ["business", "friends", "family", "other"];

/// Makes sure the demo organisation and users exist; fills an empty log with samples.
pub async fn seed(store: &dyn Store, with_year: bool) -> anyhow::Result<()> {
    let org_id = store.ensure_org(ORG).await?;
    // Asked before the users are published (that writes `user` records into the log).
    let empty = !store.has_changes().await?;
    let mut ids = HashMap::new();
    for (username, name, role) in USERS {
        let user = match store.find_user(ORG, username).await? {
            Some(user) => user,
            None => {
                let hash = auth::hash_password(PASSWORD.into())
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?;
                let mut user = store
                    .create_user(&org_id, username, name, role, &hash)
                    .await?;
                // The two salespeople work in two stores of the chain (Insights by store).
                let team = match username {
                    "sales1" => Some("南京西路店"),
                    "sales2" => Some("徐家汇店"),
                    _ => None,
                };
                if let Some(team) = team
                    && let Some(updated) = store
                        .update_user(&org_id, &user.id, None, None, Some(team))
                        .await?
                {
                    user = updated;
                }
                crate::directory::publish_user(store, &user).await?;
                user
            }
        };
        ids.insert(username, user.id);
    }
    if !empty {
        return Ok(());
    }
    let owners = [ids["sales1"].clone(), ids["sales2"].clone()];
    let mut batches = sample_changes(&owners, chrono::Utc::now());
    if with_year {
        let [first, second] = year::changes(&owners, chrono::Utc::now());
        batches[0].extend(first);
        batches[1].extend(second);
    }
    let device = DeviceId::parse("demo-seed").map_err(anyhow::Error::msg)?;
    for (owner, changes) in owners.iter().zip(batches) {
        let actor = Actor {
            user_id: owner.clone(),
            org_id: org_id.clone(),
            role: Role::Salesperson,
        };
        // In pushes of at most 5,000 changes, as devices send them (SYNC §3).
        for chunk in changes.chunks(5_000) {
            let incoming: Vec<Incoming> = chunk
                .iter()
                .cloned()
                .map(|change| Incoming::Valid { change })
                .collect();
            let outcome = store
                .push(&actor, &device, &incoming, &HashMap::new())
                .await?;
            let refused: Vec<String> = outcome
                .verdicts
                .iter()
                .zip(chunk)
                .filter(|(v, _)| !matches!(v, crate::store::Verdict::Accepted))
                .map(|(v, c)| format!("{}.{}: {v:?}", c.kind, c.field))
                .take(3)
                .collect();
            anyhow::ensure!(refused.is_empty(), "demo changes were refused: {refused:?}");
        }
    }
    // A few customers already in the shared pool, so the Pool screen has something to claim.
    let manager = Actor {
        user_id: ids["manager"].clone(),
        org_id: org_id.clone(),
        role: Role::Manager,
    };
    let incoming: Vec<Incoming> = pool_samples(&ids["sales1"], chrono::Utc::now())
        .into_iter()
        .map(|change| Incoming::Valid { change })
        .collect();
    store
        .push(&manager, &device, &incoming, &HashMap::new())
        .await?;
    tracing::info!("demo data seeded");
    Ok(())
}

const POOL_CUSTOMERS: [(&str, &str, u32); 3] = [
    ("林先生", "13800138021", 1_880),
    ("郑女士", "13900139022", 6_400),
    ("何总", "13700137023", 560),
];

/// Customers of `former_owner` last seen four months ago, released to the shared pool
/// (`customer::pool::release`, as the server's job writes it).
fn pool_samples(former_owner: &str, now: chrono::DateTime<chrono::Utc>) -> Vec<Change> {
    use huitou_shared::customer::pool::{Reason, Released, release};
    use huitou_shared::customer::reassign::Customer;
    let mut clock = Clock::new(DeviceId::parse("demo-seed").unwrap_or_else(|_| DeviceId::random()));
    let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or_default();
    let mut changes = Vec::new();
    let mut push = |kind: &str, id: &str, field: &str, value: Value| {
        let hlc = clock.tick(now_ms).to_string();
        changes.push(Change::new(kind, id, field, value, &hlc));
    };
    for (n, (name, phone, spend)) in POOL_CUSTOMERS.iter().enumerate() {
        let id = huitou_shared::model::new_id();
        let last = now - chrono::Duration::days(120 + 11 * n as i64);
        push("customer", &id, "name", json!(name));
        push("customer", &id, "phone", json!(phone));
        push(
            "customer",
            &id,
            "created_at",
            json!((last - chrono::Duration::days(200)).to_rfc3339()),
        );
        let visit = huitou_shared::model::new_id();
        push("visit", &visit, "customer_id", json!(id));
        push("visit", &visit, "at", json!(last.to_rfc3339()));
        push("visit", &visit, "amount", json!(spend));
        let released = release(&Released {
            customer: Customer {
                id: &id,
                owner: Some(former_owner),
                tasks: Vec::new(),
            },
            name,
            tier: None,
            last_visit: Some(last.date_naive()),
            spend: f64::from(*spend),
            at_ms: now_ms,
            by: None,
            reason: Reason::Idle,
        });
        for edit in released {
            for (field, value) in edit.fields {
                push(&edit.kind, &edit.id, &field, value);
            }
        }
    }
    changes
}

/// A tiny deterministic generator, so the demo looks the same every time.
struct Dice(u64);

impl Dice {
    fn next(&mut self, below: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) % below
    }
}

/// Changes for each owner: their customers, then those customers' visits (customer_id first).
fn sample_changes(owners: &[String; 2], now: chrono::DateTime<chrono::Utc>) -> [Vec<Change>; 2] {
    let mut clock = Clock::new(DeviceId::parse("demo-seed").unwrap_or_else(|_| DeviceId::random()));
    let now_ms = u64::try_from(now.timestamp_millis()).unwrap_or_default();
    let mut dice = Dice(20_251_125);
    let mut batches: [Vec<Change>; 2] = [Vec::new(), Vec::new()];
    let mut customers = Vec::new();
    for (index, (name, phone, gender)) in CUSTOMERS.iter().enumerate() {
        let owner_index = index % 2;
        let id = huitou_shared::model::new_id();
        let created = now - chrono::Duration::days(90 + dice.next(300) as i64);
        let birthday = if index == 3 {
            json!({"calendar": "lunar", "year": 1986, "month": 8, "day": 15, "leap": false})
        } else {
            json!({"calendar": "solar", "year": 1970 + dice.next(35), "month": 1 + dice.next(12),
                   "day": 1 + dice.next(28), "leap": false})
        };
        let mut fields = vec![
            ("name", json!(name)),
            ("phone", json!(phone)),
            ("gender", json!(gender)),
            ("birthday", birthday),
            ("owner", json!(owners[owner_index])),
            ("created_at", json!(created.to_rfc3339())),
        ];
        let tag = TAGS[index % TAGS.len()];
        let tag_field = format!("tag:{tag}");
        fields.push((tag_field.as_str(), json!(true)));
        for (field, value) in fields {
            let hlc = clock.tick(now_ms).to_string();
            batches[owner_index].push(Change::new("customer", &id, field, value, &hlc));
        }
        customers.push((id, owner_index));
    }
    for visit in 0..30 {
        let (customer_id, owner_index) = &customers[visit % customers.len()];
        let id = huitou_shared::model::new_id();
        let at = now
            - chrono::Duration::days(dice.next(90) as i64)
            - chrono::Duration::hours(dice.next(6) as i64);
        let items: Vec<&str> = (0..1 + dice.next(3))
            .map(|_| DISHES[dice.next(DISHES.len() as u64) as usize])
            .collect();
        let fields = [
            ("customer_id", json!(customer_id)),
            ("at", json!(at.to_rfc3339())),
            ("amount", json!(200 + dice.next(30) * 50)),
            ("party_size", json!(1 + dice.next(10))),
            ("occasion", json!(OCCASIONS[dice.next(4) as usize])),
            ("items", json!(items)),
        ];
        for (field, value) in fields {
            let hlc = clock.tick(now_ms).to_string();
            batches[*owner_index].push(Change::new("visit", &id, field, value, &hlc));
        }
    }
    batches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn samples_are_valid_changes() {
        let owners = ["u1".to_owned(), "u2".to_owned()];
        let batches = sample_changes(&owners, chrono::Utc::now());
        let all: Vec<&Change> = batches.iter().flatten().collect();
        assert_eq!(all.len(), 12 * 7 + 30 * 6);
        for change in all {
            huitou_shared::validate::check(change).unwrap_or_else(|e| panic!("{e}: {change:?}"));
        }
    }

    #[test]
    fn the_year_is_valid_and_the_same_every_time() {
        let owners = ["u1".to_owned(), "u2".to_owned()];
        let now = chrono::Utc::now();
        let shape = |batches: [Vec<Change>; 2]| -> Vec<(String, String, String)> {
            batches
                .iter()
                .flatten()
                .map(|c| {
                    huitou_shared::validate::check(c).unwrap_or_else(|e| panic!("{e}: {c:?}"));
                    let value = if c.field == "customer_id" || c.field == "referred_customer_id" {
                        String::new()
                    } else {
                        c.value.to_string()
                    };
                    (c.kind.clone(), c.field.clone(), value)
                })
                .collect()
        };
        let first = shape(year::changes(&owners, now));
        assert_eq!(first, shape(year::changes(&owners, now)));
        let count = |kind: &str| {
            first
                .iter()
                .filter(|(k, f, _)| {
                    k == kind && f == "customer_id"
                        || k == kind && kind == "customer" && f == "name"
                })
                .count()
        };
        assert_eq!(count("customer"), year::CUSTOMERS);
        assert!(count("visit") > 2_000, "{} visits", count("visit"));
        assert!(count("contact") > 300, "{} contacts", count("contact"));
        assert!(
            count("complaint") >= 6 && count("referral") >= 4,
            "service records"
        );
    }
}
