//! Several stateless servers over one PostgreSQL (issue 9): devices syncing through different
//! instances converge, and a push through one instance wakes live streams held by another
//! (`LISTEN/NOTIFY`). Needs PostgreSQL: runs in CI's PostgreSQL pass (`HUITOU_TEST_POSTGRES`).

mod support;

use huitou_shared::{Role, State};
use serde_json::json;
use support::*;

#[tokio::test]
async fn two_instances_over_one_postgres_serve_one_organisation() {
    if std::env::var("HUITOU_TEST_POSTGRES").is_err() {
        eprintln!("needs PostgreSQL (HUITOU_TEST_POSTGRES); CI's PostgreSQL pass runs it");
        return;
    }
    let a = spawn_app().await;
    let b = second_instance(&a).await;
    let manager = a.user("acme", "manager", Role::Manager).await;
    a.add_user("acme", "sales1", Role::Salesperson).await;
    a.add_user("acme", "sales2", Role::Salesperson).await;
    // The tablets sign in through the other instance.
    let sales1 = b.login("acme", "sales1").await;
    let sales2 = b.login("acme", "sales2").await;
    let mut live1 = b.live(&sales1).await;
    let mut live2 = b.live(&sales2).await;

    // The manager's laptop pushes through A a customer for sales1.
    let customer = new_id();
    let body = a
        .push(
            &manager,
            &[
                change("customer", &customer, "name", json!("王小明"), 0),
                change("customer", &customer, "owner", json!(sales1.user_id), 1),
            ],
        )
        .await;
    let cursor = body["cursor"].as_str().unwrap().to_owned();
    assert_eq!(
        next_event(&mut live1).await.as_deref(),
        Some(cursor.as_str()),
        "B's stream hears of A's push"
    );
    // sales1's tablet pulls through B and edits; the manager reads it through A.
    let pulled = State::fold(&b.pull_all(&sales1).await);
    assert_eq!(
        pulled.value("customer", &customer, "name"),
        Some(&json!("王小明"))
    );
    b.push(
        &sales1,
        &[change("customer", &customer, "phone", json!("138"), 2)],
    )
    .await;
    let seen = State::fold(&a.pull_all(&manager).await);
    assert_eq!(
        seen.value("customer", &customer, "phone"),
        Some(&json!("138"))
    );
    // Isolation holds across instances: sales2 was told of neither change.
    let template = a
        .push(
            &manager,
            &[change("template", &new_id(), "text", json!("中秋快乐"), 3)],
        )
        .await;
    assert_eq!(
        next_event(&mut live2).await.as_deref(),
        template["cursor"].as_str(),
        "sales2's first event is the organisation-wide one"
    );
}
