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
    /// Every tier, best first.
    pub const ALL: [Tier; 6] = [
        Tier::A,
        Tier::B,
        Tier::C,
        Tier::Potential,
        Tier::Regular,
        Tier::New,
    ];

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
    /// A rule for `tier` with no criteria yet (never reached until one is set).
    pub fn new(tier: Tier) -> Self {
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

impl RuleSet {
    /// A shop selling goods (clothes, tea, wine): fewer, larger purchases, so a 180-day window
    /// and a 60-day observation period. A: ¥3,000 a month or 5 referrals; B: ¥1,500, 4 visits or
    /// 2 referrals; C: ¥500, 2 visits or 1 referral.
    pub fn retail() -> Self {
        let rule = |tier, spend, visits: Option<f64>, referrals| TierRule {
            min_monthly_spend: Some(spend),
            min_visits_per_month: visits,
            min_referrals_per_month: Some(referrals),
            ..TierRule::new(tier)
        };
        Self {
            name: "retail".into(),
            window_days: 180,
            observation_days: 60,
            combinator: Combinator::Any,
            tiers: vec![
                rule(Tier::A, 3000.0, None, 5.0),
                rule(Tier::B, 1500.0, Some(4.0), 2.0),
                rule(Tier::C, 500.0, Some(2.0), 1.0),
            ],
        }
    }

    /// Business clients (B2B): monthly order value over a 90-day window, 90-day observation.
    /// A: ¥100,000 a month or 2 referrals; B: ¥30,000 or 1 referral; C: ¥10,000.
    pub fn b2b() -> Self {
        let rule = |tier, spend, referrals: Option<f64>| TierRule {
            min_monthly_spend: Some(spend),
            min_referrals_per_month: referrals,
            ..TierRule::new(tier)
        };
        Self {
            name: "B2B".into(),
            window_days: 90,
            observation_days: 90,
            combinator: Combinator::Any,
            tiers: vec![
                rule(Tier::A, 100_000.0, Some(2.0)),
                rule(Tier::B, 30_000.0, Some(1.0)),
                rule(Tier::C, 10_000.0, None),
            ],
        }
    }

    /// The presets a manager starts from: restaurant (the default), retail and B2B.
    pub fn presets() -> Vec<Self> {
        vec![Self::restaurant_default(), Self::retail(), Self::b2b()]
    }

    /// Checks the limits a manager's edit must keep: a name, a window of 1–730 days, an
    /// observation period of 0–365 days and thresholds that are finite and not negative.
    pub fn check(&self) -> Result<(), String> {
        if self.name.trim().is_empty() {
            return Err("a rule set needs a name".into());
        }
        if !(1..=730).contains(&self.window_days) {
            return Err(format!("window_days {} must be 1–730", self.window_days));
        }
        if self.observation_days > 365 {
            return Err(format!(
                "observation_days {} must be 0–365",
                self.observation_days
            ));
        }
        for rule in &self.tiers {
            let thresholds = [
                rule.min_monthly_spend,
                rule.min_visits_per_month,
                rule.min_referrals_per_month,
                rule.min_suggestions_per_month,
            ];
            if thresholds
                .into_iter()
                .flatten()
                .any(|t| !t.is_finite() || t < 0.0)
            {
                return Err(format!(
                    "tier {} has a threshold below 0",
                    rule.tier.as_str()
                ));
            }
        }
        Ok(())
    }

    /// Reads a synced `rule_set` record (fields `name`, `window_days`, `observation_days`,
    /// `combinator`, `tiers`); `None` when it is in the trash or does not make a valid set.
    pub fn from_record(record: &Record) -> Option<Self> {
        if record.is_deleted() {
            return None;
        }
        let number = |field| {
            record
                .value(field)
                .and_then(Value::as_u64)
                .and_then(|n| u32::try_from(n).ok())
        };
        let set = Self {
            name: record.text("name")?.to_owned(),
            window_days: number("window_days")?,
            observation_days: number("observation_days")?,
            combinator: record
                .value("combinator")
                .and_then(|c| serde_json::from_value(c.clone()).ok())
                .unwrap_or_default(),
            tiers: serde_json::from_value(record.value("tiers")?.clone()).ok()?,
        };
        set.check().ok().map(|()| set)
    }

    /// The fields to write for a `rule_set` record holding this set.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("name", Value::from(self.name.as_str())),
            ("window_days", Value::from(self.window_days)),
            ("observation_days", Value::from(self.observation_days)),
            (
                "combinator",
                serde_json::to_value(self.combinator).unwrap_or(Value::Null),
            ),
            (
                "tiers",
                serde_json::to_value(&self.tiers).unwrap_or(Value::Null),
            ),
        ]
    }
}

/// The organisation's active rule set among its `rule_set` records: the valid one with the
/// latest `activated_at` (RFC 3339 or epoch milliseconds, compared as written), ties broken by
/// the greater id, so every device and the server pick the same one. `None` when no record is
/// active, and the caller uses [`RuleSet::restaurant_default`].
///
/// Activating a set is one field write, so two managers activating different sets offline
/// converge on the later activation instead of ending with two active sets.
///
/// ```
/// use huitou_shared::{Change, Record};
/// use huitou_shared::retention::{active_rule_set, RuleSet};
/// let record = |set: RuleSet, activated: &str| {
///     let mut record = Record::default();
///     for (field, value) in set.fields() {
///         record.apply(&Change::new("rule_set", "r", field, value, "001764072000000:00000:deviceAA"));
///     }
///     record.apply(&Change::new("rule_set", "r", "activated_at", activated.into(), "001764072000000:00000:deviceAA"));
///     record
/// };
/// let retail = record(RuleSet::retail(), "2026-11-02T09:00:00Z");
/// let b2b = record(RuleSet::b2b(), "2026-11-01T09:00:00Z");
/// let (id, set) = active_rule_set([("r1", &retail), ("r2", &b2b)]).unwrap();
/// assert_eq!((id, set.name.as_str()), ("r1", "retail"));
/// assert!(active_rule_set(std::iter::empty()).is_none());
/// ```
pub fn active_rule_set<'a>(
    records: impl IntoIterator<Item = (&'a str, &'a Record)>,
) -> Option<(&'a str, RuleSet)> {
    records
        .into_iter()
        .filter_map(|(id, record)| {
            let activated = record.value("activated_at").filter(|v| !v.is_null())?;
            let key = match activated {
                Value::Number(n) => format!("{:020}", n.as_u64()?),
                Value::String(text) => chrono::DateTime::parse_from_rfc3339(text)
                    .ok()
                    .and_then(|at| u64::try_from(at.timestamp_millis()).ok())
                    .map(|ms| format!("{ms:020}"))?,
                _ => return None,
            };
            Some((key, id, record))
        })
        .filter_map(|(key, id, record)| Some((key, id, RuleSet::from_record(record)?)))
        .max_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)))
        .map(|(_, id, set)| (id, set))
}

/// One change of a customer's tier over time.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TierChange {
    /// The first day the customer was in `tier`.
    pub from: NaiveDate,
    pub tier: Tier,
    pub reason: String,
}

/// The customer's tier history from `start` to `end`, evaluated every `step_days` and on `end`:
/// the first entry is the tier on `start`, then one entry each time the tier changes, with the
/// reason it was given. Computed from the records, so every device shows the same history and
/// a rule-set change re-tells it consistently.
pub fn tier_history(
    customer: &Record,
    history: &History<'_>,
    start: NaiveDate,
    end: NaiveDate,
    step_days: u64,
    rules: &RuleSet,
) -> Vec<TierChange> {
    let mut changes: Vec<TierChange> = Vec::new();
    let mut day = start;
    loop {
        let day_history = history.as_of(day);
        let result = tier(customer, &day_history, day, rules);
        if changes.last().is_none_or(|last| last.tier != result.tier) {
            changes.push(TierChange {
                from: day,
                tier: result.tier,
                reason: result.reason,
            });
        }
        if day >= end {
            break;
        }
        day = day
            .checked_add_days(chrono::Days::new(step_days.max(1)))
            .map_or(end, |next| next.min(end));
    }
    changes
}

/// How many customers a rule-set edit would move: the preview a manager sees before saving.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TierShift {
    /// Customers whose tier would change.
    pub changed: usize,
    /// Customers per tier under the current set, then under the proposed one.
    pub before: std::collections::BTreeMap<Tier, usize>,
    pub after: std::collections::BTreeMap<Tier, usize>,
}

/// Compares the tiers of `population` (customer, their history) on `day` under `current` and
/// `proposed`.
pub fn preview<'a>(
    population: impl IntoIterator<Item = (&'a Record, History<'a>)>,
    day: NaiveDate,
    current: &RuleSet,
    proposed: &RuleSet,
) -> TierShift {
    let mut shift = TierShift::default();
    for (customer, history) in population {
        if customer.is_deleted() {
            continue;
        }
        let before = tier(customer, &history, day, current).tier;
        let after = tier(customer, &history, day, proposed).tier;
        *shift.before.entry(before).or_default() += 1;
        *shift.after.entry(after).or_default() += 1;
        if before != after {
            shift.changed += 1;
        }
    }
    shift
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
    TierFacts::of_history(history).metrics(day, window_days)
}

/// What the tier rules read about one customer, parsed once: the days (and amounts) of the
/// dated records not in the trash, sorted, the creation day, the tags and a manager's override.
/// [`tier`] builds it for one call; a report that tiers the same customer on many days builds it
/// once and calls [`tier_of`] (records without a readable `at` count in no window, as before).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct TierFacts<'a> {
    /// `(day, amount)` of the visits, oldest first.
    pub visits: Vec<(NaiveDate, f64)>,
    pub referrals: Vec<NaiveDate>,
    pub suggestions: Vec<NaiveDate>,
    pub created: Option<NaiveDate>,
    pub tags: Vec<&'a str>,
    pub manual: Option<(Tier, String)>,
}

impl<'a> TierFacts<'a> {
    pub fn of(customer: &'a Record, history: &History<'_>) -> TierFacts<'a> {
        TierFacts {
            created: day_of(customer, "created_at"),
            tags: customer.members("tag"),
            manual: manual_override(customer),
            ..TierFacts::of_history(history)
        }
    }

    fn of_history(history: &History<'_>) -> TierFacts<'a> {
        let days = |records: &[&Record]| -> Vec<NaiveDate> {
            let mut days: Vec<NaiveDate> = records
                .iter()
                .filter(|r| !r.is_deleted())
                .filter_map(|r| day_of(r, "at"))
                .collect();
            days.sort_unstable();
            days
        };
        let mut visits: Vec<(NaiveDate, f64)> = history
            .visits
            .iter()
            .filter(|v| !v.is_deleted())
            .filter_map(|v| {
                let amount = v.value("amount").and_then(Value::as_f64).unwrap_or(0.0);
                Some((day_of(v, "at")?, amount))
            })
            .collect();
        visits.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
        TierFacts {
            visits,
            referrals: days(&history.referrals),
            suggestions: days(&history.suggestions),
            ..TierFacts::default()
        }
    }

    /// Monthly averages over the `window_days` ending with `day`.
    pub fn metrics(&self, day: NaiveDate, window_days: u32) -> Metrics {
        let first = day - chrono::Days::new(u64::from(window_days.max(1)) - 1);
        let months = f64::from(window_days.max(1)) / 30.0;
        let span = |days: &[NaiveDate]| {
            days.partition_point(|d| *d <= day) - days.partition_point(|d| *d < first)
        };
        let visits = &self.visits[self.visits.partition_point(|v| v.0 < first)
            ..self.visits.partition_point(|v| v.0 <= day)];
        let spend: f64 = visits.iter().map(|v| v.1).sum();
        Metrics {
            avg_monthly_spend: spend / months,
            visits_per_month: visits.len() as f64 / months,
            referrals_per_month: span(&self.referrals) as f64 / months,
            suggestions_per_month: span(&self.suggestions) as f64 / months,
        }
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
    tier_of(&TierFacts::of(customer, history), day, rules)
}

/// [`tier`] over facts parsed once.
pub fn tier_of(facts: &TierFacts<'_>, day: NaiveDate, rules: &RuleSet) -> TierResult {
    let metrics = facts.metrics(day, rules.window_days);
    let result = |tier, reason| TierResult {
        tier,
        reason,
        metrics,
    };
    if let Some((tier, reason)) = &facts.manual {
        return result(*tier, reason.clone());
    }
    let first_visit = facts.visits.first().map(|v| v.0).filter(|d| *d <= day);
    let created = facts.created.filter(|d| *d <= day);
    let start = match (first_visit, created) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    };
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
    for rule in &rules.tiers {
        if let Some(reason) = reached(rule, rules.combinator, &metrics, &facts.tags) {
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
