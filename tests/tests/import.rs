//! Import in real headless Chromium on a laptop (issue 12): a manager picks a 200-row sheet
//! with 5 bad rows, sees the dry run, maps the column the server could not guess, and imports
//! the 195 good rows for a salesperson; the book holds them once, and importing again adds
//! nothing. Then a workbook of customers and, on its second sheet, their visits: the visits
//! land on the right customers. axe-core checks the screen in English. Needs app/dist.

use anyhow::{Result, ensure};
use huitou_tests::*;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_manager_imports_a_sheet_after_a_dry_run() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    let sheet = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/book-200.csv");
    with_browsers(vec![laptop.clone()], |_| async {
        let l = &laptop;
        l.set_window_size(1280, 800).await?;
        sign_in(l, &base, "manager").await?;
        wait_until_synced(l).await?;
        click(l, "Settings").await?;
        click(l, "Import customers").await?;
        wait_for_text(l, "New customers go to", SYNC).await?;
        choose(l, "李销售").await?;
        field(l, "File (CSV, Excel or vCard)")
            .await?
            .send_keys(&sheet.display().to_string())
            .await?;
        wait_for_text(
            l,
            "200 rows: 195 new customers, 0 already in the book, 5 with problems",
            SYNC,
        )
        .await?;
        let text = page_text(l).await?;
        for words in [
            "Line 19",
            "Not a phone number",
            "Line 142",
            "Not a date we can read",
            "Line 179",
            "No name",
        ] {
            ensure!(text.contains(words), "the dry run shows {words:?}: {text}");
        }
        assert_accessible(l, "Import, dry run (en)").await?;
        // 客户分组 is not a column the server knows: the manager makes it the tags.
        field(l, "Import as 客户分组")
            .await?
            .select_by_value("tags")
            .await?;
        wait_for_text(l, "200 rows: 195 new customers", SYNC).await?;
        screenshot(l, &screenshots().join("import-1280.png")).await?;
        click(l, "Import 195 customers and leave out 5 rows with problems").await?;
        wait_for_text(
            l,
            "195 customers imported (0 already in the book, 5 left out)",
            SYNC,
        )
        .await?;

        let sales1 = Api::sign_in(&base, "sales1").await?;
        let me = sales1.find("user", "username", "sales1").await?;
        let owned = sales1.owned_by(&me).await?;
        let state = sales1.folded().await?;
        let imported: Vec<_> = state
            .records("customer")
            .filter(|(id, _)| owned.contains(*id))
            .filter(|(_, r)| {
                r.text("phone").is_some_and(|p| {
                    p.starts_with("13") && p.len() == 11 && p[3..].starts_with('4')
                })
            })
            .collect();
        ensure!(
            imported.len() == 195,
            "sales1 owns the 195: {}",
            imported.len()
        );
        ensure!(
            imported
                .iter()
                .filter(|(_, r)| r.value("tag:VIP").is_some())
                .count()
                >= 45,
            "the mapped column became tags"
        );

        // The same file again: everything is already in the book.
        click(l, "Settings").await?;
        click(l, "Import customers").await?;
        choose(l, "李销售").await?;
        field(l, "File (CSV, Excel or vCard)")
            .await?
            .send_keys(&sheet.display().to_string())
            .await?;
        wait_for_text(
            l,
            "200 rows: 0 new customers, 195 already in the book, 5 with problems",
            SYNC,
        )
        .await?;

        // A workbook of customers and a second sheet of their visits: the customers first,
        // then the history, matched by phone (or name), the rows with problems left out.
        let workbook =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/book-with-visits.xlsx");
        click(l, "Settings").await?;
        click(l, "Import customers").await?;
        field(l, "File (CSV, Excel or vCard)")
            .await?
            .send_keys(&workbook.display().to_string())
            .await?;
        wait_for_text(l, "3 rows: 3 new customers", SYNC).await?;
        click(l, "Import 3 customers").await?;
        wait_for_text(l, "3 customers imported", SYNC).await?;
        // The dry run runs again on the same file: its customers are in the book now.
        wait_for_text(l, "3 rows: 0 new customers, 3 already in the book", SYNC).await?;
        field(l, "Sheet").await?.select_by_value("消费记录").await?;
        wait_for_text(
            l,
            "8 rows: 5 new visits, 0 imported before, 3 with problems",
            SYNC,
        )
        .await?;
        let text = page_text(l).await?;
        ensure!(
            text.contains("No such customer in the book (import the customers first)"),
            "the unknown customer is explained: {text}"
        );
        assert_accessible(l, "Import visits, dry run (en)").await?;
        screenshot(l, &screenshots().join("import-visits-1280.png")).await?;
        click(l, "Import 5 visits and leave out 3 rows with problems").await?;
        wait_for_text(l, "5 visits imported (0 imported before, 3 left out)", SYNC).await?;
        let manager = Api::sign_in(&base, "manager").await?;
        let state = manager.folded().await?;
        let wang = state
            .records("customer")
            .find(|(_, r)| r.text("name") == Some("欧阳明"))
            .map(|(id, _)| id.clone())
            .ok_or_else(|| anyhow::anyhow!("欧阳明 imported"))?;
        let spend: f64 = state
            .records("visit")
            .filter(|(_, v)| v.text("customer_id") == Some(wang.as_str()))
            .filter_map(|(_, v)| v.value("amount").and_then(serde_json::Value::as_f64))
            .sum();
        ensure!(spend == 2140.0, "欧阳明's two imported visits: {spend}");
        drop(server);
        Ok(())
    })
    .await
}
