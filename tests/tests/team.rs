//! Issue 10 in real headless Chromium: a manager adds a salesperson on the Team screen, the
//! salesperson's first sign-in asks for a password of their own, and when the manager
//! disables them their tablet hands in the edit it held offline, then keeps nothing of the
//! organisation. The manager moves customers one at a time and in bulk from a filtered list.
//! Needs app/dist (`scripts/test`).

use anyhow::{Result, ensure};
use huitou_tests::*;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_salesperson_added_on_the_team_screen_and_later_disabled_loses_nothing_typed()
-> Result<()> {
    let dir = tempfile::tempdir()?;
    let database = dir.path().join("huitou.db");
    let server = Server::start(&database, "127.0.0.1:0".parse()?, true)?;
    let addr = server.addr;
    let base = server.url();
    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    let tablet = driver.browser(&dir.path().join("tablet")).await?;
    let mut server = Some(server);
    with_browsers(vec![laptop.clone(), tablet.clone()], |_| async {
        let (l, t) = (&laptop, &tablet);
        l.set_window_size(1280, 800).await?;
        t.set_window_size(1024, 768).await?;

        // The manager adds 王芳 with a first password.
        sign_in(l, &base, "manager").await?;
        // A manager runs the manager bundle (the Team screen is in it), a salesperson not.
        let bundle = eventually(SYNC, || async {
            let bundle = loaded_bundle(l).await?;
            ensure!(bundle.starts_with("/manage/"), "the manager's page runs {bundle}");
            Ok(bundle)
        })
        .await?;
        click(l, "Settings").await?;
        click(l, "Team and devices").await?;
        wait_for_text(l, "李销售", SYNC).await?;
        fill(l, "Name", "王芳").await?;
        fill(l, "Username", "wangfang").await?;
        fill(l, "First password", "first-pass-1").await?;
        click(l, "Add a person").await?;
        wait_for_text(l, "Added 王芳", SYNC).await?;
        wait_for_text(l, "must change first password", SYNC).await?;
        assert_accessible(l, "Team (en)").await?;
        l.execute("window.scrollTo(0, 0);", vec![]).await?;
        screenshot(l, &screenshots().join("team-1280.png")).await?;

        // Her first sign-in asks for a password of her own before anything else.
        t.goto(&base).await?;
        fill(t, "Organisation", "demo").await?;
        fill(t, "Username", "wangfang").await?;
        fill(t, "Password", "first-pass-1").await?;
        click(t, "Sign in").await?;
        wait_for_text(t, "Choose your own password", SYNC).await?;
        fill(t, "Current password", "first-pass-1").await?;
        fill(t, "New password", "only-wangfang-knows").await?;
        fill(t, "New password again", "only-wangfang-knowz").await?;
        click(t, "Save password").await?;
        wait_for_text(t, "The two new passwords differ", SYNC).await?;
        fill(t, "New password again", "only-wangfang-knows").await?;
        click(t, "Save password").await?;
        let theirs = loaded_bundle(t).await?;
        ensure!(
            theirs.starts_with("/huitou-app-") && theirs != bundle,
            "a salesperson's tablet runs the main bundle, not {theirs}"
        );
        click(t, "Customers").await?;
        click(t, "New customer").await?;
        fill(t, "Name", "孙丽").await?;
        click(t, "Save").await?;
        wait_for_text(t, "孙丽", SYNC).await?;
        eventually(SYNC, || async {
            let badge = sync_badge(t).await?;
            ensure!(badge == "Synced", "badge says {badge:?}");
            Ok(())
        })
        .await?;

        // Offline, she notes 孙丽's phone; meanwhile the manager disables her account.
        if let Some(server) = server.take() {
            server.stop();
        }
        click(t, "Edit customer").await?;
        fill(t, "Phone", "13900001111").await?;
        click(t, "Save").await?;
        wait_for_text(t, "13900001111", SYNC).await?;
        let store = huitou_server::store::open(&format!("sqlite://{}", database.display())).await?;
        let org = store.ensure_org("demo").await?;
        let wangfang = store
            .users(&org)
            .await?
            .into_iter()
            .find(|u| u.username == "wangfang")
            .expect("wangfang exists");
        let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
        store.disable_user(&org, &wangfang.id, &now).await?;
        drop(store);

        // Back online: the tablet hands in the phone number, then forgets the organisation.
        let server = Server::start(&database, addr, true)?;
        wait_for_text(t, "This account was disabled by a manager", Duration::from_secs(60)).await?;
        screenshot(t, &screenshots().join("account-disabled-1024.png")).await?;
        eventually(SYNC, || async {
            let left = databases(t).await?;
            ensure!(left.is_empty(), "her database must be gone: {left:?}");
            Ok(())
        })
        .await?;
        let manager = Api::sign_in(&base, "manager").await?;
        let changes = manager.pull_all().await?;
        ensure!(
            changes.iter().any(|c| c["field"] == "phone" && c["value"] == "13900001111"),
            "the phone typed offline reached the server"
        );
        fill(t, "Organisation", "demo").await?;
        fill(t, "Username", "wangfang").await?;
        fill(t, "Password", "only-wangfang-knows").await?;
        click(t, "Sign in").await?;
        wait_for_text(t, "This account is disabled: ask your manager", SYNC).await?;

        // On the laptop she is listed as having left; disabling 张销售 works from the screen.
        l.refresh().await?;
        wait_for_text(l, "wangfang · Salesperson · disabled", SYNC).await?;
        // The manager moves 李销售's 王小明 to 张销售: it reaches her and leaves him.
        click(l, "Customers").await?;
        open_customer(l, "王小明").await?;
        click(l, "Profile").await?;
        field(l, "New owner").await?.select_by_label("张销售").await?;
        click(l, "Move to another salesperson").await?;
        let reads = |user: &'static str| {
            let base = base.clone();
            async move {
                let api = Api::sign_in(&base, user).await?;
                let all = api.pull_all().await?;
                Ok::<bool, anyhow::Error>(
                    all.iter().any(|c| c["field"] == "name" && c["value"] == "王小明"),
                )
            }
        };
        eventually(SYNC, || async {
            ensure!(reads("sales2").await?, "张销售 reads 王小明 now");
            ensure!(!reads("sales1").await?, "李销售 no longer does");
            Ok(())
        })
        .await?;
        // In bulk: the list filtered to 李销售's customers moves every one of them (not only
        // those shown) to 张销售, with the count on the button.
        let manager = Api::sign_in(&base, "manager").await?;
        let sales1 = manager.find("user", "username", "sales1").await?;
        let sales2 = manager.find("user", "username", "sales2").await?;
        let left = manager.owned_by(&sales1).await?;
        ensure!(left.len() >= 2, "李销售 still owns some customers: {left:?}");
        click(l, "Customers").await?;
        field(l, "Filter by owner").await?.select_by_label("李销售").await?;
        click(l, "Move these customers to another salesperson").await?;
        wait_for_text(
            l,
            &format!("Customers matching this search and filter: {}", left.len()),
            SYNC,
        )
        .await?;
        field(l, "New owner").await?.select_by_label("张销售").await?;
        screenshot(l, &screenshots().join("bulk-move-1280.png")).await?;
        click(l, &format!("Move {} customers", left.len())).await?;
        wait_for_text(l, &format!("{} customers moved", left.len()), SYNC).await?;
        eventually(SYNC, || async {
            let still = manager.owned_by(&sales1).await?;
            ensure!(still.is_empty(), "李销售 owns none now: {still:?}");
            let theirs = manager.owned_by(&sales2).await?;
            ensure!(
                left.iter().all(|id| theirs.contains(id)),
                "张销售 owns every one of them"
            );
            Ok(())
        })
        .await?;
        click(l, "Settings").await?;
        click(l, "Team and devices").await?;
        click(l, "Disable 张销售").await?;
        click(l, "Disable now").await?;
        wait_for_text(l, "sales2 · Salesperson · disabled", SYNC).await?;
        // The audit log on the same screen says who did it, filtered by action.
        field(l, "Filter by action").await?.select_by_label("disabled").await?;
        wait_for_text(l, "王经理 · disabled · 张销售", SYNC).await?;
        let log = page_text(l).await?;
        ensure!(!log.contains("王经理 · signed in"), "only disablings are listed: {log}");
        // By person and dates too, and exported as the CSV file the server makes.
        field(l, "Filter by action").await?.select_by_label("All").await?;
        field(l, "Filter by person").await?.select_by_label("张销售").await?;
        wait_for_text(l, "张销售 (left) · signed in", SYNC).await?;
        let log = page_text(l).await?;
        ensure!(!log.contains("王经理 · disabled"), "only 张销售's lines are listed: {log}");
        field(l, "Filter by person").await?.select_by_label("All").await?;
        let today = chrono::Local::now().date_naive();
        let tomorrow = (today + chrono::Days::new(1)).to_string();
        set_date(l, "From", &tomorrow).await?;
        wait_for_text(l, "Nothing recorded yet", SYNC).await?;
        set_date(l, "From", &today.to_string()).await?;
        set_date(l, "To (inclusive)", &today.to_string()).await?;
        wait_for_text(l, "王经理 · disabled · 张销售", SYNC).await?;
        assert_accessible(l, "Audit log (en)").await?;
        screenshot(l, &screenshots().join("audit-1280.png")).await?;
        click(l, "Export CSV").await?;
        wait_for_text(l, "the export itself is in the audit log", SYNC).await?;
        let saved = eventually(SYNC, || async {
            let files: Vec<_> = std::fs::read_dir(downloads(&dir.path().join("laptop")))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "csv"))
                .collect();
            ensure!(files.len() == 1, "one CSV saved: {files:?}");
            Ok(std::fs::read_to_string(&files[0])?)
        })
        .await?;
        ensure!(
            saved.starts_with('\u{feff}') && saved.contains("user_disabled") && saved.contains("张销售"),
            "the saved file is the audit log: {saved}"
        );
        wait_for_text(l, "王经理 · exported the audit log", SYNC).await?;
        let refused = reqwest::Client::new()
            .post(format!("{base}/api/v1/auth/login"))
            .json(&serde_json::json!({"org": "demo", "username": "sales2", "password": "huitou-demo"}))
            .send()
            .await?;
        ensure!(refused.status() == 401, "sales2 can no longer sign in");
        drop(server);
        Ok(())
    })
    .await
}
