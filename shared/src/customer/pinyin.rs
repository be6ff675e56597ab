//! Pinyin initials of names (王小明 → `wxm`), so a customer can be found by typing a few letters.
//!
//! Each CJK Unified Ideograph (U+4E00..=U+9FFF: all of GB2312, GBK and Big5, so Simplified and
//! Traditional) maps to the first letter of its most common reading, from the `pinyin` crate's
//! data distilled by `build.rs` into one byte per character (21 KB, ~13 KB gzipped in wasm).
//! A name's first character is read as a surname, where some readings differ (曾 zēng, 单 shàn).
//!
//! ```
//! use huitou_shared::customer::pinyin::{initials, matches_initials};
//! assert_eq!(initials("王小明"), "wxm");
//! assert_eq!(initials("王曉明"), "wxm");
//! assert_eq!(initials("Amy王"), "amyw");
//! assert!(matches_initials("xm", "王小明"));
//! ```

const FIRST: u32 = 0x4E00;
static INITIALS: &[u8; 0x9FFF - 0x4E00 + 1] =
    include_bytes!(concat!(env!("OUT_DIR"), "/pinyin_initials.bin"));

/// Surnames whose family-name reading starts with another letter than the common reading.
const SURNAME_READINGS: [(char, char); 14] = [
    ('曾', 'z'),
    ('单', 's'),
    ('單', 's'),
    ('解', 'x'),
    ('仇', 'q'),
    ('区', 'o'),
    ('區', 'o'),
    ('朴', 'p'),
    ('查', 'z'),
    ('缪', 'm'),
    ('繆', 'm'),
    ('覃', 'q'),
    ('翟', 'z'),
    ('秘', 'b'),
];

/// The initial of one Han character's most common reading, if it is in the table.
///
/// ```
/// use huitou_shared::customer::pinyin::initial;
/// assert_eq!(initial('李'), Some('l'));
/// assert_eq!(initial('a'), None);
/// ```
pub fn initial(ch: char) -> Option<char> {
    let index = u32::from(ch).checked_sub(FIRST)?;
    let letter = *INITIALS.get(usize::try_from(index).ok()?)?;
    (letter != 0).then_some(char::from(letter))
}

/// Search initials of `text`: ASCII letters and digits kept (lower-cased), each Han character
/// replaced by its initial, everything else (spaces, punctuation, rare characters) dropped.
///
/// ```
/// use huitou_shared::customer::pinyin::initials;
/// assert_eq!(initials("李娜"), "ln");
/// assert_eq!(initials("曾小贤"), "zxx");
/// assert_eq!(initials("张 3·丰"), "z3f");
/// ```
pub fn initials(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for (position, ch) in text.chars().enumerate() {
        if ch.is_ascii_alphanumeric() {
            out.push(ch.to_ascii_lowercase());
        } else if let Some(letter) = surname_initial(position, ch).or_else(|| initial(ch)) {
            out.push(letter);
        }
    }
    out
}

fn surname_initial(position: usize, ch: char) -> Option<char> {
    if position != 0 {
        return None;
    }
    SURNAME_READINGS
        .iter()
        .find(|(surname, _)| *surname == ch)
        .map(|(_, letter)| *letter)
}

/// True when the query, lower-cased, occurs in the initials of `text` (a prefix is a substring).
/// An empty query matches nothing: it is not a search.
///
/// ```
/// use huitou_shared::customer::pinyin::matches_initials;
/// assert!(matches_initials("WX", "王小明"));
/// assert!(!matches_initials("mx", "王小明"));
/// ```
pub fn matches_initials(query: &str, text: &str) -> bool {
    let query = query.trim().to_lowercase();
    !query.is_empty() && initials(text).contains(&query)
}
