//! Erasure (SYNC §5, issue 10) in real headless Chromium: a manager erases a customer on a
//! laptop, typing the name to confirm, while a tablet holding the customer is offline with an
//! edit of it; when the tablet comes back the edit is refused `erased` and dropped (the user is
//! told), the customer is gone from its lists, and nothing personal is left in its IndexedDB.
//! Needs app/dist (`scripts/test`).

use anyhow::{Result, ensure};
use huitou_tests::*;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

/// Every value of every object store of every IndexedDB database of the page's origin.
async fn indexed_db_dump(client: &fantoccini::Client) -> Result<String> {
    let dump = client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             (async () => {
               const out = [];
               for (const info of await indexedDB.databases()) {
                 const db = await new Promise((ok, fail) => {
                   const r = indexedDB.open(info.name);
                   r.onsuccess = () => ok(r.result);
                   r.onerror = () => fail(r.error);
                 });
                 for (const name of db.objectStoreNames) {
                   const all = await new Promise((ok, fail) => {
                     const r = db.transaction(name).objectStore(name).getAll();
                     r.onsuccess = () => ok(r.result);
                     r.onerror = () => fail(r.error);
                   });
                   out.push(name + ': ' + JSON.stringify(all));
                 }
                 db.close();
               }
               done(out.join('\\n'));
             })().catch(e => done('ERROR ' + e));",
            vec![],
        )
        .await?;
    let dump = dump.as_str().unwrap_or_default().to_owned();
    ensure!(!dump.starts_with("ERROR"), "{dump}");
    Ok(dump)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_erasure_reaches_an_offline_tablet_and_leaves_nothing_personal_on_it() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let database = dir.path().join("huitou.db");
    let server = Server::start(&database, "127.0.0.1:0".parse()?, true)?;
    let addr = server.addr;
    let base = server.url();
    let driver = Driver::start().await?;
    let tablet = driver.browser(&dir.path().join("tablet")).await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    let mut server = Some(server);
    with_browsers(vec![tablet.clone(), laptop.clone()], |_| async {
        let (t, l) = (&tablet, &laptop);
        sign_in(t, &base, "sales1").await?;
        click(t, "Customers").await?;
        wait_for_text(t, "王小明", SYNC).await?;
        wait_for_text(t, "Synced", SYNC).await?;
        let before = indexed_db_dump(t).await?;
        ensure!(
            before.contains("王小明") && before.contains("13800138001"),
            "the tablet holds him"
        );

        // Offline, sales1 changes 王小明's phone.
        if let Some(server) = server.take() {
            server.stop();
        }
        open_customer(t, "王小明").await?;
        click(t, "Edit customer").await?;
        fill(t, "Phone", "13999990000").await?;
        click(t, "Save").await?;
        wait_for_text(t, "13999990000", SYNC).await?;

        // Meanwhile the manager erases him on a laptop, through a server the tablet cannot reach.
        let side = Server::start(&database, "127.0.0.1:0".parse()?, false)?;
        l.set_window_size(1280, 800).await?;
        sign_in(l, &side.url(), "manager").await?;
        wait_for_text(l, "Synced", SYNC).await?;
        click(l, "Customers").await?;
        open_customer(l, "王小明").await?;
        click(l, "Profile").await?;
        fill(l, "Type the customer's name to confirm: 王小明", "王小明").await?;
        assert_accessible(l, "Erase card (en)").await?;
        click(l, "Erase personal data for good").await?;
        wait_for_text(l, "Personal data erased", SYNC).await?;
        side.stop();

        // The tablet comes back: its edit is dropped with a word, the customer is gone.
        let server = Server::start(&database, addr, false)?;
        wait_for_text(
            t,
            "Not sent (1): a manager erased this customer's personal data.",
            SYNC,
        )
        .await?;
        screenshot(t, &screenshots().join("erased-1024.png")).await?;
        wait_until_synced(t).await?;
        click(t, "Customers").await?;
        eventually(SYNC, || async {
            let text = page_text(t).await?;
            ensure!(!text.contains("王小明"), "王小明 is still listed: {text}");
            Ok(())
        })
        .await?;
        eventually(SYNC, || async {
            let dump = indexed_db_dump(t).await?;
            for secret in ["王小明", "13800138001", "13999990000"] {
                ensure!(
                    !dump.contains(secret),
                    "{secret} is still in the tablet's IndexedDB"
                );
            }
            Ok(())
        })
        .await?;
        // The server refused the edit and kept it nowhere: the phone stays erased.
        let manager = Api::sign_in(&server.url(), "manager").await?;
        let everything = serde_json::to_string(&manager.pull_all().await?)?;
        ensure!(!everything.contains("13999990000") && !everything.contains("王小明"));
        drop(server);
        Ok(())
    })
    .await
}
