//! Import of an existing customer book (PRODUCT §11, issue 12): a CSV (UTF-8 with or without a
//! byte-order mark, or GBK/GB18030 as Chinese Excel writes it), an xlsx workbook or a vCard file
//! from a phone, read on the server so the tablets' wasm carries none of it.
//!
//! 1. [`read`] turns the file into [`Sheet`]s of text cells (the header row found among the
//!    first rows: the one whose cells name the most known columns, so a merged title row above
//!    it is skipped);
//! 2. [`mapping::guess`] maps each column to a customer field from common Chinese and English
//!    headers; the manager may change it. A sheet with a column of days and one of amounts
//!    holds visits ([`mapping::Holds`]): a second sheet or file of history, each row naming its
//!    customer by phone or name, so tiers and lifetime value are right from day one;
//! 3. [`rows::check`] (customers) or [`rows::check_visits`] reads every row against the mapping
//!    and the book: the fields to write and the problems (no name, a bad phone, a date it
//!    cannot read, a duplicate of a customer already in the book or of another row, a visit
//!    whose customer is not in the book) — the dry run;
//! 4. the import route writes the good rows as ordinary synced changes in **one** push, so an
//!    import is all or nothing; customer ids derive from the organisation and the phone (or the
//!    name), visit ids from the customer, time and amount, so importing the same file twice
//!    creates nothing new.

pub mod mapping;
pub mod rows;
pub mod vcard;

use calamine::{Data, Reader};
use serde::{Deserialize, Serialize};

/// Rows an import may hold.
pub const MAX_ROWS: usize = 20_000;

/// A table of text cells: the header row and the data rows (blank rows left out), each data
/// row with its line number in the file (1-based, as a spreadsheet shows it).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Sheet {
    pub name: String,
    pub headers: Vec<String>,
    pub rows: Vec<(usize, Vec<String>)>,
}

/// Why a file cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("the file is empty")]
    Empty,
    #[error("not a workbook we can read: {0}")]
    Workbook(String),
    #[error("not a CSV file we can read: {0}")]
    Csv(String),
    #[error("the file has more than {MAX_ROWS} rows")]
    TooLong,
}

/// The sheets of a file, by its content (an xlsx is a zip file; a vCard starts with
/// `BEGIN:VCARD`; anything else is read as CSV).
pub fn read(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(ReadError::Empty);
    }
    let sheets = if bytes.starts_with(b"PK\x03\x04") {
        workbook(bytes)?
    } else {
        let text = decode(bytes);
        if text
            .trim_start()
            .to_ascii_uppercase()
            .starts_with("BEGIN:VCARD")
        {
            vec![vcard::sheet(&text)]
        } else {
            vec![csv_sheet(&text)?]
        }
    };
    if sheets.iter().any(|s| s.rows.len() > MAX_ROWS) {
        return Err(ReadError::TooLong);
    }
    Ok(sheets)
}

/// Text of a file: UTF-8 (its byte-order mark dropped) when it is valid UTF-8, else GB18030
/// (the superset of GBK that Chinese Excel writes).
pub fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn csv_sheet(text: &str) -> Result<Sheet, ReadError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut lines = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let record = record.map_err(|e| ReadError::Csv(e.to_string()))?;
        lines.push((n + 1, record.iter().map(|c| c.trim().to_owned()).collect()));
        if lines.len() > MAX_ROWS + 10 {
            return Err(ReadError::TooLong);
        }
    }
    Ok(with_header("CSV", lines))
}

fn workbook(bytes: &[u8]) -> Result<Vec<Sheet>, ReadError> {
    let mut book = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes.to_vec()))
        .map_err(|e| ReadError::Workbook(e.to_string()))?;
    let mut sheets = Vec::new();
    for name in book.sheet_names() {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| ReadError::Workbook(e.to_string()))?;
        let first_row = range.start().map_or(0, |(row, _)| row as usize);
        let lines: Vec<(usize, Vec<String>)> = range
            .rows()
            .enumerate()
            .map(|(n, row)| (first_row + n + 1, row.iter().map(cell_text).collect()))
            .collect();
        sheets.push(with_header(&name, lines));
    }
    Ok(sheets)
}

/// A workbook cell as text: dates as `YYYY-MM-DD` (`YYYY-MM-DD HH:MM` with a time of day),
/// whole numbers without `.0`.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(text) | Data::DateTimeIso(text) | Data::DurationIso(text) => {
            text.trim().to_owned()
        }
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(date) => date
            .as_datetime()
            .map(|d| {
                if d.time() == chrono::NaiveTime::MIN {
                    d.date().to_string()
                } else {
                    d.format("%Y-%m-%d %H:%M").to_string()
                }
            })
            .unwrap_or_else(|| date.as_f64().to_string()),
    }
}

/// Picks the header row among the first ten: the one naming the most known columns (the first
/// non-blank row when none does); the rows after it are the data. A blank header cell (the rest
/// of a merged cell) takes its left neighbour's name with a number.
fn with_header(name: &str, lines: Vec<(usize, Vec<String>)>) -> Sheet {
    let lines: Vec<(usize, Vec<String>)> = lines
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect();
    let known = |cells: &[String]| {
        cells
            .iter()
            .filter(|c| mapping::guess(c) != mapping::Target::Ignore)
            .count()
    };
    let header_at = lines
        .iter()
        .take(10)
        .enumerate()
        .max_by_key(|(i, (_, cells))| (known(cells), std::cmp::Reverse(*i)))
        .map_or(0, |(i, _)| i);
    let mut lines = lines.into_iter().skip(header_at);
    let Some((_, mut headers)) = lines.next() else {
        return Sheet {
            name: name.to_owned(),
            ..Sheet::default()
        };
    };
    for i in 1..headers.len() {
        if headers[i].is_empty() && !headers[i - 1].is_empty() {
            let left = headers[i - 1].trim_end_matches(|c: char| c.is_ascii_digit() || c == ' ');
            headers[i] = format!("{left} {}", i + 1);
        }
    }
    let width = headers.len();
    let rows = lines
        .map(|(line, mut cells)| {
            cells.resize(width.max(cells.len()), String::new());
            (line, cells)
        })
        .collect();
    Sheet {
        name: name.to_owned(),
        headers,
        rows,
    }
}
