//! Property tests of the loyalty ledger rule (`loyalty::may_take`, `loyalty::replay`): any
//! interleaving of offline devices earning and redeeming, and syncing in any order, leaves
//! the server's ledger covered (no balance ever below zero), and every entry a device wrote
//! is either accepted once or held on that device as refused (never counted, never lost).

use huitou_shared::loyalty::{Entry, Expiry, may_take, replay};
use proptest::prelude::*;

const DAY: u64 = 86_400_000;
/// 2025-12-20 00:00 UTC: the runs cross a new year, so points expire on the way.
const START: u64 = 1_766_188_800_000;

#[derive(Clone, Debug)]
enum Step {
    /// Device `d` earns `n` points (a visit) while offline.
    Earn(usize, i64),
    /// Device `d` redeems `n` points it sees as available while offline.
    Redeem(usize, i64),
    /// Device `d` pushes its waiting entries one by one and pulls the server's ledger.
    Sync(usize),
    /// Time passes (days).
    Wait(u64),
}

fn step(devices: usize) -> impl Strategy<Value = Step> {
    prop_oneof![
        (0..devices, 1i64..400).prop_map(|(d, n)| Step::Earn(d, n)),
        (0..devices, 1i64..600).prop_map(|(d, n)| Step::Redeem(d, n)),
        (0..devices).prop_map(Step::Sync),
        (1u64..200).prop_map(Step::Wait),
    ]
}

#[derive(Default)]
struct Device {
    /// The server's ledger as of this device's last pull.
    synced: Vec<Entry>,
    /// Entries written here and not yet pushed.
    waiting: Vec<Entry>,
    /// Entries the server refused (`insufficient`), shown to the user with the reason.
    refused: Vec<Entry>,
}

impl Device {
    /// The ledger the device shows: what it pulled plus what waits to be pushed (refused
    /// entries are listed apart, never counted).
    fn shown(&self) -> Vec<Entry> {
        self.synced.iter().chain(&self.waiting).cloned().collect()
    }
}

fn run(expiry: Expiry, devices: usize, steps: Vec<Step>) -> Result<(), TestCaseError> {
    let offset = 480;
    let mut server: Vec<Entry> = Vec::new();
    let mut fleet: Vec<Device> = (0..devices).map(|_| Device::default()).collect();
    let mut written: Vec<Vec<String>> = vec![Vec::new(); devices];
    let mut now = START;
    for (n, step) in steps.into_iter().enumerate() {
        now += 1;
        let id = format!("{n:06}");
        match step {
            Step::Earn(d, points) => {
                fleet[d].waiting.push(Entry::new(&id, now, points));
                written[d].push(id);
            }
            Step::Redeem(d, points) => {
                let seen = replay(&fleet[d].shown(), expiry, offset, now);
                // The device offers only what it sees; offline it cannot see the others'.
                if seen.available >= points {
                    fleet[d].waiting.push(Entry::new(&id, now, -points));
                    written[d].push(id);
                }
            }
            Step::Sync(d) => {
                let device = &mut fleet[d];
                for entry in std::mem::take(&mut device.waiting) {
                    if may_take(&server, &entry, expiry, offset) {
                        server.push(entry);
                    } else {
                        device.refused.push(entry);
                    }
                    let books = replay(&server, expiry, offset, now);
                    prop_assert!(books.covered(), "the server's ledger stays covered");
                    prop_assert!(books.available >= 0, "never below zero: {books:?}");
                }
                device.synced = server.clone();
            }
            Step::Wait(days) => now += days * DAY,
        }
    }
    // Every device syncs at the end: nothing is lost, nothing counted twice.
    for device in &mut fleet {
        for entry in std::mem::take(&mut device.waiting) {
            if may_take(&server, &entry, expiry, offset) {
                server.push(entry);
            } else {
                device.refused.push(entry);
            }
        }
    }
    let books = replay(&server, expiry, offset, now);
    prop_assert!(books.covered());
    for (d, ids) in written.iter().enumerate() {
        for id in ids {
            let on_server = server.iter().filter(|e| &e.id == id).count();
            let refused = fleet[d].refused.iter().filter(|e| &e.id == id).count();
            prop_assert_eq!(
                on_server + refused,
                1,
                "entry {} is either accepted once or shown as refused",
                id
            );
        }
    }
    // Earned entries are never refused: only takings are.
    for device in &fleet {
        prop_assert!(device.refused.iter().all(|e| e.amount < 0));
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn offline_devices_never_spend_a_points_balance_twice(
        devices in 2usize..5,
        steps in proptest::collection::vec(step(4), 1..80),
    ) {
        let steps = steps.into_iter().map(|s| match s {
            Step::Earn(d, n) => Step::Earn(d % devices, n),
            Step::Redeem(d, n) => Step::Redeem(d % devices, n),
            Step::Sync(d) => Step::Sync(d % devices),
            wait => wait,
        }).collect();
        run(Expiry::EndOfNextYear, devices, steps)?;
    }

    #[test]
    fn offline_devices_never_spend_a_stored_value_twice(
        steps in proptest::collection::vec(step(3), 1..80),
    ) {
        run(Expiry::Never, 3, steps)?;
    }
}

#[test]
fn two_offline_tablets_redeeming_the_last_500_points_one_is_refused() {
    let earned = Entry::new("earn", START, 500);
    let server = vec![earned];
    let a = Entry::new("a", START + 10, -500);
    let b = Entry::new("b", START + 20, -500);
    assert!(may_take(&server, &a, Expiry::EndOfNextYear, 480));
    let server = [server, vec![a]].concat();
    assert!(!may_take(&server, &b, Expiry::EndOfNextYear, 480));
    assert_eq!(
        replay(&server, Expiry::EndOfNextYear, 480, START + 30).available,
        0
    );
}
