//! End to end in real headless Chromium against a real server: two devices (browser profiles),
//! offline edits while the server is down, the offline app shell, and concurrent edits.
//! Needs the release web app in app/dist (`scripts/test` builds it first).

use anyhow::{Result, ensure};
use huitou_tests::*;
use std::time::Duration;

const SYNC: Duration = Duration::from_secs(40);

/// Device A logs a customer and a visit while the server is down, reloads the app offline,
/// the server comes back, device B (a manager) sees both.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offline_customer_and_visit_reach_another_device() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let database = dir.path().join("huitou.db");
    let server = Server::start(&database, "127.0.0.1:0".parse()?, true)?;
    let addr = server.addr;
    let base = server.url();
    let driver = Driver::start().await?;
    let device_a = driver.browser(&dir.path().join("profile-a")).await?;
    let device_b = driver.browser(&dir.path().join("profile-b")).await?;
    let mut server = Some(server);
    with_browsers(vec![device_a.clone(), device_b.clone()], |_| async {
        let a = &device_a;
        sign_in(a, &base, "sales1").await?;
        click(a, "Customers").await?;
        // The demo data arrives by the first pull: sales1's own customers only.
        wait_for_text(a, "王小明", SYNC).await?;
        wait_for_text(a, "Synced", SYNC).await?;
        ensure!(!page_text(a).await?.contains("李娜"), "sales2's customer must not reach sales1");
        screenshot(a, &screenshots().join("customers-1024.png")).await?;

        // Let the service worker take control (it installs on the first load).
        eventually(Duration::from_secs(20), || async {
            let controlled = a
                .execute("return !!navigator.serviceWorker.controller || (await navigator.serviceWorker.ready, false)", vec![])
                .await?;
            if controlled == serde_json::Value::Bool(true) { Ok(()) } else {
                a.refresh().await?;
                anyhow::bail!("no service worker in control yet")
            }
        })
        .await?;

        if let Some(server) = server.take() {
            server.stop();
        }

        // Offline: new customer.
        click(a, "New customer").await?;
        fill(a, "Name", "离线客户").await?;
        fill(a, "Phone", "13900001111").await?;
        choose(a, "Female").await?;
        fill(a, "Month", "5").await?;
        fill(a, "Day", "20").await?;
        fill(a, "Tags", "VIP, 朋友").await?;
        click(a, "Save").await?;
        wait_for_text(a, "离线客户", SYNC).await?;

        // Offline: a visit for them.
        click(a, "Log visit").await?;
        fill(a, "Amount", "2600").await?;
        fill(a, "Party size", "6").await?;
        choose(a, "Business").await?;
        fill(a, "Dishes / products", "清蒸鲈鱼, 东坡肉").await?;
        click(a, "Save").await?;
        wait_for_text(a, "清蒸鲈鱼", SYNC).await?;
        let badge = eventually(SYNC, || async {
            let badge = sync_badge(a).await?;
            ensure!(badge.contains("waiting") && badge.contains("Offline"), "badge says {badge:?}");
            Ok(badge)
        })
        .await?;
        ensure!(badge.contains("waiting"), "{badge}");

        // Reload with the server down: the shell comes from the service worker, the data from IndexedDB.
        a.refresh().await?;
        wait_for_text(a, "清蒸鲈鱼", SYNC).await?;
        wait_for_text(a, "离线客户", SYNC).await?;
        screenshot(a, &screenshots().join("offline-profile-1024.png")).await?;

        // The server comes back on the same address: the outbox drains, the badge clears.
        let server = Server::start(&database, addr, true)?;
        eventually(SYNC, || async {
            let badge = sync_badge(a).await?;
            ensure!(badge == "Synced", "badge says {badge:?}");
            Ok(())
        })
        .await?;

        // Another device, another user: the manager sees what sales1 typed offline.
        let b = &device_b;
        sign_in(b, &base, "manager").await?;
        click(b, "Customers").await?;
        wait_for_text(b, "离线客户", SYNC).await?;
        open_customer(b, "离线客户").await?;
        wait_for_text(b, "清蒸鲈鱼", SYNC).await?;
        let text = page_text(b).await?;
        ensure!(text.contains("¥2,600"), "visit amount shown with the locale's money format: {text}");
        drop(server);
        Ok(())
    })
    .await
}

async fn edit_customer(
    client: &fantoccini::Client,
    name: &str,
    changes: &[(&str, &str)],
) -> Result<()> {
    click(client, "Customers").await?;
    open_customer(client, name).await?;
    click(client, "Edit customer").await?;
    for (label, value) in changes {
        fill(client, label, value).await?;
    }
    click(client, "Save").await?;
    wait_for_text(client, "Field history", SYNC).await?;
    Ok(())
}

/// Two devices edit the same customer while the server is down: different fields both stay, the
/// same field goes to the later edit, and the losing value waits in field history to be restored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_offline_edits_converge_and_the_loser_can_be_restored() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let database = dir.path().join("huitou.db");
    let server = Server::start(&database, "127.0.0.1:0".parse()?, true)?;
    let addr = server.addr;
    let base = server.url();
    let driver = Driver::start().await?;
    let device_a = driver.browser(&dir.path().join("profile-a")).await?;
    let device_b = driver.browser(&dir.path().join("profile-b")).await?;
    let mut server = Some(server);
    with_browsers(vec![device_a.clone(), device_b.clone()], |_| async {
        let (a, b) = (&device_a, &device_b);
        sign_in(a, &base, "sales1").await?;
        click(a, "Customers").await?;
        sign_in(b, &base, "manager").await?;
        click(b, "Customers").await?;
        wait_for_text(a, "王小明", SYNC).await?;
        wait_for_text(b, "王小明", SYNC).await?;
        if let Some(server) = server.take() {
            server.stop();
        }

        // Different fields: A the phone, B the tags. Then the same field, B last.
        edit_customer(a, "王小明", &[("Phone", "13811112222")]).await?;
        edit_customer(b, "王小明", &[("Tags", "重点客户")]).await?;
        edit_customer(a, "王小明", &[("Name", "王小明A")]).await?;
        tokio::time::sleep(Duration::from_millis(20)).await;
        edit_customer(b, "王小明", &[("Name", "王小明B")]).await?;

        let server = Server::start(&database, addr, false)?;
        for device in [a, b] {
            eventually(SYNC, || async {
                click(device, "Customers").await?;
                open_customer(device, "王小明B").await?;
                let text = page_text(device).await?;
                ensure!(
                    text.contains("13811112222") && text.contains("重点客户"),
                    "{text}"
                );
                let badge = sync_badge(device).await?;
                ensure!(badge == "Synced", "badge says {badge:?}");
                Ok(())
            })
            .await?;
        }
        screenshot(a, &screenshots().join("field-history-1024.png")).await?;

        // Nothing typed vanished: A's losing name is in its field history, one tap restores it.
        click(a, "Field history").await?;
        click(a, "Restore Name: 王小明A").await?;
        eventually(SYNC, || async {
            click(b, "Customers").await?;
            open_customer(b, "王小明A").await?;
            Ok(())
        })
        .await?;
        drop(server);
        Ok(())
    })
    .await
}

/// The customer book on one tablet: a profile with soft data and a family member's lunar
/// birthday, a duplicate warning, pinyin search, a quick visit, a contact, trash and restore,
/// and the interface in Chinese.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn customer_book_on_a_tablet() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let driver = Driver::start().await?;
    let tablet = driver.browser(&dir.path().join("profile")).await?;
    tablet.set_window_size(768, 1024).await?;
    with_browsers(vec![tablet.clone()], |_| async {
        let t = &tablet;
        sign_in(t, &base, "sales1").await?;
        click(t, "Customers").await?;
        wait_for_text(t, "王小明", SYNC).await?;
        assert_accessible(t, "customer list").await?;

        // Pinyin initials find 王小明.
        fill(t, "Search customers", "wxm").await?;
        wait_for_text(t, "王小明", SYNC).await?;
        ensure!(
            !page_text(t).await?.contains("张伟"),
            "search must narrow the list"
        );

        // A new customer whose phone is already on file is flagged before saving.
        click(t, "New customer").await?;
        fill(t, "Name", "欧阳青").await?;
        fill(t, "Phone", "13800138001").await?;
        wait_for_text(t, "Possible duplicate", SYNC).await?;
        fill(t, "Phone", "13600001234").await?;
        fill(t, "Hometown", "湖南长沙").await?;
        fill(t, "Hobbies", "羽毛球").await?;
        screenshot(t, &screenshots().join("customer-form-768.png")).await?;
        assert_accessible(t, "customer form").await?;
        click(t, "Save").await?;
        wait_for_text(t, "Profile completeness", SYNC).await?;

        // A family member with a lunar birthday in a leap month.
        click(t, "Family").await?;
        fill(t, "Name", "欧阳小宝").await?;
        let calendar = field(t, "Calendar").await?;
        calendar.select_by_value("lunar").await?;
        fill(t, "Year", "2020").await?;
        fill(t, "Month", "4").await?;
        fill(t, "Day", "15").await?;
        choose(t, "Leap month").await?;
        click(t, "Add family member").await?;
        wait_for_text(t, "欧阳小宝", SYNC).await?;
        wait_for_text(t, "闰四月十五", SYNC).await?;

        // A visit from the home screen: Log visit → the customer (recent first) → amount → Save.
        click(t, "Customers").await?;
        click(t, "Log visit").await?;
        open_customer(t, "欧阳青").await?;
        assert_accessible(t, "visit form").await?;
        fill(t, "Amount", "880").await?;
        click(t, "Save").await?;
        wait_for_text(t, "¥880", SYNC).await?;

        // A contact.
        click(t, "Log contact").await?;
        choose(t, "WeChat").await?;
        fill(t, "Purpose", "生日问候").await?;
        click(t, "Save").await?;
        wait_for_text(t, "生日问候", SYNC).await?;
        screenshot(t, &screenshots().join("timeline-768.png")).await?;
        assert_accessible(t, "profile with timeline").await?;
        click(t, "Profile").await?;
        assert_accessible(t, "profile facts").await?;
        click(t, "Field history").await?;
        assert_accessible(t, "field history").await?;

        // The visit brief brings up the soft profile and the family before a visit.
        click(t, "Visit brief").await?;
        wait_for_text(t, "Two minutes of business, eight minutes of life", SYNC).await?;
        let brief = page_text(t).await?;
        ensure!(
            brief.contains("湖南长沙") && brief.contains("羽毛球") && brief.contains("欧阳小宝"),
            "{brief}"
        );
        assert_accessible(t, "visit brief").await?;
        t.back().await?;

        // Trash and restore: out of the list, history kept, back in one tap.
        click(t, "Move to trash").await?;
        wait_for_text(t, "in the trash", SYNC).await?;
        click(t, "Customers").await?;
        wait_for_text(t, "王小明", SYNC).await?;
        let text = page_text(t).await?;
        ensure!(
            !text.contains("欧阳青"),
            "a deleted customer leaves the list: {text}"
        );
        click(t, "Settings").await?;
        click(t, "Trash").await?;
        click(t, "Restore 欧阳青").await?;
        click(t, "Customers").await?;
        wait_for_text(t, "欧阳青", SYNC).await?;

        // The same screens in Simplified Chinese.
        click(t, "Settings").await?;
        field(t, "Language").await?.select_by_value("zh-CN").await?;
        wait_for_text(t, "设置", SYNC).await?;
        click(t, "客户").await?;
        wait_for_text(t, "新客户", SYNC).await?;
        eventually(SYNC, || async {
            let badge = sync_badge(t).await?;
            ensure!(badge == "已同步", "badge says {badge:?}");
            Ok(())
        })
        .await?;
        screenshot(t, &screenshots().join("customers-zh-768.png")).await?;
        Ok(())
    })
    .await?;
    drop(server);
    Ok(())
}

/// A manager merges a duplicate: its visits move over, it goes to the trash, nothing is lost.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn manager_merges_a_duplicate_customer() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let driver = Driver::start().await?;
    let laptop = driver.browser(&dir.path().join("profile")).await?;
    laptop.set_window_size(1280, 800).await?;
    with_browsers(vec![laptop.clone()], |_| async {
        let m = &laptop;
        sign_in(m, &base, "manager").await?;
        click(m, "Customers").await?;
        wait_for_text(m, "王小明", SYNC).await?;
        click(m, "New customer").await?;
        fill(m, "Name", "王小明（重复）").await?;
        fill(m, "Phone", "+86 138 0013 8001").await?;
        wait_for_text(m, "Possible duplicate", SYNC).await?;
        fill(m, "Hometown", "江西九江").await?;
        click(m, "Save").await?;
        wait_for_text(m, "Profile completeness", SYNC).await?;
        click(m, "Log visit").await?;
        fill(m, "Amount", "123").await?;
        click(m, "Save").await?;
        wait_for_text(m, "¥123", SYNC).await?;

        click(m, "Customers").await?;
        open_customer(m, "王小明").await?;
        screenshot(m, &screenshots().join("merge-1280.png")).await?;
        click(m, "Merge into this customer 王小明（重复）").await?;
        click(m, "Visits").await?;
        wait_for_text(m, "¥123", SYNC).await?;
        click(m, "Profile").await?;
        wait_for_text(m, "江西九江", SYNC).await?;
        click(m, "Customers").await?;
        wait_for_text(m, "王小明", SYNC).await?;
        let text = page_text(m).await?;
        ensure!(
            !text.contains("王小明（重复）"),
            "the merged duplicate leaves the list: {text}"
        );
        Ok(())
    })
    .await?;
    drop(server);
    Ok(())
}

/// A salesperson's morning: a ¥2,600 visit plans a follow-up call on Today (with the polite-time
/// hint); completing it records a contact, which syncs.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn today_plans_a_follow_up_and_completing_it_logs_a_contact() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let server = Server::start(&dir.path().join("huitou.db"), "127.0.0.1:0".parse()?, true)?;
    let base = server.url();
    let driver = Driver::start().await?;
    let tablet = driver.browser(&dir.path().join("profile")).await?;
    with_browsers(vec![tablet.clone()], |_| async {
        let t = &tablet;
        sign_in(t, &base, "sales1").await?;
        click(t, "Customers").await?;
        wait_for_text(t, "王小明", SYNC).await?;
        open_customer(t, "王小明").await?;
        click(t, "Log visit").await?;
        fill(t, "Amount", "2600").await?;
        click(t, "Save").await?;
        wait_for_text(t, "¥2,600", SYNC).await?;

        click(t, "Today").await?;
        wait_for_text(t, "Follow-up call after a visit · 王小明", SYNC).await?;
        let text = page_text(t).await?;
        ensure!(
            text.contains("Good time to call now") || text.contains("Not a good time to call"),
            "Today says whether now is a polite time to call: {text}"
        );
        ensure!(text.contains("Coming holidays"), "{text}");
        screenshot(t, &screenshots().join("today-1024.png")).await?;
        assert_accessible(t, "today").await?;
        click(t, "Done Follow-up call after a visit · 王小明").await?;
        eventually(SYNC, || async {
            let text = page_text(t).await?;
            ensure!(
                !text.contains("Follow-up call after a visit · 王小明"),
                "task still open"
            );
            Ok(())
        })
        .await?;
        click(t, "Customers").await?;
        open_customer(t, "王小明").await?;
        wait_for_text(t, "Contacts · Call", SYNC).await?;
        wait_for_text(t, "Follow-up call after a visit", SYNC).await?;

        // A message from the template library, filled in and logged as a contact.
        click(t, "Message").await?;
        wait_for_text(t, "Happy birthday, 王小明!", SYNC).await?;
        let text = page_text(t).await?;
        ensure!(
            text.contains("No consent to offers") && !text.contains("special offer"),
            "no promotion without consent: {text}"
        );
        assert_accessible(t, "message templates").await?;
        click(t, "Copy for WeChat Birthday").await?;
        wait_for_text(t, "Copied and logged", SYNC).await?;
        click(t, "Customers").await?;
        open_customer(t, "王小明").await?;
        wait_for_text(t, "Contacts · WeChat", SYNC).await?;
        eventually(SYNC, || async {
            let badge = sync_badge(t).await?;
            ensure!(badge == "Synced", "badge says {badge:?}");
            Ok(())
        })
        .await?;
        Ok(())
    })
    .await?;
    drop(server);
    Ok(())
}

/// Nothing typed is dropped: an offline edit that the server refuses (the customer was handed to
/// someone else meanwhile) stays on the device, shown as rejected with the server's reason;
/// a manager then reads it in words on the review screen and applies it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_offline_edit_is_kept_and_shown_with_its_reason() -> Result<()> {
    let dir = tempfile::tempdir()?;
    let database = dir.path().join("huitou.db");
    let server = Server::start(&database, "127.0.0.1:0".parse()?, true)?;
    let addr = server.addr;
    let base = server.url();
    let driver = Driver::start().await?;
    let tablet = driver.browser(&dir.path().join("profile")).await?;
    let laptop = driver.browser(&dir.path().join("laptop")).await?;
    let mut server = Some(server);
    with_browsers(vec![tablet.clone(), laptop.clone()], |_| async {
        let t = &tablet;
        sign_in(t, &base, "sales1").await?;
        click(t, "Customers").await?;
        wait_for_text(t, "王小明", SYNC).await?;
        wait_for_text(t, "Synced", SYNC).await?;
        if let Some(server) = server.take() {
            server.stop();
        }
        // Offline, sales1 changes the phone of 王小明.
        open_customer(t, "王小明").await?;
        click(t, "Edit customer").await?;
        fill(t, "Phone", "13999990000").await?;
        click(t, "Save").await?;
        wait_for_text(t, "13999990000", SYNC).await?;

        // Meanwhile a manager hands 王小明 to sales2, through the API on a server this tablet
        // cannot reach.
        let side = Server::start(&database, "127.0.0.1:0".parse()?, false)?;
        let manager = Api::sign_in(&side.url(), "manager").await?;
        let customer = manager.find("customer", "name", "王小明").await?;
        let sales2 = manager.find("user", "username", "sales2").await?;
        manager
            .push(
                "manager-laptop",
                &[("customer", &customer, "owner", serde_json::json!(sales2))],
            )
            .await?;
        side.stop();

        // The tablet's server comes back: the edit is refused, kept and explained.
        let server = Server::start(&database, addr, false)?;
        eventually(SYNC, || async {
            let badge = sync_badge(t).await?;
            ensure!(badge.contains("1 rejected"), "badge says {badge:?}");
            Ok(())
        })
        .await?;
        click(t, "Settings").await?;
        wait_for_text(t, "Changes the server refused", SYNC).await?;
        let text = page_text(t).await?;
        ensure!(
            text.contains("13999990000")
                && text.contains("Refused: they may not change this record")
                && text.contains("is not yours"),
            "{text}"
        );
        screenshot(t, &screenshots().join("rejected-1024.png")).await?;
        // The customer was handed over: it left this tablet, the refused edit did not.
        click(t, "Customers").await?;
        eventually(SYNC, || async {
            let text = page_text(t).await?;
            ensure!(
                !text.contains("王小明"),
                "王小明 should have left sales1's tablet"
            );
            Ok(())
        })
        .await?;
        // The refused edit stays on the tablet, waiting for a manager's decision.
        click(t, "Settings").await?;
        wait_for_text(t, "13999990000", SYNC).await?;

        // A manager reads the refused edit in words on the review screen and applies it: the
        // phone reaches the customer's new owner, written by the manager.
        let l = &laptop;
        l.set_window_size(1280, 800).await?;
        sign_in(l, &server.url(), "manager").await?;
        click(l, "Settings").await?;
        click(l, "Review refused changes").await?;
        let words = "李销售 tried to change 王小明's Phone to 13999990000";
        wait_for_text(l, words, SYNC).await?;
        wait_for_text(l, "Refused: they may not change this record", SYNC).await?;
        assert_accessible(l, "Review (en)").await?;
        screenshot(l, &screenshots().join("review-1280.png")).await?;
        click(l, &format!("Apply: {words}")).await?;
        wait_for_text(l, "Applied; every device receives it when it syncs.", SYNC).await?;
        wait_for_text(l, "Nothing to review", SYNC).await?;
        // The tablet hears of it: the edit is in the book now, so it leaves the outbox.
        eventually(SYNC, || async {
            let badge = sync_badge(t).await?;
            ensure!(badge == "Synced", "badge says {badge:?}");
            Ok(())
        })
        .await?;
        ensure!(!page_text(t).await?.contains("Changes the server refused"));
        let sales2 = Api::sign_in(&server.url(), "sales2").await?;
        eventually(SYNC, || async {
            let state = sales2.folded().await?;
            let customer = sales2.find("customer", "name", "王小明").await?;
            let phone = state.value("customer", &customer, "phone");
            ensure!(
                phone == Some(&serde_json::json!("13999990000")),
                "sales2 reads the applied phone: {phone:?}"
            );
            Ok(())
        })
        .await?;
        drop(server);
        Ok(())
    })
    .await
}
