//! The shared pool (公海, issue 10) in real headless Chromium: a manager returns a customer to
//! the pool on a laptop, it leaves its owner's tablet and shows in every salesperson's Pool
//! list with only its name, tier, last visit and spend band; two tablets claim the same
//! customer offline and, once the server is back, exactly one has it — the other is told
//! who was first, in words. Needs app/dist (`scripts/test`).

use anyhow::{Result, ensure};
use huitou_tests::*;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_tablets_claim_one_pool_customer_offline_and_exactly_one_gets_it() -> Result<()> {
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
            let manager = Api::sign_in(&base, "manager").await?;
            let sales1 = manager.find("user", "username", "sales1").await?;
            let sales2 = manager.find("user", "username", "sales2").await?;

            // sales1's tablet holds 王小明 before the manager returns him to the pool.
            sign_in(a, &base, "sales1").await?;
            click(a, "Customers").await?;
            wait_for_text(a, "王小明", SYNC).await?;

            l.set_window_size(1280, 800).await?;
            sign_in(l, &base, "manager").await?;
            wait_until_synced(l).await?;
            click(l, "Customers").await?;
            open_customer(l, "王小明").await?;
            click(l, "Profile").await?;
            click(l, "Return to the shared pool").await?;
            wait_for_text(l, "Returned to the shared pool", SYNC).await?;
            let wang = manager.find("customer", "name", "王小明").await?;
            eventually(SYNC, || async {
                let state = manager.folded().await?;
                let owner = state.value("customer", &wang, "owner");
                ensure!(owner == Some(&serde_json::json!("pool")), "owner {owner:?}");
                ensure!(
                    state.value("pool", &wang, "reason") == Some(&serde_json::json!("manager"))
                );
                Ok(())
            })
            .await?;

            // It leaves sales1's tablet and waits in the pool, with the demo's three.
            eventually(SYNC, || async {
                let text = page_text(a).await?;
                ensure!(
                    !text.contains("王小明"),
                    "王小明 should have left sales1's tablet"
                );
                Ok(())
            })
            .await?;
            click(a, "Shared pool").await?;
            wait_for_text(a, "4 customers in the pool", SYNC).await?;
            let text = page_text(a).await?;
            for name in ["王小明", "林先生", "郑女士", "何总"] {
                ensure!(text.contains(name), "{name} in the pool: {text}");
            }
            ensure!(
                !text.contains("13800138021"),
                "no phone before the claim: {text}"
            );
            assert_accessible(a, "Pool (en)").await?;
            screenshot(a, &screenshots().join("pool-1024.png")).await?;

            sign_in(b, &base, "sales2").await?;
            wait_until_synced(b).await?;
            click(b, "Shared pool").await?;
            wait_for_text(b, "林先生", SYNC).await?;

            // Both tablets claim 林先生 with the server down.
            if let Some(server) = server.take() {
                server.stop();
            }
            click(a, "Claim: 林先生").await?;
            wait_for_text(a, "Claiming… yours once synced", SYNC).await?;
            click(b, "Claim: 林先生").await?;
            wait_for_text(b, "Claiming… yours once synced", SYNC).await?;

            let server = Server::start(&database, addr, false)?;
            let manager = Api::sign_in(&server.url(), "manager").await?;
            let lin = manager.find("customer", "name", "林先生").await?;
            let winner = eventually(SYNC, || async {
                let state = manager.folded().await?;
                let owner = state
                    .value("customer", &lin, "owner")
                    .and_then(|v| v.as_str())
                    .map(str::to_owned);
                ensure!(
                    owner.as_deref() == Some(sales1.as_str())
                        || owner.as_deref() == Some(sales2.as_str()),
                    "林先生 is given to a claimer: {owner:?}"
                );
                Ok(owner.unwrap_or_default())
            })
            .await?;
            let (won, lost, winner_name) = if winner == sales1 {
                (a, b, "李销售")
            } else {
                (b, a, "张销售")
            };
            // The loser reads who was first and lets it go; the winner has the whole customer.
            wait_for_text(lost, &format!("Claimed by {winner_name} first"), SYNC).await?;
            assert_accessible(lost, "Pool with a refused claim (en)").await?;
            screenshot(lost, &screenshots().join("pool-claimed-first-1024.png")).await?;
            click(lost, "Got it: 林先生").await?;
            wait_until_synced(lost).await?;
            click(lost, "Customers").await?;
            ensure!(!page_text(lost).await?.contains("林先生"));

            click(won, "Shared pool").await?;
            wait_for_text(won, "Claimed by you", SYNC).await?;
            click(won, "Customers").await?;
            open_customer(won, "林先生").await?;
            wait_for_text(won, "13800138021", SYNC).await?;
            wait_until_synced(won).await?;

            // The same screen in Simplified Chinese.
            click(lost, "Settings").await?;
            field(lost, "Language")
                .await?
                .select_by_value("zh-CN")
                .await?;
            click(lost, "公海客户").await?;
            wait_for_text(lost, "公海里有 3 位客户", SYNC).await?;
            assert_accessible(lost, "Pool (zh-CN)").await?;
            drop(server);
            Ok(())
        },
    )
    .await
}
