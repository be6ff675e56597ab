//! Insights (PRODUCT §9, issue 12) in real headless Chromium on a laptop: a manager opens the
//! screen, sets the period, reads the repeat rate of March 2024's first-time customers, opens
//! the customers behind the March bar, and finds the same figure in the reports API. Every
//! section is checked with axe-core in English and Simplified Chinese. Needs app/dist.

use anyhow::{Result, ensure};
use huitou_tests::*;
use serde_json::json;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_reads_the_repeat_rate_and_opens_the_customers_behind_it() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    with_browsers(vec![laptop.clone()], |_| async {
        let l = &laptop;
        // Five first-time customers in March 2024; two come back within 30 days, one after 47.
        let sales1 = Api::sign_in(&base, "sales1").await?;
        let me = sales1.find("user", "username", "sales1").await?;
        let names = ["甲先生", "乙女士", "丙先生", "丁女士", "戊先生"];
        let mut edits = Vec::new();
        for (i, name) in names.iter().enumerate() {
            let customer = huitou_shared::model::new_id();
            let mut days = vec![format!("2024-03-{:02}T19:00:00+08:00", 4 + i)];
            match i {
                0 | 1 => days.push(format!("2024-03-{:02}T19:00:00+08:00", 20 + i)),
                2 => days.push("2024-04-20T19:00:00+08:00".to_owned()),
                _ => {}
            }
            edits.push(("customer", customer.clone(), "name", json!(name)));
            edits.push(("customer", customer.clone(), "owner", json!(me)));
            for at in days {
                let visit = huitou_shared::model::new_id();
                edits.push(("visit", visit.clone(), "customer_id", json!(customer)));
                edits.push(("visit", visit.clone(), "at", json!(at)));
                edits.push(("visit", visit, "amount", json!(200 + 100 * i)));
            }
        }
        let edits: Vec<(&str, &str, &str, serde_json::Value)> = edits
            .iter()
            .map(|(k, id, f, v)| (*k, id.as_str(), *f, v.clone()))
            .collect();
        sales1.push("sales1-api", &edits).await?;

        l.set_window_size(1280, 800).await?;
        sign_in(l, &base, "manager").await?;
        wait_until_synced(l).await?;
        eventually(SYNC, || async {
            let bundle = loaded_bundle(l).await?;
            ensure!(
                bundle.starts_with("/manage/"),
                "the manager's page runs {bundle}"
            );
            Ok(())
        })
        .await?;
        click(l, "Insights").await?;
        wait_for_text(l, "Are first-time customers coming back", SYNC).await?;
        set_date(l, "From", "2024-03-01").await?;
        set_date(l, "Until", "2024-03-31").await?;
        // 丙先生 came back after 47 days, 丁女士 and 戊先生 never: 2 of 5, and nobody is still
        // inside the window in 2024.
        wait_for_text(
            l,
            "2 of 5 first-time customers came back within 30 days",
            SYNC,
        )
        .await?;
        let text = page_text(l).await?;
        ensure!(text.contains("Previous period"), "{text}");
        // The demo's two salespeople work in two stores: sales1's customers are all in 南京西路店.
        field(l, "Store or team")
            .await?
            .select_by_value("徐家汇店")
            .await?;
        wait_for_text(
            l,
            "0 of 0 first-time customers came back within 30 days",
            SYNC,
        )
        .await?;
        field(l, "Store or team")
            .await?
            .select_by_value("南京西路店")
            .await?;
        wait_for_text(
            l,
            "2 of 5 first-time customers came back within 30 days",
            SYNC,
        )
        .await?;
        screenshot(l, &screenshots().join("insights-return-1280.png")).await?;
        assert_accessible(l, "Insights, repeat rate (en)").await?;

        click(l, "2024-03: 40% (2/5)").await?;
        wait_for_text(l, "The customers behind it", SYNC).await?;
        let text = page_text(l).await?;
        for name in names {
            ensure!(
                text.contains(name),
                "{name} is behind the March bar: {text}"
            );
        }
        // The API computes the same figure from the same shared function.
        let manager = Api::sign_in(&base, "manager").await?;
        let api = manager
            .get("/api/v1/reports/repeat-rate?from=2024-03-01&to=2024-03-31")
            .await?;
        ensure!(
            api["figures"]["current"]["share"]["rate"] == json!(0.4),
            "{api}"
        );
        click(l, "甲先生").await?;
        wait_for_text(l, "甲先生", SYNC).await?;
        l.back().await?;

        for (tab, words) in [
            ("Tiers and churn", "Tier distribution"),
            ("Customer value", "The top 20% of customers"),
            ("Staff", "Follow-up by salesperson"),
        ] {
            click(l, tab).await?;
            wait_for_text(l, words, SYNC).await?;
            assert_accessible(l, &format!("Insights, {tab} (en)")).await?;
            screenshot(
                l,
                &screenshots().join(format!("insights-{}-1280.png", tab.replace(' ', "-"))),
            )
            .await?;
        }

        // The churn list leaves as Excel and as CSV; March 2024's customers have long gone quiet.
        click(l, "Tiers and churn").await?;
        wait_for_text(l, "甲先生", SYNC).await?;
        click(l, "Export Churn as Excel").await?;
        click(l, "Export Churn as CSV").await?;
        // The one file saved whose name starts with `prefix` and ends with `extension`.
        let saved = |prefix: &'static str, extension: &'static str| {
            let folder = downloads(&dir.path().join("laptop"));
            eventually(SYNC, move || {
                let folder = folder.clone();
                async move {
                    let files: Vec<_> = std::fs::read_dir(&folder)?
                        .filter_map(|e| e.ok().map(|e| e.path()))
                        .filter(|p| {
                            p.extension().is_some_and(|x| x == extension)
                                && p.file_name()
                                    .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
                        })
                        .collect();
                    ensure!(
                        files.len() == 1,
                        "one {prefix}….{extension} saved: {files:?}"
                    );
                    Ok(std::fs::read(&files[0])?)
                }
            })
        };
        let text = |bytes: Vec<u8>| String::from_utf8(bytes);
        let xlsx = saved("huitou-churn-", "xlsx").await?;
        ensure!(xlsx.starts_with(b"PK"), "an xlsx is a zip file");
        let csv = text(saved("huitou-churn-", "csv").await?)?;
        ensure!(
            csv.starts_with('\u{feff}')
                && csv.starts_with("\u{feff}Name,")
                && csv.contains("甲先生"),
            "the churn list in English headers: {csv}"
        );
        let audit = manager.get("/api/v1/audit?action=exported").await?;
        ensure!(
            audit["entries"].as_array().map(Vec::len) == Some(2),
            "both exports are in the audit log: {audit}"
        );

        // Lists export too: the customer list as filtered (every match, not only those shown).
        click(l, "Customers").await?;
        fill(l, "Search customers", "甲先生").await?;
        wait_for_text(l, "甲先生", SYNC).await?;
        screenshot(l, &screenshots().join("customers-export-1280.png")).await?;
        click(l, "Export Customers as CSV").await?;
        let list = text(saved("huitou-customers-", "csv").await?)?;
        ensure!(
            list.starts_with(
                "\u{feff}Name,Phone,Owner,Tier,Lifecycle stage,Visits,Total spend,Last visit,Tags"
            ) && list.lines().count() == 2
                && list.contains("甲先生"),
            "the filtered customer list, one customer: {list}"
        );
        // Today's tasks (the team's) and the shared pool leave the same way.
        click(l, "Today").await?;
        choose(l, "Team").await?;
        click(l, "Export Due and overdue as CSV").await?;
        let today = text(saved("huitou-today-", "csv").await?)?;
        ensure!(
            today.starts_with("\u{feff}Due,Name,Phone,Tasks,Owner") && today.lines().count() > 1,
            "the team's tasks due today: {today}"
        );
        click(l, "Shared pool").await?;
        click(l, "Export Shared pool as CSV").await?;
        let pool = text(saved("huitou-pool-", "csv").await?)?;
        ensure!(
            pool.starts_with("\u{feff}Name,Phone,Owner,Tier") && pool.lines().count() == 4,
            "the demo's three customers in the pool: {pool}"
        );

        // The same screen in Simplified Chinese.
        click(l, "Settings").await?;
        field(l, "Language").await?.select_by_value("zh-CN").await?;
        click(l, "经营分析").await?;
        wait_for_text(l, "回头率", SYNC).await?;
        assert_accessible(l, "Insights (zh-CN)").await?;
        screenshot(l, &screenshots().join("insights-zh-cn-1280.png")).await?;
        // And in Traditional Chinese.
        click(l, "设置").await?;
        field(l, "语言").await?.select_by_value("zh-TW").await?;
        click(l, "經營分析").await?;
        wait_for_text(l, "回頭率", SYNC).await?;
        assert_accessible(l, "Insights (zh-TW)").await?;
        screenshot(l, &screenshots().join("insights-zh-tw-1280.png")).await?;
        drop(server);
        Ok(())
    })
    .await
}
