//! Property tests of the merge rule and the clock (SYNC §1–§2, §8.1, §8.3).

use huitou_shared::{Change, Clock, DeviceId, Hlc, State};
use proptest::prelude::*;

const IDS: [&str; 3] = [
    "0193a3c1-0000-7000-8000-000000000001",
    "0193a3c1-0000-7000-8000-000000000002",
    "0193a3c1-0000-7000-8000-000000000003",
];
const DEVICES: [&str; 3] = ["deviceAA", "deviceBB", "device-CC"];

/// Changes over a small space of records and fields, so collisions (the interesting case) are common.
/// Each generated change carries a distinct op; stamps repeat often, as a misbehaving device's
/// would (equal `hlc`, different `op`), which the merge rule decides by the greater op.
fn changes() -> impl Strategy<Value = Vec<Change>> {
    prop::collection::vec(
        (
            prop::sample::select(vec!["customer", "visit"]),
            0..IDS.len(),
            prop::sample::select(vec!["name", "phone", "tag:vip", "amount"]),
            any::<i32>(),
            0u64..20,
            0u32..3,
            0..DEVICES.len(),
        ),
        0..60,
    )
    .prop_map(|raw| {
        raw.into_iter()
            .map(|(kind, id, field, value, millis, counter, device)| {
                let hlc = Hlc {
                    millis: 1_764_072_000_000 + millis,
                    counter,
                    device: DeviceId::parse(DEVICES[device]).unwrap(),
                };
                Change::new(kind, IDS[id], field, value.into(), &hlc.to_string())
            })
            .collect()
    })
}

proptest! {
    #[test]
    fn any_permutation_folds_to_the_same_state(changes in changes(), seed in any::<u64>()) {
        let forward = State::fold(&changes);
        let mut shuffled = changes.clone();
        // A deterministic shuffle from the seed keeps failures reproducible.
        let mut rng = seed;
        for i in (1..shuffled.len()).rev() {
            rng = rng.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (rng >> 33) as usize % (i + 1));
        }
        prop_assert_eq!(forward, State::fold(&shuffled));
    }

    #[test]
    fn duplicates_and_batches_change_nothing(changes in changes(), batch in 1usize..7) {
        let once = State::fold(&changes);
        // Apply in batches, each batch applied twice and then the whole set again:
        // what a device sees after retries and overlapping pulls.
        let mut state = State::default();
        for chunk in changes.chunks(batch) {
            for change in chunk.iter().chain(chunk) {
                state.apply(change);
            }
        }
        for change in changes.iter().rev() {
            state.apply(change);
        }
        prop_assert_eq!(once, state);
    }

    #[test]
    fn merging_two_devices_states_converges(changes in changes(), split in any::<prop::sample::Index>()) {
        // Two devices each hold part of the changes, then exchange everything.
        let at = if changes.is_empty() { 0 } else { split.index(changes.len()) };
        let (a, b) = changes.split_at(at);
        let mut device_a = State::fold(a);
        let mut device_b = State::fold(b);
        for change in b { device_a.apply(change); }
        for change in a { device_b.apply(change); }
        prop_assert_eq!(&device_a, &device_b);
        prop_assert_eq!(device_a, State::fold(&changes));
    }

    #[test]
    fn the_greatest_stamp_then_op_wins_each_field(changes in changes()) {
        let state = State::fold(&changes);
        for change in &changes {
            let winner = changes
                .iter()
                .filter(|c| c.kind == change.kind && c.id == change.id && c.field == change.field)
                .max_by(|x, y| (&x.hlc, &x.op).cmp(&(&y.hlc, &y.op)))
                .unwrap();
            prop_assert_eq!(state.value(&change.kind, &change.id, &change.field), Some(&winner.value));
        }
    }

    #[test]
    fn hlc_text_order_is_clock_order(a_ms in 0u64..10_000, a_c in 0u32..100, b_ms in 0u64..10_000, b_c in 0u32..100,
                                     a_d in 0..DEVICES.len(), b_d in 0..DEVICES.len()) {
        let a = Hlc { millis: a_ms, counter: a_c, device: DeviceId::parse(DEVICES[a_d]).unwrap() };
        let b = Hlc { millis: b_ms, counter: b_c, device: DeviceId::parse(DEVICES[b_d]).unwrap() };
        prop_assert_eq!(a.cmp(&b), a.to_string().cmp(&b.to_string()));
        prop_assert_eq!(Hlc::parse(&a.to_string()).unwrap(), a);
    }

    /// Skewed, jumping wall clocks and stamps received from other devices never make a clock go back.
    #[test]
    fn clock_stays_monotonic_under_skew(steps in prop::collection::vec((any::<bool>(), 0u64..2_000_000_000_000, -3_600_000i64..3_600_000, 0u32..99_999), 1..200)) {
        let mut clock = Clock::new(DeviceId::parse("deviceAA").unwrap());
        let mut last: Option<Hlc> = None;
        for (receive, wall, skew, counter) in steps {
            if receive {
                let seen = Hlc { millis: (wall as i64 + skew).max(0) as u64, counter, device: DeviceId::parse("deviceBB").unwrap() };
                clock.observe(&seen);
                let next = clock.tick(wall);
                prop_assert!(next > seen, "{next} must follow the observed {seen}");
                if let Some(prev) = &last { prop_assert!(&next > prev); }
                last = Some(next);
            } else {
                clock.set_server_time((wall as i64 + skew).max(0) as u64, wall);
                let next = clock.tick(wall);
                if let Some(prev) = &last { prop_assert!(&next > prev, "{next} after {prev}"); }
                last = Some(next);
            }
        }
    }
}

#[test]
fn counter_overflow_borrows_the_next_millisecond() {
    let mut clock = Clock::new(DeviceId::parse("deviceAA").unwrap());
    let mut prev = clock.tick(5);
    for _ in 0..100_050 {
        let next = clock.tick(5);
        assert!(next > prev);
        prev = next;
    }
    assert_eq!(prev.millis, 6);
}

#[test]
fn offset_moves_stamps_to_server_time() {
    let mut clock = Clock::new(DeviceId::parse("deviceAA").unwrap());
    // The device's clock is an hour behind the server.
    clock.set_server_time(10_000_000, 6_400_000);
    assert_eq!(clock.tick(6_400_010).millis, 10_000_010);
}

#[test]
fn rewind_after_clock_ahead_follows_corrected_time() {
    let mut clock = Clock::new(DeviceId::parse("deviceAA").unwrap());
    // A device whose clock was a day ahead stamped an edit, then learned the server time.
    let ahead = clock.tick(86_400_000 + 1_000);
    clock.set_server_time(1_000, 86_400_000 + 1_000);
    clock.rewind_to_wall(86_400_000 + 1_000);
    let fixed = clock.tick(86_400_000 + 1_001);
    assert!(fixed.millis < ahead.millis);
    assert_eq!(fixed.millis, 1_001);
}
