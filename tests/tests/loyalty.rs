//! Loyalty at the table (issue 13) in real headless Chromium: a manager issues a voucher on
//! the laptop; a visit logged on a tablet earns points; a second tablet sees the same
//! balance; both tablets, offline, use the same voucher at a visit — once the server is back
//! exactly one redemption stands, the other tablet says why, leaves it out of the balances
//! and, discarded, shows the voucher used. Then redeeming points, and the tab in 简体 and
//! 繁體. Needs app/dist (`scripts/test`).

use anyhow::{Result, ensure};
use huitou_tests::*;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

/// Logs a visit of `amount` for the open customer, using the first voucher offered if `voucher`.
async fn log_visit(client: &fantoccini::Client, amount: &str, voucher: bool) -> Result<()> {
    click(client, "Log visit").await?;
    fill(client, "Amount", amount).await?;
    if voucher {
        field(client, "Use a voucher")
            .await?
            .select_by_index(1)
            .await?;
    }
    click(client, "Save").await?;
    wait_for_text(client, "Membership", SYNC).await?;
    Ok(())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_voucher_used_on_two_offline_tablets_is_redeemed_once_and_the_other_says_why()
-> Result<()> {
    let dir = tempfile::tempdir()?;
    let database = dir.path().join("huitou.db");
    let server = Server::start(&database, "127.0.0.1:0".parse()?, true)?;
    let addr = server.addr;
    let base = server.url();
    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    let tablet_a = driver.browser(&dir.path().join("tablet-a")).await?;
    let tablet_b = driver.browser(&dir.path().join("tablet-b")).await?;
    let mut server = Some(server);
    with_browsers(
        vec![laptop.clone(), tablet_a.clone(), tablet_b.clone()],
        |_| async {
            let (l, a, b) = (&laptop, &tablet_a, &tablet_b);

            // The manager issues 王小明 a voucher on the laptop (manager bundle).
            l.set_window_size(1280, 800).await?;
            sign_in(l, &base, "manager").await?;
            wait_until_synced(l).await?;
            click(l, "Customers").await?;
            open_customer(l, "王小明").await?;
            click(l, "Membership").await?;
            fill(l, "Voucher name", "满 300 减 50").await?;
            fill(l, "Value", "50").await?;
            fill(l, "Minimum spend", "300").await?;
            click(l, "Issue voucher").await?;
            wait_for_text(l, "满 300 减 50 · ¥50", SYNC).await?;
            assert_accessible(l, "Membership with the manager's tools (en)").await?;
            wait_until_synced(l).await?;

            // A visit on tablet A earns points; tablet B sees the same balance and voucher.
            sign_in(a, &base, "sales1").await?;
            wait_until_synced(a).await?;
            click(a, "Customers").await?;
            open_customer(a, "王小明").await?;
            log_visit(a, "880", false).await?;
            click(a, "Membership").await?;
            wait_for_text(a, "Points 880", SYNC).await?;
            wait_until_synced(a).await?;

            sign_in(b, &base, "sales1").await?;
            wait_until_synced(b).await?;
            click(b, "Customers").await?;
            open_customer(b, "王小明").await?;
            click(b, "Membership").await?;
            wait_for_text(b, "Points 880", SYNC).await?;
            wait_for_text(b, "满 300 减 50", SYNC).await?;

            // Both tablets use the voucher at a visit with the server down.
            if let Some(server) = server.take() {
                server.stop();
            }
            log_visit(a, "300", true).await?;
            log_visit(b, "320", true).await?;
            click(b, "Membership").await?;
            wait_for_text(b, "Used", SYNC).await?;

            let server = Server::start(&database, addr, false)?;
            let manager = Api::sign_in(&server.url(), "manager").await?;
            let voucher = manager.find("voucher", "title", "满 300 减 50").await?;
            let winner = eventually(SYNC, || async {
                let state = manager.folded().await?;
                let visit = state
                    .value("voucher", &voucher, "redeemed_visit")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                ensure!(visit.is_some(), "the voucher is redeemed once both synced");
                let amount = state.value("visit", visit.as_deref().unwrap_or_default(), "amount");
                Ok(amount
                    .and_then(serde_json::Value::as_f64)
                    .unwrap_or_default())
            })
            .await?;
            let (won, lost) = if winner == 300.0 { (a, b) } else { (b, a) };
            // Both visits earned their points (earning is never refused): 880 + 300 + 320.
            wait_until_synced(won).await?;
            click(won, "Membership").await?;
            wait_for_text(won, "Points 1,500", SYNC).await?;

            // The other tablet says why and counts nothing the server did not take.
            click(lost, "Membership").await?;
            wait_for_text(
                lost,
                "The server did not take 1 of this customer's membership changes",
                SYNC,
            )
            .await?;
            assert_accessible(lost, "Membership with a refused redemption (en)").await?;
            screenshot(lost, &screenshots().join("membership-refused-1024.png")).await?;
            click(lost, "Changes the server refused").await?;
            wait_for_text(
                lost,
                "Refused: this voucher was already used at another visit",
                SYNC,
            )
            .await?;
            click(lost, "Discard this edit").await?;
            click(lost, "Customers").await?;
            open_customer(lost, "王小明").await?;
            click(lost, "Membership").await?;
            wait_for_text(lost, "Points 1,500", SYNC).await?;
            ensure!(
                !page_text(lost).await?.contains("membership changes"),
                "no refusal left once discarded"
            );

            // Redeeming points at the table; more than there is is refused on the spot.
            fill(won, "Points to redeem", "5000").await?;
            click(won, "Redeem points").await?;
            wait_for_text(won, "Not enough points", SYNC).await?;
            fill(won, "Points to redeem", "500").await?;
            fill(won, "What for", "甜品").await?;
            click(won, "Redeem points").await?;
            wait_for_text(won, "Points 1,000", SYNC).await?;
            wait_until_synced(won).await?;
            eventually(SYNC, || async {
                let state = manager.folded().await?;
                let points: i64 = state
                    .records("points")
                    .filter_map(|(_, r)| r.value("amount").and_then(serde_json::Value::as_i64))
                    .sum();
                ensure!(points == 1000, "the server's points: {points}");
                Ok(())
            })
            .await?;
            screenshot(won, &screenshots().join("membership-1024.png")).await?;

            // The same tab in Simplified and Traditional Chinese.
            for (language, points, tab) in [
                ("zh-CN", "积分 1,000", "会员"),
                ("zh-TW", "積分 1,000", "會員"),
            ] {
                click(
                    won,
                    if language == "zh-CN" {
                        "Settings"
                    } else {
                        "设置"
                    },
                )
                .await?;
                field(
                    won,
                    if language == "zh-CN" {
                        "Language"
                    } else {
                        "语言"
                    },
                )
                .await?
                .select_by_value(language)
                .await?;
                click(
                    won,
                    if language == "zh-CN" {
                        "客户"
                    } else {
                        "客戶"
                    },
                )
                .await?;
                open_customer(won, "王小明").await?;
                click(won, tab).await?;
                wait_for_text(won, points, SYNC).await?;
                assert_accessible(won, &format!("Membership ({language})")).await?;
                screenshot(
                    won,
                    &screenshots().join(format!("membership-{language}-1024.png")),
                )
                .await?;
            }
            server.stop();
            Ok(())
        },
    )
    .await
}
