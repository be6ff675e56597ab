//! Escalation (PRODUCT §10, issue 10) in real headless Chromium: a customer visited yesterday
//! with nothing planned reminds the salesperson on Today; a follow-up eight days late is on
//! the manager's "Needs attention" list, flagged high-risk on the profile and found by the
//! customer list's "High risk only" filter. Needs app/dist (`scripts/test`).

use anyhow::{Result, ensure};
use huitou_tests::*;
use serde_json::json;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_late_follow_up_reaches_the_owner_then_the_manager() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let driver = Driver::start().await?;
    let tablet = driver.browser(&dir.path().join("tablet")).await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    with_browsers(vec![tablet.clone(), laptop.clone()], |_| async {
        let (t, l) = (&tablet, &laptop);
        let sales1 = Api::sign_in(&base, "sales1").await?;
        let me = sales1.find("user", "username", "sales1").await?;
        let today = chrono::Local::now().date_naive();
        let day = |offset: i64| (today + chrono::Duration::days(offset)).to_string();
        // 陈先生 came yesterday for a small dinner; nothing is planned and nobody called since.
        let chen = huitou_shared::model::new_id();
        let visit = huitou_shared::model::new_id();
        // 王小明's follow-up call was due eight days ago and is still open.
        let wang = sales1.find("customer", "name", "王小明").await?;
        let task = huitou_shared::model::new_id();
        let yesterday = format!("{}T19:00:00+08:00", day(-1));
        sales1
            .push(
                "sales1-api",
                &[
                    ("customer", &chen, "name", json!("陈先生")),
                    ("customer", &chen, "owner", json!(me)),
                    ("visit", &visit, "customer_id", json!(chen)),
                    ("visit", &visit, "at", json!(yesterday)),
                    ("visit", &visit, "amount", json!(120)),
                    ("task", &task, "customer_id", json!(wang)),
                    ("task", &task, "due", json!(day(-8))),
                    ("task", &task, "kind", json!("follow_up")),
                    ("task", &task, "status", json!("open")),
                    ("task", &task, "owner", json!(me)),
                ],
            )
            .await?;

        sign_in(t, &base, "sales1").await?;
        wait_for_text(t, "No follow-up planned", SYNC).await?;
        wait_for_text(t, "陈先生", SYNC).await?;
        button(t, "Plan a follow-up: 陈先生").await?;
        click(t, "Customers").await?;
        open_customer(t, "王小明").await?;
        wait_for_text(t, "High risk: the follow-up is 8 days late", SYNC).await?;
        click(t, "Customers").await?;
        choose(t, "High risk only").await?;
        eventually(SYNC, || async {
            let text = page_text(t).await?;
            ensure!(
                text.contains("王小明") && !text.contains("陈先生"),
                "{text}"
            );
            Ok(())
        })
        .await?;

        l.set_window_size(1280, 800).await?;
        sign_in(l, &base, "manager").await?;
        wait_for_text(l, "Needs attention", SYNC).await?;
        wait_for_text(l, "李销售 · follow-up 8 days late", SYNC).await?;
        let text = page_text(l).await?;
        ensure!(text.contains("High risk"), "{text}");
        assert_accessible(l, "Today with needs attention (en)").await?;
        screenshot(l, &screenshots().join("needs-attention-1280.png")).await?;

        // Done on the tablet: it leaves the manager's list.
        click(t, "Today").await?;
        click(t, "Done Follow-up call after a visit · 王小明").await?;
        eventually(SYNC, || async {
            let text = page_text(l).await?;
            ensure!(!text.contains("follow-up 8 days late"), "{text}");
            Ok(())
        })
        .await?;
        drop(server);
        Ok(())
    })
    .await
}
