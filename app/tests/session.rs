//! Writer ids in headless Chromium: two tabs (here, two claims in one page) never share one (SYNC §2).

#![cfg(target_arch = "wasm32")]

use huitou_app::session::{claim_writer, device_id, load_clock, save_clock};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn each_claim_gets_its_own_writer_id() {
    let first = claim_writer().await;
    let second = claim_writer().await;
    assert_ne!(first, second);
    assert!(second.as_str().starts_with(device_id().as_str()));
}

#[wasm_bindgen_test]
async fn a_saved_clock_stays_monotonic_after_reload() {
    let writer = claim_writer().await;
    let mut clock = load_clock(&writer);
    let before = clock.tick(js_sys::Date::now() as u64 + 60_000);
    save_clock(&clock);
    // A reload reads the clock back; its next stamp follows the last one even if the wall clock is behind.
    let mut reloaded = load_clock(&writer);
    let after = reloaded.tick(js_sys::Date::now() as u64);
    assert!(after > before);
}
