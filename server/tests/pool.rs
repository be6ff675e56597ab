//! The shared pool (公海, issue 10): the server's job releases customers nobody visited or
//! contacted for the organisation's days as ordinary synced changes; salespeople see only the
//! pool entry (name, tier, last visit, spend band) until they claim it; of two claims exactly
//! one wins — the first to reach the server — the same on every device, whatever the order or
//! the stamps. Runs on SQLite and again in CI's PostgreSQL pass.

mod support;

use huitou_server::pool;
use huitou_shared::customer::pool::POOL;
use huitou_shared::{Change, Role, State};
use serde_json::{Value, json};
use std::time::Duration;
use support::*;

const DAY: u64 = 86_400_000;

fn state_of(changes: &[Change]) -> State {
    State::fold(changes)
}

fn owner(state: &State, kind: &str, id: &str) -> Option<String> {
    state
        .value(kind, id, "owner")
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A customer of `owner` whose owner, visit and open task were all written `age_days` ago.
fn customer(id: &str, name: &str, owner: &str, age_days: u64, spend: f64) -> Vec<Value> {
    let at = now_ms() - age_days * DAY;
    let stamp = |n| hlc_at(at, n, "managerdev01");
    let visit = new_id();
    let task = new_id();
    let day = chrono::DateTime::from_timestamp_millis(i64::try_from(at).unwrap())
        .unwrap()
        .to_rfc3339();
    vec![
        change_at("customer", id, "name", json!(name), &stamp(0)),
        change_at("customer", id, "phone", json!("13800138000"), &stamp(1)),
        change_at("customer", id, "owner", json!(owner), &stamp(2)),
        change_at("visit", &visit, "customer_id", json!(id), &stamp(3)),
        change_at("visit", &visit, "at", json!(day), &stamp(4)),
        change_at("visit", &visit, "amount", json!(spend), &stamp(5)),
        change_at("task", &task, "customer_id", json!(id), &stamp(6)),
        change_at("task", &task, "owner", json!(owner), &stamp(7)),
        change_at("task", &task, "status", json!("open"), &stamp(8)),
        change_at("task", &task, "due", json!("2026-12-10"), &stamp(9)),
    ]
}

/// Polls the manager's view until `done` holds (10 s at most).
async fn wait_for(app: &TestApp, manager: &Session, done: impl Fn(&State) -> bool) -> State {
    for _ in 0..200 {
        let state = state_of(&app.pull_all(manager).await);
        if done(&state) {
            return state;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("the pool job did not get there in 10 s");
}

/// A manager returns `id` to the pool by hand, as the app does (`customer::pool::release`).
async fn return_to_pool(app: &TestApp, manager: &Session, id: &str, at: u64) {
    let mut changes = vec![change_at(
        "customer",
        id,
        "owner",
        json!(POOL),
        &hlc_at(at, 0, "managerdev01"),
    )];
    for (n, (field, value)) in [
        ("name", json!("王女士")),
        ("released_at", json!(at)),
        ("reason", json!("manager")),
        ("claimed_by", Value::Null),
    ]
    .into_iter()
    .enumerate()
    {
        changes.push(change_at(
            "pool",
            id,
            field,
            value,
            &hlc_at(at, u32::try_from(n).unwrap() + 1, "managerdev01"),
        ));
    }
    let body = app.push(manager, &changes).await;
    assert_eq!(body["rejected"], json!([]), "{body}");
}

fn claim(id: &str, user: &Session, at: u64, device: &str) -> Value {
    change_at(
        "pool",
        id,
        "claimed_by",
        json!(user.user_id),
        &hlc_at(at, 0, device),
    )
}

async fn push_from(app: &TestApp, user: &Session, device: &str, changes: &[Value]) -> Value {
    let (status, body) = app
        .push_raw(&user.token, json!({"device": device, "changes": changes}))
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

fn accepted(body: &Value) -> bool {
    body["accepted"].as_array().is_some_and(|a| a.len() == 1)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn an_idle_customer_goes_to_the_pool_and_of_two_claims_at_once_exactly_one_wins() {
    let app = spawn_app_with(|mut config| {
        config.jobs = vec![pool::job(Duration::from_millis(300))];
        config
    })
    .await;
    let manager = app.user("chain", "manager", Role::Manager).await;
    let li = app.user("chain", "li", Role::Salesperson).await;
    let wang = app.user("chain", "wang", Role::Salesperson).await;
    let zhao = app.user("chain", "zhao", Role::Salesperson).await;
    let (idle, recent, top, fresh) = (new_id(), new_id(), new_id(), new_id());
    let mut book = customer(&idle, "陈先生", &li.user_id, 100, 3200.0);
    // Contacted yesterday: stays.
    book.extend(customer(&recent, "刘女士", &li.user_id, 100, 800.0));
    let contact = new_id();
    book.push(change("contact", &contact, "customer_id", json!(recent), 0));
    book.push(change("contact", &contact, "channel", json!("call"), 1));
    // A-tier: exempt by default.
    book.extend(customer(&top, "周总", &li.user_id, 100, 900.0));
    book.push(change(
        "customer",
        &top,
        "tier_override",
        json!({"tier": "A", "reason": "key account"}),
        2,
    ));
    // Given to li last week: the clock starts again.
    book.extend(customer(&fresh, "吴先生", &li.user_id, 7, 100.0));
    let (_, li_cursor, _) = {
        let body = app.push(&manager, &book).await;
        assert_eq!(body["rejected"], json!([]), "{body}");
        app.pull_from(&li, "").await
    };

    let state = wait_for(&app, &manager, |s| {
        owner(s, "customer", &idle).as_deref() == Some(POOL)
    })
    .await;
    for kept in [&recent, &top, &fresh] {
        assert_eq!(
            owner(&state, "customer", kept),
            Some(li.user_id.clone()),
            "{kept} stays with li"
        );
        assert!(state.record("pool", kept).is_none());
    }
    let entry = state.record("pool", &idle).expect("a pool entry");
    assert_eq!(entry.text("name"), Some("陈先生"));
    assert_eq!(entry.value("spend_band"), Some(&json!(1000)));
    assert_eq!(entry.text("from"), Some(li.user_id.as_str()));
    assert_eq!(entry.text("reason"), Some("idle"));
    assert!(entry.text("last_visit").is_some() && entry.text("tier").is_some());
    let task_owners: Vec<String> = state
        .records("task")
        .filter(|(_, t)| t.text("customer_id") == Some(idle.as_str()))
        .filter_map(|(_, t)| t.text("owner").map(str::to_owned))
        .collect();
    assert_eq!(
        task_owners,
        vec![POOL.to_owned()],
        "its open task waits in the pool too"
    );

    // li's tablet loses it; every salesperson sees the entry but nothing private.
    let (_, _, revoked) = app.pull_from(&li, &li_cursor).await;
    assert!(revoked.contains(&idle), "{revoked:?}");
    for user in [&wang, &zhao] {
        let seen = state_of(&app.pull_all(user).await);
        assert_eq!(
            seen.record("pool", &idle).and_then(|e| e.text("name")),
            Some("陈先生")
        );
        assert!(
            seen.record("customer", &idle).is_none(),
            "no phone before the claim"
        );
        assert_eq!(seen.records("visit").count(), 0);
    }

    // Two claims at the same moment, from two tablets: one wins.
    let now = now_ms();
    let (wang_claim, zhao_claim) = (
        [claim(&idle, &wang, now, "wangtablet1")],
        [claim(&idle, &zhao, now, "zhaotablet1")],
    );
    let (a, b) = tokio::join!(
        push_from(&app, &wang, "wangtablet1", &wang_claim),
        push_from(&app, &zhao, "zhaotablet1", &zhao_claim),
    );
    assert!(
        accepted(&a) != accepted(&b),
        "exactly one claim is accepted: {a} {b}"
    );
    let (winner, loser, refusal) = if accepted(&a) {
        (&wang, &zhao, &b)
    } else {
        (&zhao, &wang, &a)
    };
    assert_eq!(refusal["rejected"][0]["code"], "forbidden");
    assert_eq!(
        refusal["rejected"][0]["message"],
        format!("claimed by {} first", winner.user_id)
    );

    // Everyone agrees who won; the winner gets the whole customer, with its open task.
    let won = state_of(&app.pull_all(winner).await);
    assert_eq!(owner(&won, "customer", &idle), Some(winner.user_id.clone()));
    assert_eq!(
        won.value("customer", &idle, "phone"),
        Some(&json!("13800138000"))
    );
    assert_eq!(won.records("visit").count(), 1);
    let task = won
        .records("task")
        .next()
        .expect("the open task came along")
        .1;
    assert_eq!(task.text("owner"), Some(winner.user_id.as_str()));
    let lost = state_of(&app.pull_all(loser).await);
    assert!(lost.record("customer", &idle).is_none());
    let managers = state_of(&app.pull_all(&manager).await);
    for view in [&won, &lost, &managers] {
        let entry = view.record("pool", &idle).expect("entry");
        assert_eq!(entry.text("claimed_by"), Some(winner.user_id.as_str()));
        assert!(entry.value("claimed_at").is_some_and(Value::is_u64));
    }
    assert_eq!(
        owner(&managers, "customer", &idle),
        Some(winner.user_id.clone())
    );

    let (status, audit) = app
        .client
        .get(format!("{}/api/v1/audit", app.url))
        .bearer_auth(&manager.token)
        .send()
        .await
        .map(|r| (r.status(), r))
        .expect("audit");
    assert_eq!(status, 200);
    let audit: Value = audit.json().await.expect("audit json");
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter(|e| e["subject"] == json!(idle))
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert!(
        actions.contains(&"pool_released") && actions.contains(&"pool_claimed"),
        "{actions:?}"
    );

    // A later run finds nothing more to do: the claimed customer is not released again.
    tokio::time::sleep(Duration::from_millis(900)).await;
    let again = state_of(&app.pull_all(&manager).await);
    assert_eq!(
        owner(&again, "customer", &idle),
        Some(winner.user_id.clone())
    );
}

/// Two salespeople claim offline and sync later: whoever's claim reaches the server first
/// wins, whichever clock is earlier, and all devices end up agreeing.
#[tokio::test]
async fn two_offline_claims_synced_in_either_order_end_with_the_same_winner_everywhere() {
    let app = spawn_app().await;
    let manager = app.user("chain", "manager", Role::Manager).await;
    let li = app.user("chain", "li", Role::Salesperson).await;
    let wang = app.user("chain", "wang", Role::Salesperson).await;
    let zhao = app.user("chain", "zhao", Role::Salesperson).await;
    for earlier_first in [true, false] {
        let id = new_id();
        let body = app
            .push(&manager, &customer(&id, "王女士", &li.user_id, 1, 50.0))
            .await;
        assert_eq!(body["rejected"], json!([]));
        let released = now_ms();
        return_to_pool(&app, &manager, &id, released).await;
        // Both tablets claim offline, wang a second before zhao.
        let wang_claim = claim(&id, &wang, released + 1_000, "wangtablet1");
        let zhao_claim = claim(&id, &zhao, released + 2_000, "zhaotablet1");
        let (first, second) = if earlier_first {
            ((&wang, wang_claim), (&zhao, zhao_claim))
        } else {
            ((&zhao, zhao_claim), (&wang, wang_claim))
        };
        let a = push_from(&app, first.0, "firsttablet", &[first.1]).await;
        let b = push_from(&app, second.0, "secondtablet", &[second.1]).await;
        assert!(accepted(&a), "{a}");
        assert!(!accepted(&b), "{b}");
        let winner = &first.0.user_id;
        for user in [&manager, &wang, &zhao] {
            let view = state_of(&app.pull_all(user).await);
            assert_eq!(
                view.value("pool", &id, "claimed_by"),
                Some(&json!(winner)),
                "earlier_first={earlier_first}"
            );
            let sees = view.record("customer", &id).is_some();
            assert_eq!(sees, user.role == Role::Manager || &user.user_id == winner);
        }
    }
}

/// A claim made before the latest release cannot take the new round; a claim stored without
/// its follow-up (the instance died between) is finished by the job.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_claim_from_an_earlier_round_is_refused_and_an_unfinished_claim_is_finished_by_the_job() {
    let app = spawn_app_with(|mut config| {
        config.jobs = vec![pool::job(Duration::from_millis(300))];
        config
    })
    .await;
    let manager = app.user("chain", "manager", Role::Manager).await;
    let li = app.user("chain", "li", Role::Salesperson).await;
    let wang = app.user("chain", "wang", Role::Salesperson).await;
    let zhao = app.user("chain", "zhao", Role::Salesperson).await;
    let id = new_id();
    app.push(&manager, &customer(&id, "王女士", &li.user_id, 1, 50.0))
        .await;
    let round_one = now_ms() - 60_000;
    return_to_pool(&app, &manager, &id, round_one).await;
    // zhao claims offline in round one; wang's claim reaches the server first.
    let zhao_old = claim(&id, &zhao, round_one + 1_000, "zhaotablet1");
    assert!(accepted(
        &push_from(
            &app,
            &wang,
            "wangtablet1",
            &[claim(&id, &wang, round_one + 2_000, "wangtablet1")]
        )
        .await
    ));
    // The manager puts it back; zhao's old claim arrives now and must not take round two.
    let round_two = now_ms();
    return_to_pool(&app, &manager, &id, round_two).await;
    let late = push_from(&app, &zhao, "zhaotablet1", &[zhao_old]).await;
    assert!(!accepted(&late), "{late}");
    assert_eq!(
        late["rejected"][0]["message"],
        "this claim was made before the customer's latest release to the pool"
    );

    // A claim stored without its follow-up, as if the instance died right after the commit.
    let fresh = claim(&id, &zhao, round_two + 5, "zhaotablet1");
    let change: Change = serde_json::from_value(fresh).unwrap();
    let mut stored = change.clone();
    stored.author.clone_from(&zhao.user_id);
    let outcome = app
        .server
        .store
        .push(
            &zhao.actor(),
            &huitou_shared::DeviceId::parse("zhaotablet1").unwrap(),
            &[huitou_server::store::Incoming::Valid { change: stored }],
            &Default::default(),
        )
        .await
        .expect("push");
    assert!(matches!(
        outcome.verdicts[..],
        [huitou_server::store::Verdict::Accepted]
    ));
    assert_eq!(
        owner(&state_of(&app.pull_all(&manager).await), "customer", &id),
        Some(POOL.into())
    );
    let state = wait_for(&app, &manager, |s| {
        owner(s, "customer", &id).as_deref() == Some(zhao.user_id.as_str())
    })
    .await;
    assert!(state.value("pool", &id, "claimed_at").is_some());
}
