//! Pinyin initials for search, in both scripts.

use huitou_shared::customer::pinyin::{initial, initials, matches_initials};
use proptest::prelude::*;

#[test]
fn common_names_in_simplified_and_traditional() {
    for (name, expected) in [
        ("王小明", "wxm"),
        ("李娜", "ln"),
        ("张伟", "zw"),
        ("刘德华", "ldh"),
        ("劉德華", "ldh"),
        ("王曉明", "wxm"),
        ("陳大文", "cdw"),
        ("陈大文", "cdw"),
        ("黄蓉", "hr"),
        ("歐陽鋒", "oyf"),
    ] {
        assert_eq!(initials(name), expected, "{name}");
    }
}

#[test]
fn surnames_read_as_surnames_only_in_first_place() {
    assert_eq!(initials("曾国藩"), "zgf");
    assert_eq!(initials("单田芳"), "stf");
    assert_eq!(initials("何曾"), "hc");
}

#[test]
fn ascii_is_kept_lower_case_and_the_rest_dropped() {
    assert_eq!(initials("Amy王"), "amyw");
    assert_eq!(initials("Tom Lee"), "tomlee");
    assert_eq!(initials("王-二 (2号)"), "we2h");
    assert_eq!(initials(""), "");
    assert_eq!(initials("😀"), "");
}

#[test]
fn matching_is_a_substring_of_the_initials() {
    assert!(matches_initials("w", "王小明"));
    assert!(matches_initials("wxm", "王小明"));
    assert!(matches_initials("XM", "王小明"));
    assert!(!matches_initials("wxmm", "王小明"));
    assert!(!matches_initials("", "王小明"));
}

#[test]
fn the_table_covers_the_whole_block() {
    // The original URO block (U+4E00..=U+9FA5) is nearly all covered, and only by letters a–z.
    let covered = (0x4E00u32..=0x9FA5)
        .filter_map(char::from_u32)
        .filter(|&ch| initial(ch).is_some())
        .count();
    assert!(
        covered > 20_000,
        "only {covered} characters have an initial"
    );
    assert_eq!(initial('〇'), None);
    assert!(
        (0x4E00u32..=0x9FFF)
            .filter_map(char::from_u32)
            .filter_map(initial)
            .all(|letter| letter.is_ascii_lowercase())
    );
}

proptest! {
    #[test]
    fn one_letter_per_known_han_or_ascii_character(text in "[a-zA-Z0-9王李张刘陈杨黄赵 ,.]{0,12}") {
        let expected = text.chars().filter(|c| !matches!(c, ' ' | ',' | '.')).count();
        prop_assert_eq!(initials(&text).chars().count(), expected);
        prop_assert!(initials(&text).chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()));
    }

    #[test]
    fn every_piece_of_the_initials_matches(text in "[王李张刘陈小明娜伟华a-z]{1,8}", start in 0usize..8, len in 1usize..8) {
        let letters = initials(&text);
        let start = start.min(letters.len() - 1);
        let end = (start + len).min(letters.len());
        prop_assert!(matches_initials(&letters[start..end], &text));
    }
}
