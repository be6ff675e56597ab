//! Tiers A, B, C, Potential, Regular and New (PRODUCT §5) from a customer's records and a rule set.
//!
//! How a tier is decided, in this order:
//! 1. A manual override (customer field `tier_override` = `{"tier": "A", "reason": "..."}`)
//!    wins, with its reason.
//! 2. A customer whose history (from the earlier of the first visit and `created_at`) is
//!    shorter than `observation_days` stays [`Tier::New`].
//! 3. Otherwise the rules are tried in the order listed (highest tier first); the first one
//!    reached wins. A rule is reached when ANY (or, with [`Combinator::All`], every) one of its
//!    criteria holds; a rule without criteria is never reached.
//! 4. No rule reached: [`Tier::Regular`].
//!
//! Metrics are monthly averages over the trailing window of `window_days` days ending on the
//! day asked about (that day included): `window total / (window_days / 30)`, as PRODUCT §5
//! says, even for a customer whose history is shorter than the window.
//!
//! Rule sets are data (serde), so a manager's edits sync as a `rule_set` record.
//!
//! ```
//! use huitou_shared::retention::{RuleSet, Tier};
//! let rules = RuleSet::restaurant_default();
//! assert_eq!(rules.tiers[0].tier, Tier::A);
//! assert_eq!(rules.tiers[0].min_monthly_spend, Some(8000.0));
//! let json = serde_json::to_value(&rules).unwrap();
//! assert_eq!(json["combinator"], "any");
//! assert_eq!(serde_json::from_value::<RuleSet>(json).unwrap(), rules);
//! ```

use super::{History, day_of};
use crate::merge::Record;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A customer tier. Serialised as `"A"`, `"B"`, `"C"`, `"potential"`, `"regular"`, `"new"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Tier {
    A,
    B,
    C,
    #[serde(rename = "potential")]
    Potential,
    #[serde(rename = "regular")]
    Regular,
    #[serde(rename = "new")]
    New,
}

impl Tier {
    /// The serialised name.
    pub fn as_str(self) -> &'static str {
        match self {
            Tier::A => "A",
            Tier::B => "B",
            Tier::C => "C",
            Tier::Potential => "potential",
            Tier::Regular => "regular",
            Tier::New => "new",
        }
    }
}

/// How the criteria of one rule combine.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combinator {
    /// Reached when any criterion holds (PRODUCT §5's default).
    #[default]
    Any,
    /// Reached when every criterion holds.
    All,
}

/// The thresholds of one tier; `None` / empty means "not a criterion of this tier".
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierRule {
    pub tier: Tier,
    #[serde(default)]
    pub min_monthly_spend: Option<f64>,
    #[serde(default)]
    pub min_visits_per_month: Option<f64>,
    #[serde(default)]
    pub min_referrals_per_month: Option<f64>,
    #[serde(default)]
    pub min_suggestions_per_month: Option<f64>,
    /// Holds when the customer has any of these tags (`tag:<name>` = true).
    #[serde(default)]
    pub any_tag: Vec<String>,
}

impl TierRule {
    fn new(tier: Tier) -> Self {
        Self {
            tier,
            min_monthly_spend: None,
            min_visits_per_month: None,
            min_referrals_per_month: None,
            min_suggestions_per_month: None,
            any_tag: Vec::new(),
        }
    }
}

/// A named, editable set of tier rules (PRODUCT §5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RuleSet {
    pub name: String,
    /// The trailing window metrics are averaged over.
    pub window_days: u32,
    /// Customers with a shorter history stay [`Tier::New`].
    pub observation_days: u32,
    #[serde(default)]
    pub combinator: Combinator,
    /// Tried in order; the first reached wins, so list the highest tier first.
    pub tiers: Vec<TierRule>,
}

impl RuleSet {
    /// The restaurant rules of seed 004 (PRODUCT §5's table), 90-day window, 30-day observation.
    ///
    /// C's "suggests at visits" is read as at least one suggestion a month. Potential is reached
    /// by the tags 学生/student, 有影响力员工/influential employee, 附近居民/nearby resident and
    /// 政府/村委/government.
    pub fn restaurant_default() -> Self {
        let tags = [
            "学生",
            "student",
            "有影响力员工",
            "influential employee",
            "附近居民",
            "nearby resident",
            "政府",
            "村委",
            "government",
        ];
        Self {
            name: "restaurant".into(),
            window_days: 90,
            observation_days: 30,
            combinator: Combinator::Any,
            tiers: vec![
                TierRule {
                    min_monthly_spend: Some(8000.0),
                    min_referrals_per_month: Some(50.0),
                    min_suggestions_per_month: Some(10.0),
                    ..TierRule::new(Tier::A)
                },
                TierRule {
                    min_monthly_spend: Some(5000.0),
                    min_visits_per_month: Some(8.0),
                    min_referrals_per_month: Some(20.0),
                    min_suggestions_per_month: Some(5.0),
                    ..TierRule::new(Tier::B)
                },
                TierRule {
                    min_monthly_spend: Some(3000.0),
                    min_visits_per_month: Some(6.0),
                    min_referrals_per_month: Some(8.0),
                    min_suggestions_per_month: Some(1.0),
                    ..TierRule::new(Tier::C)
                },
                TierRule {
                    any_tag: tags.iter().map(|tag| (*tag).to_owned()).collect(),
                    ..TierRule::new(Tier::Potential)
                },
            ],
        }
    }
}

/// Monthly averages over the rule set's window.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Metrics {
    pub avg_monthly_spend: f64,
    pub visits_per_month: f64,
    pub referrals_per_month: f64,
    pub suggestions_per_month: f64,
}

/// A tier with the reason it was given, e.g. `avg monthly spend ¥8,450 ≥ ¥8,000`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierResult {
    pub tier: Tier,
    pub reason: String,
    pub metrics: Metrics,
}

/// The metrics of `history` over the window ending with `day`.
pub fn metrics(history: &History<'_>, day: NaiveDate, window_days: u32) -> Metrics {
    let first = day - chrono::Days::new(u64::from(window_days.max(1)) - 1);
    let in_window = |record: &Record| {
        !record.is_deleted() && day_of(record, "at").is_some_and(|at| first <= at && at <= day)
    };
    let months = f64::from(window_days.max(1)) / 30.0;
    let count =
        |records: &[&Record]| records.iter().filter(|r| in_window(r)).count() as f64 / months;
    let spend: f64 = history
        .visits
        .iter()
        .filter(|visit| in_window(visit))
        .map(|visit| visit.value("amount").and_then(Value::as_f64).unwrap_or(0.0))
        .sum();
    Metrics {
        avg_monthly_spend: spend / months,
        visits_per_month: count(&history.visits),
        referrals_per_month: count(&history.referrals),
        suggestions_per_month: count(&history.suggestions),
    }
}

/// The customer's tier as of the end of `day`.
///
/// ```
/// use chrono::NaiveDate;
/// use huitou_shared::{Change, Record};
/// use huitou_shared::retention::{tier, History, RuleSet, Tier};
/// let mut customer = Record::default();
/// customer.apply(&Change::new("customer", "c", "created_at", "2026-03-01T10:00:00+08:00".into(), "001764072000000:00000:deviceAA"));
/// customer.apply(&Change::new("customer", "c", "tag:学生", true.into(), "001764072000001:00000:deviceAA"));
/// let rules = RuleSet::restaurant_default();
/// let early = tier(&customer, &History::default(), NaiveDate::from_ymd_opt(2026, 3, 21).unwrap(), &rules);
/// assert_eq!((early.tier, early.reason.as_str()), (Tier::New, "20 days of history < 30-day observation period"));
/// let later = tier(&customer, &History::default(), NaiveDate::from_ymd_opt(2026, 6, 1).unwrap(), &rules);
/// assert_eq!((later.tier, later.reason.as_str()), (Tier::Potential, "tag 学生"));
/// ```
pub fn tier(
    customer: &Record,
    history: &History<'_>,
    day: NaiveDate,
    rules: &RuleSet,
) -> TierResult {
    let metrics = metrics(history, day, rules.window_days);
    let result = |tier, reason| TierResult {
        tier,
        reason,
        metrics,
    };
    if let Some((tier, reason)) = manual_override(customer) {
        return result(tier, reason);
    }
    let start = history
        .visits
        .iter()
        .filter(|visit| !visit.is_deleted())
        .filter_map(|visit| day_of(visit, "at"))
        .chain(day_of(customer, "created_at"))
        .filter(|&start| start <= day)
        .min();
    let observed = start.map(|start| (day - start).num_days());
    match observed {
        None => return result(Tier::New, "no history yet".into()),
        Some(days) if days < i64::from(rules.observation_days) => {
            let reason = format!(
                "{days} days of history < {}-day observation period",
                rules.observation_days
            );
            return result(Tier::New, reason);
        }
        Some(_) => {}
    }
    let tags = customer.members("tag");
    for rule in &rules.tiers {
        if let Some(reason) = reached(rule, rules.combinator, &metrics, &tags) {
            return result(rule.tier, reason);
        }
    }
    result(Tier::Regular, "no tier criterion met".into())
}

/// The override a manager set by hand, when the field holds a known tier.
fn manual_override(customer: &Record) -> Option<(Tier, String)> {
    let value = customer.value("tier_override")?;
    let tier: Tier = serde_json::from_value(value.get("tier")?.clone()).ok()?;
    let reason = value
        .get("reason")
        .and_then(Value::as_str)
        .filter(|reason| !reason.trim().is_empty())
        .unwrap_or("set by hand");
    Some((tier, reason.to_owned()))
}

/// One criterion of a rule, described only when it is part of a reason.
enum Criterion<'a> {
    Metric {
        label: &'static str,
        value: f64,
        minimum: f64,
        money: bool,
    },
    Tag(Option<&'a str>),
}

impl Criterion<'_> {
    fn holds(&self) -> bool {
        match self {
            Criterion::Metric { value, minimum, .. } => value >= minimum,
            Criterion::Tag(tag) => tag.is_some(),
        }
    }

    fn describe(&self) -> String {
        match self {
            Criterion::Metric {
                label,
                value,
                minimum,
                money,
            } => {
                let unit = if *money { "¥" } else { "" };
                format!(
                    "{label} {unit}{} ≥ {unit}{}",
                    plain_number(*value),
                    plain_number(*minimum)
                )
            }
            Criterion::Tag(tag) => format!("tag {}", tag.unwrap_or_default()),
        }
    }
}

/// The reason `rule` is reached, or `None`.
fn reached(
    rule: &TierRule,
    combinator: Combinator,
    metrics: &Metrics,
    tags: &[&str],
) -> Option<String> {
    let metric = |label, minimum: Option<f64>, value, money| {
        minimum.map(|minimum| Criterion::Metric {
            label,
            value,
            minimum,
            money,
        })
    };
    let tag = (!rule.any_tag.is_empty()).then(|| {
        let found = rule.any_tag.iter().find(|tag| tags.contains(&tag.as_str()));
        Criterion::Tag(found.map(String::as_str))
    });
    let criteria: Vec<Criterion> = [
        metric(
            "avg monthly spend",
            rule.min_monthly_spend,
            metrics.avg_monthly_spend,
            true,
        ),
        metric(
            "visits per month",
            rule.min_visits_per_month,
            metrics.visits_per_month,
            false,
        ),
        metric(
            "referrals per month",
            rule.min_referrals_per_month,
            metrics.referrals_per_month,
            false,
        ),
        metric(
            "suggestions per month",
            rule.min_suggestions_per_month,
            metrics.suggestions_per_month,
            false,
        ),
        tag,
    ]
    .into_iter()
    .flatten()
    .collect();
    let is_reached = match combinator {
        Combinator::Any => criteria.iter().any(Criterion::holds),
        Combinator::All => !criteria.is_empty() && criteria.iter().all(Criterion::holds),
    };
    is_reached.then(|| {
        let reasons: Vec<String> = criteria
            .iter()
            .filter(|criterion| criterion.holds())
            .map(Criterion::describe)
            .collect();
        reasons.join("; ")
    })
}

/// A number for people, without locale: thousands separated by commas, at most one decimal
/// (`8450` → `8,450`, `8.333` → `8.3`).
///
/// ```
/// use huitou_shared::retention::tiering::plain_number;
/// assert_eq!(plain_number(8450.0), "8,450");
/// assert_eq!(plain_number(1234567.25), "1,234,567.3");
/// assert_eq!(plain_number(8.333), "8.3");
/// assert_eq!(plain_number(0.0), "0");
/// ```
pub fn plain_number(value: f64) -> String {
    let tenths = (value.abs() * 10.0).round() as u64;
    let (whole, tenth) = (tenths / 10, tenths % 10);
    let digits = whole.to_string();
    let mut text = String::new();
    if value < 0.0 && tenths > 0 {
        text.push('-');
    }
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            text.push(',');
        }
        text.push(digit);
    }
    if tenth > 0 {
        text.push('.');
        text.push(char::from(b'0' + tenth as u8));
    }
    text
}
