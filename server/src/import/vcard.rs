//! Contacts exported from a phone (vCard 2.1, 3.0 and 4.0, as iOS and Android write them) as a
//! [`Sheet`]: one row per card with the name, the first mobile number, the other numbers, the
//! company, title, e-mail, birthday and note.
//!
//! Handles folded lines, `item1.` groups, escaped `\,` `\;` `\n`, and Android's
//! `ENCODING=QUOTED-PRINTABLE` values (with `=` soft line breaks) in UTF-8 or GBK.

use super::Sheet;

/// The headers of a vCard sheet: what [`super::mapping::guess`] maps without help.
pub const HEADERS: [&str; 8] = [
    "姓名",
    "手机",
    "其他电话",
    "公司",
    "职位",
    "邮箱",
    "生日",
    "备注",
];

#[derive(Default)]
struct Card {
    line: usize,
    full_name: Option<String>,
    name_parts: Option<String>,
    mobiles: Vec<String>,
    phones: Vec<String>,
    company: String,
    title: String,
    email: String,
    birthday: String,
    note: String,
}

/// Joins folded lines (a line starting with a space or tab continues the one before; a
/// quoted-printable line ending with `=` continues on the next), keeping each logical line's
/// first line number.
fn unfold(text: &str) -> Vec<(usize, String)> {
    let mut lines: Vec<(usize, String)> = Vec::new();
    let mut soft_break = false;
    for (n, raw) in text.lines().enumerate() {
        let raw = raw.trim_end_matches('\r');
        if soft_break && let Some(last) = lines.last_mut() {
            last.1.push_str(raw);
        } else if (raw.starts_with(' ') || raw.starts_with('\t')) && !lines.is_empty() {
            if let Some(last) = lines.last_mut() {
                last.1.push_str(&raw[1..]);
            }
        } else {
            lines.push((n + 1, raw.to_owned()));
        }
        let quoted = lines
            .last()
            .is_some_and(|l| l.1.to_ascii_uppercase().contains("QUOTED-PRINTABLE"));
        soft_break = quoted && raw.ends_with('=');
        if soft_break && let Some(last) = lines.last_mut() {
            last.1.pop();
        }
    }
    lines
}

fn quoted_printable(value: &str) -> Vec<u8> {
    let bytes = value.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'='
            && let Some(hex) = value.get(i + 1..i + 3)
            && let Ok(byte) = u8::from_str_radix(hex, 16)
        {
            out.push(byte);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    out
}

fn unescape(value: &str) -> String {
    value
        .replace("\\n", "\n")
        .replace("\\N", "\n")
        .replace("\\,", ",")
        .replace("\\;", ";")
        .replace("\\\\", "\\")
}

fn is_cjk(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The sheet of every card in `text`.
pub fn sheet(text: &str) -> Sheet {
    let mut cards: Vec<Card> = Vec::new();
    let mut card: Option<Card> = None;
    for (line, logical) in unfold(text) {
        let Some((head, raw_value)) = logical.split_once(':') else {
            continue;
        };
        let mut params = head.split(';');
        let property = params
            .next()
            .unwrap_or_default()
            .rsplit('.')
            .next()
            .unwrap_or_default()
            .to_ascii_uppercase();
        let params: Vec<String> = params.map(str::to_ascii_uppercase).collect();
        match property.as_str() {
            "BEGIN" => {
                card = Some(Card {
                    line,
                    ..Card::default()
                });
                continue;
            }
            "END" => {
                cards.extend(card.take());
                continue;
            }
            _ => {}
        }
        let Some(current) = card.as_mut() else {
            continue;
        };
        let value = if params.iter().any(|p| p.contains("QUOTED-PRINTABLE")) {
            super::decode(&quoted_printable(raw_value))
        } else {
            raw_value.to_owned()
        };
        let value = unescape(value.trim());
        match property.as_str() {
            "FN" if !value.is_empty() => current.full_name = Some(value),
            "N" => {
                let parts: Vec<&str> = value.split(';').map(str::trim).collect();
                let family = parts.first().copied().unwrap_or_default();
                let given = parts.get(1).copied().unwrap_or_default();
                let name = if is_cjk(family) || is_cjk(given) {
                    format!("{family}{given}")
                } else {
                    format!("{given} {family}").trim().to_owned()
                };
                if !name.is_empty() {
                    current.name_parts = Some(name);
                }
            }
            "TEL" if !value.is_empty() => {
                let mobile = params
                    .iter()
                    .any(|p| p.contains("CELL") || p.contains("MOBILE"));
                if mobile {
                    current.mobiles.push(value);
                } else {
                    current.phones.push(value);
                }
            }
            "ORG" => current.company = value.replace(';', " ").trim().to_owned(),
            "TITLE" => current.title = value,
            "EMAIL" if current.email.is_empty() => current.email = value,
            "BDAY" => current.birthday = birthday(&value),
            "NOTE" => current.note = value,
            _ => {}
        }
    }
    let rows = cards
        .into_iter()
        .map(|card| {
            let mut phones = card.mobiles;
            phones.extend(card.phones);
            let first = if phones.is_empty() {
                String::new()
            } else {
                phones.remove(0)
            };
            (
                card.line,
                vec![
                    card.full_name.or(card.name_parts).unwrap_or_default(),
                    first,
                    phones.join(", "),
                    card.company,
                    card.title,
                    card.email,
                    card.birthday,
                    card.note,
                ],
            )
        })
        .collect();
    Sheet {
        name: "vCard".to_owned(),
        headers: HEADERS.iter().map(|h| (*h).to_owned()).collect(),
        rows,
    }
}

/// `19860308` → `1986-03-08`, `--0308` → `03-08`; other forms as written.
fn birthday(value: &str) -> String {
    let digits: String = value.chars().filter(char::is_ascii_digit).collect();
    match (value.starts_with("--"), digits.len()) {
        (true, 4) => format!("{}-{}", &digits[..2], &digits[2..]),
        (false, 8) if !value.contains('-') => {
            format!("{}-{}-{}", &digits[..4], &digits[4..6], &digits[6..])
        }
        _ => value.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_android_card_in_quoted_printable_with_three_phones() {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0;=E4=B8=89;;;\r\n\
                    FN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=E5=BC=A0=E4=B8=89\r\n\
                    TEL;HOME:021-6543-2100\r\nTEL;CELL:138 0013 8000\r\nTEL;WORK:010-8888-0000\r\n\
                    BDAY:19860308\r\nNOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=UTF-8:=E8=80=81=E5=AE=A2=\r\n=E6=88=B7\r\nEND:VCARD\r\n";
        let sheet = sheet(text);
        assert_eq!(sheet.rows.len(), 1);
        let row = &sheet.rows[0].1;
        assert_eq!(row[0], "张三");
        assert_eq!(row[1], "138 0013 8000");
        assert_eq!(row[2], "021-6543-2100, 010-8888-0000");
        assert_eq!(row[6], "1986-03-08");
        assert_eq!(row[7], "老客户");
    }

    #[test]
    fn an_iphone_card_with_groups_folding_and_escapes() {
        let text = "BEGIN:VCARD\nVERSION:3.0\nN:Wang;Fang;;;\nFN:Wang Fang\nORG:Acme\\, Inc.;\n\
                    item1.TEL;type=CELL;type=VOICE;type=pref:+86 139 0013 9000\nNOTE:likes the\n  window seat\nEND:VCARD\n";
        let row = &sheet(text).rows[0].1;
        assert_eq!(row[0], "Wang Fang");
        assert_eq!(row[1], "+86 139 0013 9000");
        assert_eq!(row[3], "Acme, Inc.");
        assert_eq!(row[7], "likes the window seat");
    }
}
