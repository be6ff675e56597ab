//! In-memory customer search for the "find a customer in a keystroke" box (PRODUCT §3).
//!
//! [`CustomerIndex`] precomputes, per customer, everything a query compares against — lower-case
//! name, pinyin initials, phone digits, company, tags — and keeps customers sorted most recent
//! first, so a keystroke is one linear scan of plain `str::contains` calls that stops at `limit`
//! (10,000 customers: see `benches/search.rs`).
//!
//! A query is split on white space and every term must match one of: the name (substring), the
//! pinyin initials (`wxm`, `xm`), the company, a tag, or — for a term of phone characters with at
//! least 3 digits — the phone digits.
//!
//! ```
//! use huitou_shared::{Change, Record};
//! use huitou_shared::customer::search::{CustomerIndex, Filter};
//! let mut wang = Record::default();
//! wang.apply(&Change::new("customer", "c1", "name", "王小明".into(), "001764072000001:00000:deviceAA"));
//! wang.apply(&Change::new("customer", "c1", "phone", "138 0013 8000".into(), "001764072000002:00000:deviceAA"));
//! let index = CustomerIndex::build([("c1", &wang, "2026-01-05")]);
//! assert_eq!(index.search("wxm", &Filter::default(), 10), vec!["c1"]);
//! assert_eq!(index.search("0013", &Filter::default(), 10), vec!["c1"]);
//! assert!(index.search("李", &Filter::default(), 10).is_empty());
//! ```

use super::duplicates::normalise_phone;
use super::pinyin;
use crate::Record;
use serde_json::Value;
use std::cmp::Ordering;

/// Narrows a search to customers with all of the given values (`None` = any).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// A tag the customer has (`tag:<name>` = true), compared ignoring case.
    pub tag: Option<String>,
    pub stage: Option<String>,
    /// The owner's user id.
    pub owner: Option<String>,
    /// The `tier` field, when the customer has one.
    pub tier: Option<String>,
}

/// One customer as the index compares it.
#[derive(Clone, Debug)]
struct Entry {
    id: String,
    recency: String,
    name: String,
    name_lower: String,
    initials: String,
    /// Every phone's digits, separated by spaces so no match spans two numbers.
    phone_digits: String,
    company_lower: String,
    /// Lower-case tags, one per item.
    tags_lower: Vec<String>,
    stage: Option<String>,
    owner: Option<String>,
    tier: Option<String>,
}

impl Entry {
    fn new(id: &str, record: &Record, recency: &str) -> Self {
        let name = record.text("name").unwrap_or_default().trim().to_owned();
        let phone_digits = match record.value("phone") {
            Some(Value::String(text)) => normalise_phone(text),
            Some(Value::Array(items)) => items
                .iter()
                .filter_map(Value::as_str)
                .map(normalise_phone)
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        };
        let owned_text = |field: &str| record.text(field).map(str::to_owned);
        Self {
            id: id.to_owned(),
            recency: recency.to_owned(),
            name_lower: name.to_lowercase(),
            initials: pinyin::initials(&name),
            name,
            phone_digits,
            company_lower: record.text("company").unwrap_or_default().to_lowercase(),
            tags_lower: record
                .members("tag")
                .into_iter()
                .map(str::to_lowercase)
                .collect(),
            stage: owned_text("stage"),
            owner: owned_text("owner"),
            tier: owned_text("tier"),
        }
    }

    /// Most recent first, then by name, then by id so the order is total.
    fn order(&self, other: &Self) -> Ordering {
        other
            .recency
            .cmp(&self.recency)
            .then_with(|| self.name.cmp(&other.name))
            .then_with(|| self.id.cmp(&other.id))
    }

    fn passes(&self, filter: &PreparedFilter) -> bool {
        let same = |wanted: &Option<String>, value: &Option<String>| {
            wanted.is_none() || wanted.as_deref() == value.as_deref()
        };
        filter
            .tag_lower
            .as_ref()
            .is_none_or(|tag| self.tags_lower.iter().any(|own| own == tag))
            && same(&filter.stage, &self.stage)
            && same(&filter.owner, &self.owner)
            && same(&filter.tier, &self.tier)
    }

    fn matches(&self, term: &Term) -> bool {
        self.name_lower.contains(&term.text)
            || (term.is_initials && self.initials.contains(&term.text))
            || term
                .phone_digits
                .as_ref()
                .is_some_and(|digits| self.phone_digits.contains(digits.as_str()))
            || self.company_lower.contains(&term.text)
            || self.tags_lower.iter().any(|tag| tag.contains(&term.text))
    }
}

/// The filter with its tag lower-cased once per search rather than once per customer.
struct PreparedFilter {
    tag_lower: Option<String>,
    stage: Option<String>,
    owner: Option<String>,
    tier: Option<String>,
}

/// One white-space-separated piece of a query, prepared once per search.
struct Term {
    text: String,
    /// Only ASCII letters and digits: may be typed pinyin initials.
    is_initials: bool,
    /// The digits, when the term looks like (part of) a phone number with at least 3 of them.
    phone_digits: Option<String>,
}

/// Fewest digits that make a query term search phone numbers (fewer match nearly everyone).
const MIN_PHONE_QUERY_DIGITS: usize = 3;

impl Term {
    fn new(text: &str) -> Self {
        let text = text.to_lowercase();
        let digits: String = text.chars().filter(char::is_ascii_digit).collect();
        let looks_like_phone = text
            .chars()
            .all(|ch| ch.is_ascii_digit() || matches!(ch, '+' | '-' | '(' | ')'));
        Self {
            is_initials: text.chars().all(|ch| ch.is_ascii_alphanumeric()),
            phone_digits: (looks_like_phone && digits.len() >= MIN_PHONE_QUERY_DIGITS)
                .then_some(digits),
            text,
        }
    }
}

/// What changed about one customer, for [`CustomerIndex::update_with`].
#[derive(Clone, Copy, Debug)]
pub enum Update<'a> {
    /// The customer record changed (or is new): its entry is made again. With its recency.
    Record(&'a Record, &'a str),
    /// Only its recency may have moved (a visit arrived); the record is as last indexed.
    Recency(&'a Record, &'a str),
    /// Forgotten (revoked, or gone from the device).
    Gone,
}

/// Customers ready to be searched; rebuild it or [`upsert`](Self::upsert) as records change.
#[derive(Clone, Debug, Default)]
pub struct CustomerIndex {
    /// Sorted by [`Entry::order`].
    entries: Vec<Entry>,
}

impl CustomerIndex {
    /// Indexes customers given as `(id, record, recency key)`, where a larger recency key
    /// (e.g. the last visit's date or the record's last HLC) is more recent. Customers in the
    /// trash are left out.
    pub fn build<'a>(customers: impl IntoIterator<Item = (&'a str, &'a Record, &'a str)>) -> Self {
        let mut entries: Vec<Entry> = customers
            .into_iter()
            .filter(|(_, record, _)| !record.is_deleted())
            .map(|(id, record, recency)| Entry::new(id, record, recency))
            .collect();
        entries.sort_unstable_by(Entry::order);
        Self { entries }
    }

    /// Adds or replaces one customer (or removes it when it is in the trash).
    pub fn upsert(&mut self, id: &str, record: &Record, recency: &str) {
        self.remove(id);
        if record.is_deleted() {
            return;
        }
        let entry = Entry::new(id, record, recency);
        let position = self
            .entries
            .partition_point(|other| other.order(&entry) == Ordering::Less);
        self.entries.insert(position, entry);
    }

    /// Adds, replaces or (with `None`, or a record in the trash) forgets several customers in
    /// one pass over the index: what a pulled page of hundreds of customers needs, where one
    /// [`upsert`](Self::upsert) each would go over the whole index for each.
    pub fn update<'a>(
        &mut self,
        changed: impl IntoIterator<Item = (&'a str, Option<(&'a Record, &'a str)>)>,
    ) {
        self.update_with(changed.into_iter().map(|(id, customer)| {
            let update = match customer {
                Some((record, recency)) => Update::Record(record, recency),
                None => Update::Gone,
            };
            (id, update)
        }));
    }

    /// [`update`](Self::update), told for each customer what changed: a customer whose record
    /// is as last indexed and only got a visit ([`Update::Recency`]) keeps its entry and only
    /// moves, which is most of a first sync's pages (visits by the thousand).
    pub fn update_with<'a>(&mut self, changed: impl IntoIterator<Item = (&'a str, Update<'a>)>) {
        let changed: Vec<(&str, Update<'_>)> = changed.into_iter().collect();
        if changed.is_empty() {
            return;
        }
        let ids: std::collections::HashSet<&str> = changed.iter().map(|(id, _)| *id).collect();
        let mut taken: std::collections::HashMap<String, Entry> = self
            .entries
            .extract_if(.., |entry| ids.contains(entry.id.as_str()))
            .map(|entry| (entry.id.clone(), entry))
            .collect();
        let mut fresh: Vec<Entry> = changed
            .into_iter()
            .filter_map(|(id, update)| match update {
                Update::Gone => None,
                Update::Recency(record, recency) => match taken.remove(id) {
                    Some(mut entry) => {
                        recency.clone_into(&mut entry.recency);
                        Some(entry)
                    }
                    None => (!record.is_deleted()).then(|| Entry::new(id, record, recency)),
                },
                Update::Record(record, recency) => {
                    (!record.is_deleted()).then(|| Entry::new(id, record, recency))
                }
            })
            .collect();
        if fresh.len() <= 8 {
            for entry in fresh {
                let position = self
                    .entries
                    .partition_point(|other| other.order(&entry) == Ordering::Less);
                self.entries.insert(position, entry);
            }
            return;
        }
        fresh.sort_unstable_by(Entry::order);
        let old = std::mem::take(&mut self.entries);
        self.entries.reserve(old.len() + fresh.len());
        let (mut old, mut fresh) = (old.into_iter().peekable(), fresh.into_iter().peekable());
        loop {
            let take_old = match (old.peek(), fresh.peek()) {
                (Some(a), Some(b)) => a.order(b) != Ordering::Greater,
                (Some(_), None) => true,
                (None, Some(_)) => false,
                (None, None) => break,
            };
            let next = if take_old { old.next() } else { fresh.next() };
            self.entries.extend(next);
        }
    }

    /// Forgets one customer.
    pub fn remove(&mut self, id: &str) {
        self.entries.retain(|entry| entry.id != id);
    }

    /// Number of customers indexed.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Ids of up to `limit` customers passing `filter` and matching every term of `query`, most
    /// recent first (ties by name); an empty query lists every customer passing the filter.
    pub fn search(&self, query: &str, filter: &Filter, limit: usize) -> Vec<String> {
        let terms: Vec<Term> = query.split_whitespace().map(Term::new).collect();
        let filter = PreparedFilter {
            tag_lower: filter.tag.as_deref().map(str::to_lowercase),
            stage: filter.stage.clone(),
            owner: filter.owner.clone(),
            tier: filter.tier.clone(),
        };
        self.entries
            .iter()
            .filter(|entry| entry.passes(&filter))
            .filter(|entry| terms.iter().all(|term| entry.matches(term)))
            .take(limit)
            .map(|entry| entry.id.clone())
            .collect()
    }
}
