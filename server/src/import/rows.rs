//! The dry run: every row read against the mapping and the book, with the fields it would
//! write and its problems in codes the app words (no text of the server's own).

use super::Sheet;
use super::mapping::Target;
use chrono::{NaiveDate, NaiveTime};
use huitou_shared::customer::duplicates::normalise_phone;
use huitou_shared::{Change, Kind};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// Ids of imported records derive from this namespace, the organisation and the customer's
/// phone (or name): the same file imported twice names the same customers.
const NAMESPACE: Uuid = Uuid::from_u128(0x5f0c_2a9e_7d1b_4c8e_9a36_1e2f_3b4c_5d6e);

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Will be imported.
    New,
    /// Already in the book (same phone, or same name without a phone): left as it is.
    InBook,
    /// Has a problem: not imported.
    Problem,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Code {
    NoName,
    BadPhone,
    BadDate,
    BadAmount,
    BadValue,
    /// The same phone (or name) as an earlier row of the file.
    DuplicateRow,
    /// A visit whose phone and name match no customer of the book.
    NoCustomer,
    /// A visit named only by a name that several customers share.
    AmbiguousName,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Problem {
    pub code: Code,
    /// The column's header.
    pub column: Option<String>,
    /// The cell as written.
    pub value: String,
    /// For a duplicate: the line it repeats.
    pub other_line: Option<usize>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RowReport {
    pub line: usize,
    pub name: String,
    pub phone: String,
    pub status: Status,
    pub problems: Vec<Problem>,
    /// The customer already in the book, for [`Status::InBook`].
    pub existing_id: Option<String>,
}

/// A customer the import would create: its fields, and a visit for its spend so far.
#[derive(Clone, Debug, PartialEq)]
pub struct NewCustomer {
    pub line: usize,
    pub id: String,
    pub fields: Vec<(String, Value)>,
    pub visit: Option<(String, f64)>,
}

#[derive(Clone, Debug, Default)]
pub struct Checked {
    pub reports: Vec<RowReport>,
    pub customers: Vec<NewCustomer>,
}

/// The customers already in the book, by normalised phone and by name.
#[derive(Clone, Debug, Default)]
pub struct Existing {
    pub phones: HashMap<String, String>,
    pub names: HashMap<String, String>,
    /// Names that more than one customer has.
    pub shared_names: HashSet<String>,
    /// Customers' names by id (a visit's row shows its customer).
    pub names_by_id: HashMap<String, String>,
    /// Ids of the visits in the book (a visit sheet imported twice adds nothing).
    pub visits: HashSet<String>,
}

impl Existing {
    /// Notes a customer of the book.
    pub fn add_customer(&mut self, id: &str, name: Option<&str>, phone: Option<&str>) {
        if let Some(phone) = phone {
            self.phones.insert(normalise_phone(phone), id.to_owned());
        }
        if let Some(name) = name {
            if self.names.insert(name.to_owned(), id.to_owned()).is_some() {
                self.shared_names.insert(name.to_owned());
            }
            self.names_by_id.insert(id.to_owned(), name.to_owned());
        }
    }
}

/// A visit the import would create.
#[derive(Clone, Debug, PartialEq)]
pub struct NewVisit {
    pub line: usize,
    pub id: String,
    pub customer_id: String,
    pub fields: Vec<(String, Value)>,
}

/// The dry run of a sheet of visits.
#[derive(Clone, Debug, Default)]
pub struct CheckedVisits {
    pub reports: Vec<RowReport>,
    pub visits: Vec<NewVisit>,
}

/// How rows become customers.
pub struct Options<'a> {
    pub org_id: &'a str,
    /// New customers go to these salespeople in turn.
    pub owners: &'a [String],
    pub today: NaiveDate,
    /// The organisation's offset from UTC, for the time of a first visit.
    pub utc_offset_minutes: i32,
}

impl Problem {
    /// A problem with the cell `value` of the column `column`.
    fn at(code: Code, column: &str, value: &str) -> Problem {
        Problem {
            code,
            column: Some(column.to_owned()),
            value: value.to_owned(),
            other_line: None,
        }
    }
}

/// A row's non-blank cells, trimmed, with the column's target and header.
fn filled<'a>(
    mapping: &'a [Target],
    headers: &'a [String],
    cells: &'a [String],
) -> impl Iterator<Item = (Target, &'a str, &'a str)> {
    mapping
        .iter()
        .zip(headers)
        .zip(cells)
        .map(|((target, header), cell)| (*target, header.as_str(), cell.trim()))
        .filter(|(_, _, cell)| !cell.is_empty())
}

/// A phone cell: as written and normalised, or the problem.
fn read_phone(cell: &str, header: &str) -> Result<(String, String), Problem> {
    let normalised = normalise_phone(cell);
    if phone_ok(&normalised) {
        Ok((cell.to_owned(), normalised))
    } else {
        Err(Problem::at(Code::BadPhone, header, cell))
    }
}

/// A phone worth keeping: a Chinese mobile (11 digits from 1) or a landline of 7–12 digits.
fn phone_ok(normalised: &str) -> bool {
    (normalised.len() == 11 && normalised.starts_with('1'))
        || (7..=12).contains(&normalised.len()) && !normalised.starts_with('1')
}

/// Chinese numerals of lunar months and days (`正`, `冬`, `腊`, `初八`, `廿三`).
fn lunar_number(text: &str) -> Option<u32> {
    let digit = |c: char| {
        "〇一二三四五六七八九"
            .chars()
            .position(|d| d == c)
            .map(|d| d as u32)
    };
    let text = text.trim_start_matches('初');
    match text {
        "正" => return Some(1),
        "冬" => return Some(11),
        "腊" | "臘" => return Some(12),
        _ => {}
    }
    let chars: Vec<char> = text.chars().collect();
    match chars.as_slice() {
        [c] if *c == '十' => Some(10),
        [c] => digit(*c),
        ['十', c] => Some(10 + digit(*c)?),
        ['廿', c] => Some(20 + digit(*c)?),
        ['卅', c] => Some(30 + digit(*c)?),
        [a, '十'] => Some(digit(*a)? * 10),
        [a, '十', c] => Some(digit(*a)? * 10 + digit(*c)?),
        _ => None,
    }
}

/// A birthday cell as the synced value: solar with or without a year (`1986-03-08`,
/// `1986/3/8`, `1986年3月8日`, `3月8日`, `03-08`) or lunar (`农历三月初八`, `1986年农历闰四月廿三`).
///
/// ```
/// use huitou_server::import::rows::birthday;
/// use serde_json::json;
/// assert_eq!(birthday("农历三月初八"), Some(json!({"calendar": "lunar", "year": null, "month": 3, "day": 8, "leap": false})));
/// assert_eq!(birthday("1986年阴历闰四月廿三"), Some(json!({"calendar": "lunar", "year": 1986, "month": 4, "day": 23, "leap": true})));
/// assert_eq!(birthday("1986/3/8"), Some(json!({"calendar": "solar", "year": 1986, "month": 3, "day": 8, "leap": false})));
/// assert_eq!(birthday("3月8日"), Some(json!({"calendar": "solar", "year": null, "month": 3, "day": 8, "leap": false})));
/// assert_eq!(birthday("1986-02-30"), None);
/// assert_eq!(birthday("next spring"), None);
/// ```
pub fn birthday(text: &str) -> Option<Value> {
    let text = text.trim();
    let lunar_mark = ["农历", "農曆", "阴历", "陰曆"]
        .iter()
        .find(|m| text.contains(*m));
    if let Some(mark) = lunar_mark {
        let (before, after) = text.split_once(mark)?;
        let year = before
            .trim()
            .trim_end_matches('年')
            .parse::<u32>()
            .ok()
            .filter(|y| (1800..=2200).contains(y));
        if !before.trim().is_empty() && year.is_none() {
            return None;
        }
        let leap = after.starts_with('闰') || after.starts_with('閏');
        let after = after.trim_start_matches(['闰', '閏']);
        let (month, day) = after.split_once('月')?;
        let month = lunar_number(month)?;
        let day = lunar_number(day.trim_end_matches(['日', '号']))?;
        if !(1..=12).contains(&month) || !(1..=30).contains(&day) {
            return None;
        }
        return Some(
            json!({"calendar": "lunar", "year": year, "month": month, "day": day, "leap": leap}),
        );
    }
    let (year, month, day) = solar_parts(text)?;
    let check_year = year.map_or(2000, |y| y as i32);
    NaiveDate::from_ymd_opt(check_year, month, day)?;
    Some(json!({"calendar": "solar", "year": year, "month": month, "day": day, "leap": false}))
}

/// `(year, month, day)` of a solar date in the usual forms (the year may be missing).
fn solar_parts(text: &str) -> Option<(Option<u32>, u32, u32)> {
    let digits_only = text.chars().all(|c| c.is_ascii_digit());
    if digits_only && text.len() == 8 {
        return Some((
            Some(text[..4].parse().ok()?),
            text[4..6].parse().ok()?,
            text[6..].parse().ok()?,
        ));
    }
    let parts: Vec<&str> = text
        .split(['-', '/', '.', '年', '月', '日', '号', ' ', 'T'])
        .filter(|p| !p.is_empty())
        .collect();
    let number = |p: &str| p.parse::<u32>().ok();
    match parts.as_slice() {
        [y, m, d, ..] if y.len() == 4 => Some((Some(number(y)?), number(m)?, number(d)?)),
        [m, d] if m.len() <= 2 && d.len() <= 2 => Some((None, number(m)?, number(d)?)),
        _ => None,
    }
    .filter(|(y, m, d)| {
        y.is_none_or(|y| (1800..=2200).contains(&y)) && (1..=12).contains(m) && (1..=31).contains(d)
    })
}

/// A day with its year (first visits).
fn full_date(text: &str) -> Option<NaiveDate> {
    let (year, month, day) = solar_parts(text.trim())?;
    NaiveDate::from_ymd_opt(year? as i32, month, day)
}

/// An amount of money (`¥12,800.50`, `12800元`).
fn amount(text: &str) -> Option<f64> {
    let cleaned: String = text
        .chars()
        .filter(|c| !matches!(c, '¥' | '￥' | ',' | '，' | '元' | ' '))
        .collect();
    cleaned
        .parse::<f64>()
        .ok()
        .filter(|a| a.is_finite() && *a >= 0.0)
}

fn gender(text: &str) -> Option<&'static str> {
    match text.trim().to_lowercase().as_str() {
        "男" | "男性" | "先生" | "m" | "male" => Some("male"),
        "女" | "女性" | "女士" | "f" | "female" => Some("female"),
        "其他" | "other" => Some("other"),
        _ => None,
    }
}

fn source(text: &str) -> &'static str {
    let text = text.trim().to_lowercase();
    if text.contains("介绍") || text.contains("推荐") || text.contains("referr") {
        "referral"
    } else if text.contains("活动") || text.contains("event") {
        "event"
    } else if text.contains("网")
        || text.contains("线上")
        || text.contains("online")
        || text.contains("app")
    {
        "online"
    } else if text.contains("进店")
        || text.contains("路过")
        || text.contains("walk")
        || text.contains("到店")
    {
        "walk_in"
    } else {
        "other"
    }
}

/// The dry run of `sheet` read with `mapping` (one target per column).
pub fn check(
    sheet: &Sheet,
    mapping: &[Target],
    existing: &Existing,
    options: &Options<'_>,
) -> Checked {
    let mut checked = Checked::default();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let noon = |day: NaiveDate| local_time(day, None, options.utc_offset_minutes);
    for (line, cells) in &sheet.rows {
        let mut problems = Vec::new();
        let mut fields: Vec<(String, Value)> = Vec::new();
        let (mut name, mut phone, mut normalised) = (String::new(), String::new(), String::new());
        let mut first_visit: Option<NaiveDate> = None;
        let mut spend: Option<f64> = None;
        let mut notes: Vec<String> = Vec::new();
        for (target, header, cell) in filled(mapping, &sheet.headers, cells) {
            match target {
                Target::Name => name = cell.to_owned(),
                Target::Phone => match read_phone(cell, header) {
                    Ok((written, digits)) => (phone, normalised) = (written, digits),
                    Err(bad) => problems.push(bad),
                },
                Target::OtherPhones => notes.push(format!("☎ {cell}")),
                Target::Gender => match gender(cell) {
                    Some(g) => fields.push(("gender".into(), json!(g))),
                    None => problems.push(Problem::at(Code::BadValue, header, cell)),
                },
                Target::Birthday => match birthday(cell) {
                    Some(b) => fields.push(("birthday".into(), b)),
                    None => problems.push(Problem::at(Code::BadDate, header, cell)),
                },
                Target::Company => fields.push(("company".into(), json!(cell))),
                Target::Position => fields.push(("position".into(), json!(cell))),
                Target::Email => fields.push(("email".into(), json!(cell))),
                Target::Wechat => fields.push(("wechat".into(), json!(cell))),
                Target::Address => fields.push(("address".into(), json!(cell))),
                Target::Notes => notes.insert(0, cell.to_owned()),
                Target::Source => fields.push(("source".into(), json!(source(cell)))),
                Target::Tags => {
                    for tag in cell
                        .split([',', '，', '、', ';', '；', ' ', '/'])
                        .map(str::trim)
                        .filter(|t| !t.is_empty())
                    {
                        fields.push((format!("tag:{tag}"), json!(true)));
                    }
                }
                Target::FirstVisit => match full_date(cell) {
                    Some(day) if day <= options.today => first_visit = Some(day),
                    _ => problems.push(Problem::at(Code::BadDate, header, cell)),
                },
                Target::TotalSpend => match amount(cell) {
                    Some(a) => spend = Some(a),
                    None => problems.push(Problem::at(Code::BadAmount, header, cell)),
                },
                // A visit sheet's columns: not a customer's.
                Target::VisitDate | Target::Amount | Target::PartySize | Target::Ignore => {}
            }
        }
        if name.is_empty() {
            problems.push(Problem {
                code: Code::NoName,
                column: None,
                value: String::new(),
                other_line: None,
            });
        }
        let key = if phone.is_empty() {
            format!("name:{name}")
        } else {
            format!("phone:{normalised}")
        };
        let in_book = if phone.is_empty() {
            existing.names.get(&name)
        } else {
            existing.phones.get(&normalised)
        };
        if !name.is_empty()
            && let Some(other) = seen.get(&key)
        {
            problems.push(Problem {
                code: Code::DuplicateRow,
                column: None,
                value: if phone.is_empty() {
                    name.clone()
                } else {
                    phone.clone()
                },
                other_line: Some(*other),
            });
        } else if !name.is_empty() {
            seen.insert(key.clone(), *line);
        }
        let status = if !problems.is_empty() {
            Status::Problem
        } else if in_book.is_some() {
            Status::InBook
        } else {
            Status::New
        };
        if status == Status::New {
            let id = Uuid::new_v5(&NAMESPACE, format!("{}\n{key}", options.org_id).as_bytes())
                .to_string();
            let owner = &options.owners[checked.customers.len() % options.owners.len().max(1)];
            let mut all: Vec<(String, Value)> = vec![("name".into(), json!(name))];
            if !phone.is_empty() {
                all.push(("phone".into(), json!(phone)));
            }
            all.push(("owner".into(), json!(owner)));
            all.push((
                "created_at".into(),
                json!(noon(first_visit.unwrap_or(options.today))),
            ));
            all.extend(fields);
            if !notes.is_empty() {
                all.push(("notes".into(), json!(notes.join("\n"))));
            }
            // Every field as a device would write it: a value the validator refuses is a problem.
            let refused: Vec<Problem> = all
                .iter()
                .filter_map(|(field, value)| {
                    let change = Change::new(
                        Kind::CUSTOMER,
                        &id,
                        field,
                        value.clone(),
                        "000000000000000:00000:import00",
                    );
                    huitou_shared::validate::check(&change)
                        .err()
                        .map(|_| Problem {
                            code: Code::BadValue,
                            column: Some(field.clone()),
                            // The validator's reason is English for integrators; the screen words the code.
                            value: value.to_string(),
                            other_line: None,
                        })
                })
                .collect();
            if refused.is_empty() {
                checked.customers.push(NewCustomer {
                    line: *line,
                    id,
                    fields: all,
                    visit: spend
                        .filter(|a| *a > 0.0)
                        .map(|a| (noon(first_visit.unwrap_or(options.today)), a)),
                });
            } else {
                checked.reports.push(RowReport {
                    line: *line,
                    name,
                    phone,
                    status: Status::Problem,
                    problems: refused,
                    existing_id: None,
                });
                continue;
            }
        }
        checked.reports.push(RowReport {
            line: *line,
            name,
            phone,
            status,
            problems,
            existing_id: in_book.cloned().filter(|_| status == Status::InBook),
        });
    }
    checked
}

/// The id of the visit that carries an imported customer's spend so far.
pub fn spend_visit_id(customer_id: &str) -> String {
    Uuid::new_v5(&NAMESPACE, format!("{customer_id}\nspend").as_bytes()).to_string()
}

/// A day and time (noon without one) in the organisation's time zone, as RFC 3339.
fn local_time(day: NaiveDate, time: Option<NaiveTime>, offset: i32) -> String {
    let time = time.unwrap_or(NaiveTime::from_hms_opt(12, 0, 0).unwrap_or_default());
    let hours = offset / 60;
    let minutes = (offset % 60).abs();
    let sign = if offset < 0 { '-' } else { '+' };
    format!(
        "{day}T{}{sign}{:02}:{minutes:02}",
        time.format("%H:%M:%S"),
        hours.abs()
    )
}

/// A visit's day and, when the cell has one, its time (`2024-03-08 19:30`, `2024/3/8`,
/// `2024年3月8日 晚上7:30` reads the day only when the time is not `HH:MM`).
///
/// ```
/// use huitou_server::import::rows::visit_when;
/// use chrono::{NaiveDate, NaiveTime};
/// let day = NaiveDate::from_ymd_opt(2024, 3, 8).unwrap();
/// assert_eq!(visit_when("2024-03-08 19:30"), Some((day, NaiveTime::from_hms_opt(19, 30, 0))));
/// assert_eq!(visit_when("2024年3月8日"), Some((day, None)));
/// assert_eq!(visit_when("3月8日"), None);
/// assert_eq!(visit_when("2024-03-08 25:10"), None);
/// ```
pub fn visit_when(text: &str) -> Option<(NaiveDate, Option<NaiveTime>)> {
    let text = text.trim();
    let (date, time) = match text.split_once([' ', 'T']) {
        Some((date, rest)) if rest.contains(':') => (date, Some(rest.trim())),
        _ => (text, None),
    };
    let day = full_date(date)?;
    let time = match time {
        None => None,
        Some(time) => Some(
            NaiveTime::parse_from_str(time, "%H:%M:%S")
                .or_else(|_| NaiveTime::parse_from_str(time, "%H:%M"))
                .ok()?,
        ),
    };
    Some((day, time))
}

/// The dry run of a sheet of visits: each row names its customer by phone (else by a name no
/// other customer has), a day in the past and an amount; a party size and notes may follow.
/// Visit ids derive from the customer, the time, the amount and how many such rows came
/// before, so the same sheet imported twice adds nothing.
pub fn check_visits(
    sheet: &Sheet,
    mapping: &[Target],
    existing: &Existing,
    options: &Options<'_>,
) -> CheckedVisits {
    let mut checked = CheckedVisits::default();
    let mut repeats: HashMap<String, usize> = HashMap::new();
    for (line, cells) in &sheet.rows {
        let mut problems = Vec::new();
        let (mut name, mut phone, mut normalised) = (String::new(), String::new(), String::new());
        let mut when = None;
        let mut spend = None;
        let mut extra: Vec<(String, Value)> = Vec::new();
        for (target, header, cell) in filled(mapping, &sheet.headers, cells) {
            match target {
                Target::Name => name = cell.to_owned(),
                Target::Phone => match read_phone(cell, header) {
                    Ok((written, digits)) => (phone, normalised) = (written, digits),
                    Err(bad) => problems.push(bad),
                },
                Target::VisitDate | Target::FirstVisit => match visit_when(cell) {
                    Some((day, time)) if day <= options.today => when = Some((day, time)),
                    _ => problems.push(Problem::at(Code::BadDate, header, cell)),
                },
                Target::Amount | Target::TotalSpend => match amount(cell) {
                    Some(a) => spend = Some(a),
                    None => problems.push(Problem::at(Code::BadAmount, header, cell)),
                },
                Target::PartySize => match cell.trim_end_matches('人').trim().parse::<u32>() {
                    Ok(n) if (1..=1000).contains(&n) => extra.push(("party_size".into(), json!(n))),
                    _ => problems.push(Problem::at(Code::BadValue, header, cell)),
                },
                Target::Notes => extra.push(("note".into(), json!(cell))),
                _ => {}
            }
        }
        if when.is_none() && !problems.iter().any(|p| p.code == Code::BadDate) {
            problems.push(Problem {
                code: Code::BadDate,
                column: None,
                value: String::new(),
                other_line: None,
            });
        }
        if spend.is_none() && !problems.iter().any(|p| p.code == Code::BadAmount) {
            problems.push(Problem {
                code: Code::BadAmount,
                column: None,
                value: String::new(),
                other_line: None,
            });
        }
        let customer = if !phone.is_empty() {
            existing.phones.get(&normalised)
        } else {
            None
        }
        .or_else(|| {
            (!name.is_empty() && !existing.shared_names.contains(&name))
                .then(|| existing.names.get(&name))
                .flatten()
        });
        if customer.is_none() && problems.iter().all(|p| p.code != Code::BadPhone) {
            let shared = phone.is_empty() && existing.shared_names.contains(&name);
            problems.push(Problem {
                code: if shared {
                    Code::AmbiguousName
                } else {
                    Code::NoCustomer
                },
                column: None,
                value: if phone.is_empty() {
                    name.clone()
                } else {
                    phone.clone()
                },
                other_line: None,
            });
        }
        let shown_name = customer
            .and_then(|id| existing.names_by_id.get(id))
            .cloned()
            .unwrap_or(name);
        let (Some(customer), Some((day, time)), Some(spend), true) =
            (customer, when, spend, problems.is_empty())
        else {
            checked.reports.push(RowReport {
                line: *line,
                name: shown_name,
                phone,
                status: Status::Problem,
                problems,
                existing_id: None,
            });
            continue;
        };
        let at = local_time(day, time, options.utc_offset_minutes);
        let key = format!("{customer}\n{at}\n{spend}");
        let nth = repeats.entry(key.clone()).or_default();
        *nth += 1;
        let id = Uuid::new_v5(
            &NAMESPACE,
            format!("{}\nvisit\n{key}\n{nth}", options.org_id).as_bytes(),
        )
        .to_string();
        let status = if existing.visits.contains(&id) {
            Status::InBook
        } else {
            Status::New
        };
        if status == Status::New {
            let mut fields = vec![
                ("customer_id".to_owned(), json!(customer)),
                ("at".to_owned(), json!(at)),
                ("amount".to_owned(), json!(spend)),
            ];
            fields.extend(extra);
            checked.visits.push(NewVisit {
                line: *line,
                id: id.clone(),
                customer_id: customer.clone(),
                fields,
            });
        }
        checked.reports.push(RowReport {
            line: *line,
            name: shown_name,
            phone,
            status,
            problems,
            existing_id: (status == Status::InBook).then_some(id),
        });
    }
    checked
}
