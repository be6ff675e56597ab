//! 离职继承 in real headless Chromium (issue 10), three profiles: the leaving salesperson's
//! tablet, a colleague's tablet and the manager's laptop. On the Team screen the manager hands
//! every customer of the leaver to two colleagues — by tier, with one customer given by hand —
//! after a preview; the customers, their open tasks (and the leaver's open task on a
//! colleague's customer) and a note on each timeline move, the account is disabled. The
//! leaver's tablet loses everything and signs out; the colleague's tablet gains the customers
//! with their visits and open tasks. Running the hand-over again writes nothing. The Team
//! screen passes axe in English and Chinese. Needs app/dist (`scripts/test`).

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
    let leaving = driver.browser(&dir.path().join("leaving")).await?;
    let staying = driver.browser(&dir.path().join("staying")).await?;
    with_browsers(
        vec![laptop.clone(), leaving.clone(), staying.clone()],
        |_| async {
            let (l, a, b) = (&laptop, &leaving, &staying);
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
            let state = manager.folded().await?;
            let name_of = |id: &str| {
                state
                    .value("customer", id, "name")
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            // The customer the manager gives by hand: one of his, with visits and an open task.
            let picked = theirs
                .iter()
                .find(|id| {
                    state
                        .records("visit")
                        .any(|(_, v)| v.text("customer_id") == Some(id.as_str()))
                })
                .expect("a customer of his with visits")
                .clone();
            let picked_name = name_of(&picked);
            let today = chrono::Local::now().date_naive().to_string();
            let (task, foreign_task) = (
                uuid::Uuid::now_v7().to_string(),
                uuid::Uuid::now_v7().to_string(),
            );
            let colleagues_customer = manager
                .owned_by(&sales2)
                .await?
                .into_iter()
                .next()
                .expect("张销售 owns a customer");
            let task_fields = |id: &str, customer: &str| {
                [
                    ("task", id, "customer_id", serde_json::json!(customer)),
                    ("task", id, "due", serde_json::json!(today)),
                    ("task", id, "kind", serde_json::json!("win_back")),
                    ("task", id, "owner", serde_json::json!(sales1)),
                    ("task", id, "status", serde_json::json!("open")),
                ]
                .map(|(k, i, f, v)| (k, i.to_owned(), f, v))
            };
            let edits: Vec<(&str, String, &str, serde_json::Value)> = task_fields(&task, &picked)
                .into_iter()
                .chain(task_fields(&foreign_task, &colleagues_customer))
                .collect();
            let edits: Vec<(&str, &str, &str, serde_json::Value)> = edits
                .iter()
                .map(|(k, i, f, v)| (*k, i.as_str(), *f, v.clone()))
                .collect();
            manager.push("laptop-seed", &edits).await?;

            // Both salespeople have their books on their tablets.
            sign_in(a, &base, "sales1").await?;
            sign_in(b, &base, "sales2").await?;
            for tablet in [a, b] {
                wait_until_synced(tablet).await?;
            }
            click(a, "Customers").await?;
            wait_for_text(a, &picked_name, SYNC).await?;
            click(b, "Customers").await?;
            ensure!(
                !page_text(b).await?.contains(&picked_name),
                "张销售 does not see 李销售's {picked_name} yet"
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
            choose(l, "By hand, customer by customer").await?;
            wait_for_text(l, "What each colleague receives", SYNC).await?;
            // Each customer starts where the tier split puts it; the picked one goes to 张销售.
            field(l, &format!("Give {picked_name} to"))
                .await?
                .select_by_label("张销售")
                .await?;
            // The preview follows every tick: both colleagues, their shares adding up to the book.
            let rows = eventually(SYNC, || async {
                let mut rows = Vec::new();
                for row in l
                    .find_all(Locator::Css(".hand-over table.preview tbody tr"))
                    .await?
                {
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
            ensure!(
                shared_out.value("customer", &picked, "owner") == Some(&serde_json::json!(sales2)),
                "the customer given by hand went to 张销售"
            );
            ensure!(
                shared_out.value("task", &task, "owner") == Some(&serde_json::json!(sales2)),
                "its open task followed it"
            );
            ensure!(
                shared_out.value("task", &foreign_task, "owner")
                    == Some(&serde_json::json!(sales2)),
                "his open task on 张销售's customer went to her"
            );

            // His tablet hands in what it held, wipes the organisation and signs out.
            wait_for_text(
                a,
                "This account was disabled by a manager",
                Duration::from_secs(60),
            )
            .await?;
            eventually(SYNC, || async {
                let left = databases(a).await?;
                ensure!(left.is_empty(), "his database must be gone: {left:?}");
                Ok(())
            })
            .await?;
            field(a, "Organisation").await?;
            // Hers gains the customer with its visits and the open task, without a reload.
            click(b, "Customers").await?;
            wait_for_text(b, &picked_name, SYNC).await?;
            open_customer(b, &picked_name).await?;
            click(b, "Visits").await?;
            eventually(SYNC, || async {
                let visits = b.find_all(Locator::Css("li.visit")).await?;
                ensure!(
                    !visits.is_empty(),
                    "her tablet shows {picked_name}'s visits"
                );
                Ok(())
            })
            .await?;
            click(b, "Tasks").await?;
            wait_for_text(b, "Win back: overdue for a visit", SYNC).await?;

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
            // The hand-over is in the audit log, with how many customers went to each.
            field(l, "Filter by action")
                .await?
                .select_by_label("handed over the customers of")
                .await?;
            wait_for_text(
                l,
                "王经理 · handed over the customers of · 李销售 (left) · ",
                SYNC,
            )
            .await?;
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

            // The Team screen (people, devices, audit log) passes axe in Chinese too.
            click(l, "Settings").await?;
            field(l, "Language")
                .await?
                .select_by_label("简体中文")
                .await?;
            click(l, "设置").await?;
            click(l, "团队与设备").await?;
            wait_for_text(l, "操作记录", SYNC).await?;
            wait_for_text(l, "设备", SYNC).await?;
            assert_accessible(l, "Team (zh-CN)").await?;
            screenshot(l, &screenshots().join("team-zh-1280.png")).await?;
            Ok(())
        },
    )
    .await?;
    drop(server);
    Ok(())
}
