//! 离职继承 in real headless Chromium (issue 10): on the Team screen a manager hands every
//! customer of a leaving salesperson to two colleagues, split by tier, after a preview; the
//! customers, their open tasks and a note on each timeline move, the account is disabled, and
//! running the hand-over again writes nothing. Needs app/dist (`scripts/test`).

use anyhow::{Result, ensure};
use fantoccini::Locator;
use huitou_tests::*;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_leaving_salespersons_book_is_handed_over_once_with_a_preview() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    with_browsers(vec![laptop.clone()], |_| async {
        let l = &laptop;
        l.set_window_size(1280, 800).await?;
        let manager = Api::sign_in(&base, "manager").await?;
        let sales1 = manager.find("user", "username", "sales1").await?;
        let sales2 = manager.find("user", "username", "sales2").await?;
        let boss = manager.find("user", "username", "manager").await?;
        let theirs = manager.owned_by(&sales1).await?;
        ensure!(
            theirs.len() >= 2,
            "李销售 owns customers to hand over: {theirs:?}"
        );

        sign_in(l, &base, "manager").await?;
        eventually(SYNC, || async {
            let badge = sync_badge(l).await?;
            ensure!(badge == "Synced", "badge says {badge:?}");
            Ok(())
        })
        .await?;
        click(l, "Settings").await?;
        click(l, "Team and devices").await?;
        click(l, "Hand over 李销售").await?;
        wait_for_text(
            l,
            &format!("Customers in their name: {}", theirs.len()),
            SYNC,
        )
        .await?;
        choose(l, "张销售").await?;
        choose(l, "王经理").await?;
        choose(l, "By tier, so each gets a fair mix of A, B and C").await?;
        wait_for_text(l, "What each colleague receives", SYNC).await?;
        // The preview follows every tick: both colleagues, their shares adding up to the book.
        let rows = eventually(SYNC, || async {
            let mut rows = Vec::new();
            for row in l.find_all(Locator::Css(".hand-over tbody tr")).await? {
                let cells: Vec<String> = {
                    let mut cells = Vec::new();
                    for cell in row.find_all(Locator::Css("th, td")).await? {
                        cells.push(cell.text().await?);
                    }
                    cells
                };
                rows.push(cells);
            }
            let names: Vec<&str> = rows.iter().map(|r| r[0].as_str()).collect();
            ensure!(
                names.contains(&"张销售") && names.contains(&"王经理") && rows.len() == 2,
                "the preview lists both colleagues: {rows:?}"
            );
            Ok(rows)
        })
        .await?;
        let previewed: usize = rows
            .iter()
            .map(|r| r[1].parse::<usize>().unwrap_or(0))
            .sum();
        ensure!(
            previewed == theirs.len(),
            "the preview shares out {previewed} of {}",
            theirs.len()
        );
        let previewed_to_two: usize = rows
            .iter()
            .find(|r| r[0] == "张销售")
            .map_or(0, |r| r[1].parse().unwrap_or(0));
        assert_accessible(l, "Hand-over (en)").await?;
        screenshot(l, &screenshots().join("hand-over-1280.png")).await?;
        click(
            l,
            &format!("Hand over {} customers and disable", theirs.len()),
        )
        .await?;
        wait_for_text(l, "sales1 · Salesperson · disabled", SYNC).await?;

        // On the server: nothing is left in 李销售's name, the two colleagues share it fairly,
        // each customer has one hand-over note, and no open task of theirs stays with him.
        let shared_out = eventually(SYNC, || async {
            ensure!(
                manager.owned_by(&sales1).await?.is_empty(),
                "李销售 owns nothing"
            );
            let state = manager.folded().await?;
            let notes = state.records("handover").count();
            ensure!(
                notes == theirs.len(),
                "{notes} notes for {} customers",
                theirs.len()
            );
            Ok(state)
        })
        .await?;
        let to_two = manager.owned_by(&sales2).await?;
        let to_boss = manager.owned_by(&boss).await?;
        let given: Vec<&String> = theirs
            .iter()
            .filter(|id| to_two.contains(*id) || to_boss.contains(*id))
            .collect();
        ensure!(
            given.len() == theirs.len(),
            "every customer went to one of the two"
        );
        let two = theirs.iter().filter(|id| to_two.contains(*id)).count();
        ensure!(
            two == previewed_to_two,
            "张销售 got {two}, the preview said {previewed_to_two}"
        );
        ensure!(
            two > 0 && two < theirs.len(),
            "both colleagues receive some: {two} of {}",
            theirs.len()
        );
        let open_left = shared_out
            .records("task")
            .filter(|(_, t)| {
                t.text("owner") == Some(sales1.as_str())
                    && t.text("customer_id").is_some_and(|c| theirs.contains(c))
                    && huitou_shared::customer::reassign::is_open(t)
            })
            .count();
        ensure!(open_left == 0, "{open_left} open tasks still with 李销售");

        // The note is on the customer's timeline.
        let one = theirs.iter().next().expect("a customer");
        let name = shared_out
            .value("customer", one, "name")
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_owned();
        click(l, "Customers").await?;
        open_customer(l, &name).await?;
        wait_for_text(l, "Handed over: 李销售 (left) →", SYNC).await?;

        // A second run (say, after a crash) finds nothing left and writes nothing.
        click(l, "Settings").await?;
        click(l, "Team and devices").await?;
        click(l, "Hand over 李销售").await?;
        wait_for_text(l, "Customers in their name: 0", SYNC).await?;
        let before = manager.pull_all().await?.len();
        click(l, "Hand over 0 customers").await?;
        wait_for_text(l, "Handed over;", SYNC).await?;
        tokio::time::sleep(Duration::from_secs(2)).await;
        let after = manager.pull_all().await?.len();
        ensure!(
            before == after,
            "the second run wrote {} changes",
            after - before
        );
        Ok(())
    })
    .await?;
    drop(server);
    Ok(())
}
