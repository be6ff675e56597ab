//! Import in real headless Chromium on a laptop (issue 12): a manager picks a 200-row sheet
//! with 5 bad rows, sees the dry run, maps the column the server could not guess, and imports
//! the 195 good rows for a salesperson; the book holds them once, and importing again adds
//! nothing. axe-core checks the screen in English. Needs app/dist.

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
        drop(server);
        Ok(())
    })
    .await
}
