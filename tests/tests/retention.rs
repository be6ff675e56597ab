//! The retention engine end to end (issue 4), in real headless Chromium against a real server:
//! a salesperson's morning on Today, and a manager's rule and playbook edits reaching the
//! salesperson's tablet and the summary endpoint.

use anyhow::{Result, ensure};
use chrono::{Datelike, Days, Local};
use huitou_shared::retention::holidays::holidays_between;
use huitou_shared::retention::playbooks::is_major;
use huitou_tests::*;
use serde_json::json;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

/// The English name the app gives a holiday.
fn english(holiday: huitou_shared::retention::Holiday) -> &'static str {
    use huitou_shared::retention::Holiday::*;
    match holiday {
        NewYear => "New Year's Day",
        SpringFestival => "Spring Festival",
        Lantern => "Lantern Festival",
        Qingming => "Qingming",
        LabourDay => "Labour Day",
        DragonBoat => "Dragon Boat Festival",
        Qixi => "Qixi",
        MidAutumn => "Mid-Autumn Festival",
        NationalDay => "National Day",
        DoubleNinth => "Double Ninth",
    }
}

/// 赵敏, sales1's customer since four months: a ¥30,000 banquet 40 days ago (tier A), a ¥2,600
/// dinner 10 days ago (its follow-up call was due 3 days ago) and a birthday in 3 days. Written
/// through the API, as the shop's other device would have synced them.
async fn seed_zhao_min(api: &Api, sales1: &str) -> Result<String> {
    let today = Local::now().date_naive();
    let day = |back: u64| today.checked_sub_days(Days::new(back)).unwrap_or(today);
    let birthday = today.checked_add_days(Days::new(3)).unwrap_or(today);
    let customer = uuid::Uuid::now_v7().to_string();
    let (banquet, dinner) = (
        uuid::Uuid::now_v7().to_string(),
        uuid::Uuid::now_v7().to_string(),
    );
    let at = |back| json!(format!("{}T19:00:00+08:00", day(back)));
    api.push(
        "front-desk-1",
        &[
            ("customer", &customer, "name", json!("赵敏")),
            ("customer", &customer, "phone", json!("13900001111")),
            ("customer", &customer, "owner", json!(sales1)),
            ("customer", &customer, "created_at", at(120)),
            (
                "customer",
                &customer,
                "birthday",
                json!({"calendar": "solar", "year": 1985, "month": birthday.month(), "day": birthday.day(), "leap": false}),
            ),
            ("visit", &banquet, "customer_id", json!(customer)),
            ("visit", &banquet, "at", at(40)),
            ("visit", &banquet, "amount", json!(30000)),
            ("visit", &dinner, "customer_id", json!(customer)),
            ("visit", &dinner, "at", at(10)),
            ("visit", &dinner, "amount", json!(2600)),
        ],
    )
    .await?;
    Ok(customer)
}

/// A salesperson's morning: the app opens on Today, which shows 赵敏's birthday, the overdue
/// follow-up after her ¥2,600 dinner, and the next major holiday with her among the customers
/// to greet. Completing the follow-up logs a contact, and it reaches the server.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_salespersons_morning_on_today() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let manager = Api::sign_in(&base, "manager").await?;
    let sales1 = manager.find("user", "username", "sales1").await?;
    let customer = seed_zhao_min(&manager, &sales1).await?;
    let today = Local::now().date_naive();
    let (_, holiday) = holidays_between(today, today + Days::new(400))
        .into_iter()
        .find(|(_, h)| is_major(*h))
        .ok_or_else(|| anyhow::anyhow!("no major holiday within 400 days"))?;

    let driver = Driver::start().await?;
    let tablet = driver.browser(&dir.path().join("profile")).await?;
    with_browsers(vec![tablet.clone()], |_| async {
        let t = &tablet;
        t.set_window_size(768, 1024).await?;
        sign_in(t, &base, "sales1").await?;
        // Today is the home screen.
        wait_for_text(t, "Due and overdue", SYNC).await?;
        wait_for_text(t, "Follow-up call after a visit · 赵敏", SYNC).await?;
        wait_for_text(t, "Birthday · 赵敏", SYNC).await?;
        let text = page_text(t).await?;
        ensure!(text.contains("Overdue"), "the follow-up is overdue: {text}");
        ensure!(
            text.contains(&format!("{}", today + Days::new(3))),
            "the birthday date is shown: {text}"
        );
        ensure!(
            text.contains(english(holiday)),
            "the next major holiday, {holiday:?}: {text}"
        );
        // She is tier A, whose playbook greets before major holidays.
        button(t, "Send greetings 赵敏").await?;
        screenshot(t, &screenshots().join("today-morning-768.png")).await?;
        assert_accessible(t, "today with tasks").await?;

        click(t, "Done Follow-up call after a visit · 赵敏").await?;
        eventually(SYNC, || async {
            let text = page_text(t).await?;
            ensure!(
                !text.contains("Follow-up call after a visit · 赵敏"),
                "task still open"
            );
            let badge = sync_badge(t).await?;
            ensure!(badge == "Synced", "badge says {badge:?}");
            Ok(())
        })
        .await?;
        // The contact and the finished task reached the server.
        let changes = manager.pull_all().await?;
        let contact = changes.iter().find(|c| {
            c["kind"] == "contact" && c["field"] == "purpose" && c["value"] == "follow_up"
        });
        let contact = contact.and_then(|c| c["id"].as_str()).unwrap_or_default();
        ensure!(
            changes.iter().any(|c| c["kind"] == "contact"
                && c["id"] == contact
                && c["field"] == "customer_id"
                && c["value"] == customer.as_str()),
            "no follow-up contact for 赵敏 on the server"
        );
        ensure!(
            changes
                .iter()
                .any(|c| c["kind"] == "task" && c["field"] == "status" && c["value"] == "done"),
            "the task is not done on the server"
        );

        // The holiday greeting: straight to the message templates.
        click(t, "Send greetings 赵敏").await?;
        wait_for_text(t, "Holiday wishes", SYNC).await?;
        click(t, "Copy for WeChat Holiday wishes").await?;
        wait_for_text(t, "Copied and logged", SYNC).await?;
        Ok(())
    })
    .await?;
    drop(server);
    Ok(())
}

/// A manager makes a more generous rule set, sees how many customers would move before saving,
/// activates it, and writes a note in tier A's playbook. The salesperson's tablet tiers 赵敏's
/// neighbour by the new rules, with the reason, and the summary endpoint agrees; the visit brief
/// shows the manager's note.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_managers_rules_and_playbook_reach_the_tablet_and_the_api() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let api = Api::sign_in(&base, "manager").await?;
    let sales1 = api.find("user", "username", "sales1").await?;
    // 钱多多 spent ¥3,000 in the last 90 days: ¥1,000 a month, Regular by the restaurant rules.
    let customer = uuid::Uuid::now_v7().to_string();
    let visit = uuid::Uuid::now_v7().to_string();
    let today = Local::now().date_naive();
    let at = |back: u64| json!(format!("{}T12:00:00+08:00", today - Days::new(back)));
    api.push(
        "front-desk-1",
        &[
            ("customer", &customer, "name", json!("钱多多")),
            ("customer", &customer, "phone", json!("13700002222")),
            ("customer", &customer, "owner", json!(sales1)),
            ("customer", &customer, "created_at", at(200)),
            ("visit", &visit, "customer_id", json!(customer)),
            ("visit", &visit, "at", at(20)),
            ("visit", &visit, "amount", json!(3000)),
        ],
    )
    .await?;
    ensure!(api.summary(&customer).await?["tier"] == "regular");

    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    let tablet = driver.browser(&dir.path().join("tablet")).await?;
    with_browsers(vec![laptop.clone(), tablet.clone()], |_| async {
        let (m, t) = (&laptop, &tablet);
        m.set_window_size(1280, 800).await?;
        sign_in(m, &base, "manager").await?;
        sign_in(t, &base, "sales1").await?;
        wait_for_text(m, "Due and overdue", SYNC).await?;
        click(m, "Settings").await?;
        click(m, "Tier rules").await?;
        wait_for_text(m, "Active rules", SYNC).await?;
        click(m, "New rule set from restaurant").await?;
        fill(m, "Name", "宽松").await?;
        // A from ¥900 a month: the preview counts 钱多多 (and any demo customer) moving.
        fill(m, "Tier A Avg monthly spend", "900").await?;
        // Tiers can be taken out and put back (empty: never reached until a criterion is set).
        click(m, "Remove this tier Tier C").await?;
        click(m, "Add tier Tier C").await?;
        let spend = field(m, "Tier C Avg monthly spend")
            .await?
            .prop("value")
            .await?;
        ensure!(
            spend.as_deref() == Some(""),
            "a re-added tier starts empty: {spend:?}"
        );
        fill(m, "Window (days)", "90").await?;
        let moving = || async {
            let preview = m
                .find(fantoccini::Locator::Css("[data-testid=preview-changed]"))
                .await?
                .text()
                .await?;
            Ok::<_, anyhow::Error>(
                preview
                    .split_whitespace()
                    .next()
                    .unwrap_or("0")
                    .parse::<usize>()
                    .unwrap_or(0),
            )
        };
        let before = eventually(SYNC, || async {
            let n = moving().await?;
            if n == 0 {
                let preview = m
                    .find(fantoccini::Locator::Css("section.preview"))
                    .await?
                    .text()
                    .await?;
                let a = field(m, "Tier A Avg monthly spend").await?.prop("value").await?;
                let w = field(m, "Window (days)").await?.prop("value").await?;
                anyhow::bail!("preview says {n} customers would change tier: {preview} (A {a:?}, window {w:?})");
            }
            Ok(n)
        })
        .await?;
        // Typing into an emptied number field gives what was typed ("090" was the old bug).
        let window = field(m, "Window (days)").await?.prop("value").await?;
        ensure!(window.as_deref() == Some("90"), "window field reads {window:?}");
        // The preview follows the book while the manager edits: a colleague's customer who
        // spent ¥2,800 this month arrives by sync and is counted without touching the draft.
        let late = uuid::Uuid::now_v7().to_string();
        let late_visit = uuid::Uuid::now_v7().to_string();
        api.push(
            "front-desk-1",
            &[
                ("customer", &late, "name", json!("孙晚到")),
                ("customer", &late, "owner", json!(sales1)),
                ("customer", &late, "created_at", at(200)),
                ("visit", &late_visit, "customer_id", json!(late)),
                ("visit", &late_visit, "at", at(10)),
                ("visit", &late_visit, "amount", json!(2800)),
            ],
        )
        .await?;
        eventually(SYNC, || async {
            let n = moving().await?;
            ensure!(n == before + 1, "preview still says {n} (was {before})");
            Ok(())
        })
        .await?;
        screenshot(m, &screenshots().join("tier-rules-1280.png")).await?;
        assert_accessible(m, "tier rules editor").await?;
        click(m, "Save and activate").await?;
        wait_for_text(m, "Rules saved", SYNC).await?;

        // Tier A's playbook gets the manager's note.
        click(m, "Settings").await?;
        click(m, "Playbooks").await?;
        fill(m, "Tier A · Holiday SMS and card Note", "中秋送月饼").await?;
        // ... and, for this shop, a treat at every visit, which the visit form will show.
        field(m, "Tier A · A small treat or 10% off at each visit")
            .await?
            .click()
            .await?;
        click(m, "Save playbook Tier A").await?;
        wait_for_text(m, "Saved", SYNC).await?;
        assert_accessible(m, "playbooks").await?;

        // The English holiday message gets the shop's own words.
        click(m, "Settings").await?;
        click(m, "Message templates").await?;
        fill(
            m,
            "Holiday wishes · English",
            "Happy holidays, {name}! Your table at {store} is waiting.",
        )
        .await?;
        click(m, "Save Holiday wishes · English").await?;
        assert_accessible(m, "template library").await?;

        // The tablet follows: 钱多多 is tier A by the new rules, with the reason.
        click(t, "Customers").await?;
        open_customer(t, "钱多多").await?;
        eventually(SYNC, || async {
            click(t, "Tier").await?;
            let text = page_text(t).await?;
            ensure!(text.contains("Active rules 宽松"), "{text}");
            ensure!(text.contains("Tier · Tier A"), "{text}");
            ensure!(
                text.contains("≥ ¥900"),
                "the reason names the threshold: {text}"
            );
            Ok(())
        })
        .await?;
        ensure!(page_text(t).await?.contains("Tier history"));
        assert_accessible(t, "tier tab").await?;
        click(t, "Visit brief").await?;
        wait_for_text(t, "中秋送月饼", SYNC).await?;
        t.back().await?;
        click(t, "Log visit").await?;
        wait_for_text(t, "Tier A · A small treat or 10% off at each visit", SYNC).await?;
        t.back().await?;
        click(t, "Message").await?;
        wait_for_text(
            t,
            "Happy holidays, 钱多多! Your table at demo is waiting.",
            SYNC,
        )
        .await?;

        // The integration endpoint uses the same active rules.
        let summary = api.summary(&customer).await?;
        ensure!(summary["tier"] == "A", "{summary}");
        ensure!(
            summary["tier_reason"] == "avg monthly spend ¥1,000 ≥ ¥900",
            "{summary}"
        );

        // The manager overrides the tier by hand, with a reason; the tablet, its tier history
        // and the API follow.
        click(m, "Customers").await?;
        open_customer(m, "钱多多").await?;
        click(m, "Tier").await?;
        m.find(fantoccini::Locator::Css("select[name=tier_override]"))
            .await?
            .select_by_value("potential")
            .await?;
        fill(m, "Reason", "街道办主任").await?;
        click(m, "Save tier").await?;
        wait_for_text(m, "A manager set this tier by hand.", SYNC).await?;
        eventually(SYNC, || async {
            click(t, "Customers").await?;
            open_customer(t, "钱多多").await?;
            click(t, "Tier").await?;
            let text = page_text(t).await?;
            ensure!(
                text.contains("Tier · Potential") && text.contains("街道办主任"),
                "{text}"
            );
            Ok(())
        })
        .await?;
        let summary = api.summary(&customer).await?;
        ensure!(
            summary["tier"] == "potential" && summary["tier_reason"] == "街道办主任",
            "{summary}"
        );
        Ok(())
    })
    .await?;
    drop(server);
    Ok(())
}
