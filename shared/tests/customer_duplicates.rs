//! Duplicate detection: same phone, or same name and birthday; the trash is ignored.

use huitou_shared::customer::duplicates::{
    Candidate, Duplicate, DuplicateReason, find, normalise_phone,
};
use huitou_shared::customer::{Birthday, Calendar};
use huitou_shared::{Change, Record};
use proptest::prelude::*;
use serde_json::{Value, json};

fn customer(fields: &[(&str, Value)]) -> Record {
    let mut record = Record::default();
    for (position, (field, value)) in fields.iter().enumerate() {
        let hlc = format!(
            "{:015}:00000:deviceAA",
            1_764_072_000_000u64 + position as u64
        );
        record.apply(&Change::new("customer", "c", field, value.clone(), &hlc));
    }
    record
}

fn duplicate(id: &str, reason: DuplicateReason) -> Duplicate {
    Duplicate {
        id: id.to_owned(),
        reason,
    }
}

const SOLAR_1988_05_20: Birthday = Birthday {
    calendar: Calendar::Solar,
    year: Some(1988),
    month: 5,
    day: 20,
    leap: false,
};

#[test]
fn phone_numbers_normalise_to_national_digits() {
    assert_eq!(normalise_phone("13800138000"), "13800138000");
    assert_eq!(normalise_phone("+8613800138000"), "13800138000");
    assert_eq!(normalise_phone("86 138 0013 8000"), "13800138000");
    assert_eq!(normalise_phone("0086-138-0013-8000"), "13800138000");
    // Not a mainland mobile after the prefix: left alone.
    assert_eq!(normalise_phone("+86 21 6543 2100"), "862165432100");
    assert_eq!(normalise_phone("+852 9123 4567"), "85291234567");
    assert_eq!(normalise_phone("no digits"), "");
}

#[test]
fn same_phone_in_another_format_is_a_duplicate() {
    let wang = customer(&[("name", json!("王小明")), ("phone", json!("138-0013-8000"))]);
    let li = customer(&[("name", json!("李娜")), ("phone", json!("13900139000"))]);
    let candidate = Candidate {
        name: "小明",
        phone: Some("+86 13800138000"),
        birthday: None,
    };
    assert_eq!(
        find(&candidate, [("wang", &wang), ("li", &li)]),
        vec![duplicate("wang", DuplicateReason::SamePhone)]
    );
}

#[test]
fn several_phone_numbers_in_an_array_are_all_checked() {
    let wang = customer(&[("phone", json!(["02165432100", "13800138000"]))]);
    let candidate = Candidate {
        name: "",
        phone: Some("13800138000"),
        birthday: None,
    };
    assert_eq!(find(&candidate, [("wang", &wang)]).len(), 1);
}

#[test]
fn same_name_and_birthday_is_a_duplicate() {
    let wang = customer(&[
        ("name", json!("王 小明")),
        ("birthday", SOLAR_1988_05_20.to_value()),
    ]);
    let candidate = Candidate {
        name: "王小明",
        phone: None,
        birthday: Some(&SOLAR_1988_05_20),
    };
    assert_eq!(
        find(&candidate, [("wang", &wang)]),
        vec![duplicate("wang", DuplicateReason::SameNameAndBirthday)]
    );
    // A birthday without year matches on month and day.
    let without_year = Birthday {
        year: None,
        ..SOLAR_1988_05_20
    };
    let candidate = Candidate {
        birthday: Some(&without_year),
        ..candidate
    };
    assert_eq!(find(&candidate, [("wang", &wang)]).len(), 1);
}

#[test]
fn the_same_day_of_birth_in_the_other_calendar_matches() {
    // 1988-05-20 is 戊辰年四月初五.
    let lunar = Birthday {
        calendar: Calendar::Lunar,
        year: Some(1988),
        month: 4,
        day: 5,
        leap: false,
    };
    let wang = customer(&[("name", json!("王小明")), ("birthday", lunar.to_value())]);
    let candidate = Candidate {
        name: "王小明",
        phone: None,
        birthday: Some(&SOLAR_1988_05_20),
    };
    assert_eq!(find(&candidate, [("wang", &wang)]).len(), 1);
}

#[test]
fn same_name_alone_or_other_birthday_is_not_a_duplicate() {
    let wang = customer(&[
        ("name", json!("王小明")),
        ("birthday", SOLAR_1988_05_20.to_value()),
    ]);
    let other_day = Birthday {
        day: 21,
        ..SOLAR_1988_05_20
    };
    for birthday in [None, Some(&other_day)] {
        let candidate = Candidate {
            name: "王小明",
            phone: None,
            birthday,
        };
        assert!(find(&candidate, [("wang", &wang)]).is_empty());
    }
}

#[test]
fn a_phone_match_is_reported_once_with_the_stronger_reason() {
    let wang = customer(&[
        ("name", json!("王小明")),
        ("phone", json!("13800138000")),
        ("birthday", SOLAR_1988_05_20.to_value()),
    ]);
    let candidate = Candidate {
        name: "王小明",
        phone: Some("13800138000"),
        birthday: Some(&SOLAR_1988_05_20),
    };
    assert_eq!(
        find(&candidate, [("wang", &wang)]),
        vec![duplicate("wang", DuplicateReason::SamePhone)]
    );
}

#[test]
fn customers_in_the_trash_and_short_numbers_are_skipped() {
    let deleted = customer(&[("phone", json!("13800138000")), ("deleted", json!(true))]);
    let restored = customer(&[("phone", json!("13800138000")), ("deleted", json!(false))]);
    let candidate = Candidate {
        name: "",
        phone: Some("13800138000"),
        birthday: None,
    };
    assert_eq!(
        find(&candidate, [("deleted", &deleted), ("restored", &restored)]),
        vec![duplicate("restored", DuplicateReason::SamePhone)]
    );
    let short = customer(&[("phone", json!("110"))]);
    let candidate = Candidate {
        phone: Some("110"),
        ..candidate
    };
    assert!(find(&candidate, [("short", &short)]).is_empty());
}

proptest! {
    #[test]
    fn a_mobile_number_written_any_way_normalises_the_same(
        number in "1[3-9][0-9]{9}",
        prefix in prop::sample::select(vec!["", "+86", "86", "0086", "+86 ", "(+86) "]),
        separator in prop::sample::select(vec!["", " ", "-"]),
    ) {
        let written = format!("{prefix}{}{separator}{}{separator}{}", &number[..3], &number[3..7], &number[7..]);
        prop_assert_eq!(normalise_phone(&written), number);
    }
}
