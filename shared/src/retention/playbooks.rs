//! Playbooks (PRODUCT §6, seed 004's 維護方法): what to do for each tier, as data a manager
//! edits, and the dated tasks they generate.
//!
//! A playbook is a list of steps; each step is an [`Action`] with an optional note and, for
//! holiday steps, how many days before the holiday it is due. What a step does follows from
//! its action's [`Trigger`]:
//! - **holiday**: a task due `days_before` each major holiday (or only before `holiday`),
//!   planned by [`playbook_tasks`];
//! - **birthday**: what to do for the birthday (gift, call); the birthday task itself is planned
//!   for every customer by [`super::tasks`];
//! - **visit**: shown when a visit is logged (C's small treat);
//! - **ongoing**: guidance.
//!
//! The visit brief lists every step of the customer's tier, whatever its trigger.
//!
//! Playbooks sync as `playbook` records, one per tier, with the deterministic id
//! [`Playbook::record_id`], so two managers editing the same tier offline edit one record.
//! Without a record the seed's default playbook applies.
//!
//! ```
//! use chrono::NaiveDate;
//! use huitou_shared::Record;
//! use huitou_shared::retention::{Tier, TaskRules};
//! use huitou_shared::retention::playbooks::{Playbook, playbook_tasks};
//! let a = Playbook::default_for(Tier::A);
//! let today = NaiveDate::from_ymd_opt(2026, 9, 18).unwrap(); // Mid-Autumn is 2026-09-25
//! let tasks = playbook_tasks("0193a3c1-0000-7000-8000-000000000001", &Record::default(), Tier::A, &a, today, &TaskRules::default());
//! let due: Vec<String> = tasks.iter().map(|t| format!("{} {}", t.due, t.action.as_deref().unwrap_or(""))).collect();
//! assert_eq!(due, ["2026-09-18 holiday_call", "2026-09-22 holiday_greeting", "2026-09-24 holiday_call", "2026-09-28 holiday_greeting"]);
//! ```

use super::holidays::{Holiday, holidays_between};
use super::tasks::{PlannedTask, TaskKind, TaskRules};
use super::tiering::Tier;
use crate::merge::Record;
use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::BTreeMap;
use uuid::Uuid;

/// The namespace of playbook record ids (fixed: changing it would fork every playbook).
const PLAYBOOK_NAMESPACE: Uuid = Uuid::from_u128(0x8d41_0b6e_57c2_4f93_a1d8_6e2f_0c9b_3a74);

/// One thing a playbook says to do. Serialised in snake case (`holiday_greeting`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Holiday SMS + card (A, B, C).
    HolidayGreeting,
    /// Before a holiday, call to offer a reservation and prepare favourite dishes (A).
    HolidayCall,
    /// Visit in person before a major holiday with favourite dishes and a held seat (Potential).
    HolidayVisit,
    /// Yearly thank-you banquet with family, and a New Year gift (A).
    YearlyBanquet,
    /// Birthday gift or cake delivered (A), gift and a reservation offer (B).
    BirthdayGift,
    /// Birthday call, gift waiting in the store (C).
    BirthdayCall,
    /// Promotion vouchers sent proactively (for them and their friends, B).
    PromotionVoucher,
    /// New dish: message and free tasting invitation.
    NewDishInvite,
    /// A small treat or 10% off at each visit, shown when the visit is logged (C).
    VisitTreat,
    /// Weekend friendly greetings with news of their industry (B).
    WeekendGreeting,
    /// Reward suggestions with a free voucher or VIP card (B).
    RewardSuggestions,
    /// Care for their family and friends (A).
    FamilyCare,
    /// Keep good relations with neighbours and invite local officials (Potential).
    LocalRelations,
}

/// When a step acts; see the module docs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Trigger {
    Holiday,
    Birthday,
    Visit,
    Ongoing,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::HolidayGreeting,
        Action::HolidayCall,
        Action::HolidayVisit,
        Action::YearlyBanquet,
        Action::BirthdayGift,
        Action::BirthdayCall,
        Action::PromotionVoucher,
        Action::NewDishInvite,
        Action::VisitTreat,
        Action::WeekendGreeting,
        Action::RewardSuggestions,
        Action::FamilyCare,
        Action::LocalRelations,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::HolidayGreeting => "holiday_greeting",
            Action::HolidayCall => "holiday_call",
            Action::HolidayVisit => "holiday_visit",
            Action::YearlyBanquet => "yearly_banquet",
            Action::BirthdayGift => "birthday_gift",
            Action::BirthdayCall => "birthday_call",
            Action::PromotionVoucher => "promotion_voucher",
            Action::NewDishInvite => "new_dish_invite",
            Action::VisitTreat => "visit_treat",
            Action::WeekendGreeting => "weekend_greeting",
            Action::RewardSuggestions => "reward_suggestions",
            Action::FamilyCare => "family_care",
            Action::LocalRelations => "local_relations",
        }
    }

    pub fn trigger(self) -> Trigger {
        match self {
            Action::HolidayGreeting
            | Action::HolidayCall
            | Action::HolidayVisit
            | Action::YearlyBanquet => Trigger::Holiday,
            Action::BirthdayGift | Action::BirthdayCall => Trigger::Birthday,
            Action::VisitTreat => Trigger::Visit,
            Action::PromotionVoucher
            | Action::NewDishInvite
            | Action::WeekendGreeting
            | Action::RewardSuggestions
            | Action::FamilyCare
            | Action::LocalRelations => Trigger::Ongoing,
        }
    }
}

/// One step of a playbook.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub action: Action,
    /// The manager's own words, shown with the step (may be empty).
    #[serde(default)]
    pub note: String,
    /// Holiday steps: due this many days before the holiday (0–60).
    #[serde(default)]
    pub days_before: u32,
    /// Holiday steps: only before this holiday; `None` means every major holiday.
    #[serde(default)]
    pub holiday: Option<Holiday>,
}

impl Step {
    pub fn new(action: Action) -> Self {
        Self {
            action,
            note: String::new(),
            days_before: 0,
            holiday: None,
        }
    }

    fn before(mut self, days: u32) -> Self {
        self.days_before = days;
        self
    }
}

/// What to do for the customers of one tier.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Playbook {
    pub tier: Tier,
    pub steps: Vec<Step>,
}

/// The holidays a holiday step without its own `holiday` acts on (PRODUCT §6 "major holidays").
pub fn is_major(holiday: Holiday) -> bool {
    matches!(
        holiday,
        Holiday::NewYear
            | Holiday::SpringFestival
            | Holiday::LabourDay
            | Holiday::DragonBoat
            | Holiday::MidAutumn
            | Holiday::NationalDay
    )
}

impl Playbook {
    /// The tiers that have a playbook.
    pub const TIERS: [Tier; 4] = [Tier::A, Tier::B, Tier::C, Tier::Potential];

    /// Seed 004's playbook for `tier` (PRODUCT §6); Regular and New have none.
    pub fn default_for(tier: Tier) -> Self {
        use Action::*;
        let steps = match tier {
            Tier::A => vec![
                Step::new(HolidayGreeting).before(3),
                Step::new(HolidayCall).before(7),
                Step {
                    holiday: Some(Holiday::SpringFestival),
                    ..Step::new(YearlyBanquet).before(21)
                },
                Step::new(BirthdayGift),
                Step::new(PromotionVoucher),
                Step::new(NewDishInvite),
                Step::new(FamilyCare),
            ],
            Tier::B => vec![
                Step::new(HolidayGreeting).before(3),
                Step::new(BirthdayGift),
                Step::new(PromotionVoucher),
                Step::new(NewDishInvite),
                Step::new(WeekendGreeting),
                Step::new(RewardSuggestions),
            ],
            Tier::C => vec![
                Step::new(HolidayGreeting).before(3),
                Step::new(BirthdayCall),
                Step::new(PromotionVoucher),
                Step::new(NewDishInvite),
                Step::new(VisitTreat),
            ],
            Tier::Potential => vec![Step::new(HolidayVisit).before(5), Step::new(LocalRelations)],
            Tier::Regular | Tier::New => Vec::new(),
        };
        Self { tier, steps }
    }

    /// The id of the tier's `playbook` record, the same on every device.
    pub fn record_id(tier: Tier) -> String {
        Uuid::new_v5(&PLAYBOOK_NAMESPACE, tier.as_str().as_bytes()).to_string()
    }

    /// Reads a synced `playbook` record (`tier`, `steps`); `None` when unreadable or deleted.
    /// Steps with unknown actions (from a newer app) are skipped, not fatal.
    pub fn from_record(record: &Record) -> Option<Self> {
        if record.is_deleted() {
            return None;
        }
        let tier: Tier = serde_json::from_value(record.value("tier")?.clone()).ok()?;
        let steps = record
            .value("steps")?
            .as_array()?
            .iter()
            .filter_map(|step| serde_json::from_value::<Step>(step.clone()).ok())
            .map(|mut step| {
                step.days_before = step.days_before.min(60);
                step
            })
            .collect();
        Some(Self { tier, steps })
    }

    /// The fields to write for this playbook's record.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            ("tier", Value::from(self.tier.as_str())),
            (
                "steps",
                serde_json::to_value(&self.steps).unwrap_or(Value::Null),
            ),
        ]
    }

    /// The steps acting on `trigger`.
    pub fn steps_for(&self, trigger: Trigger) -> impl Iterator<Item = &Step> {
        self.steps
            .iter()
            .filter(move |step| step.action.trigger() == trigger)
    }
}

/// Every tier's playbook: the organisation's synced record where it exists, else the default.
/// Only a record stored under its tier's [`Playbook::record_id`] counts, so which record wins
/// never depends on the order records arrive in.
pub fn playbooks<'a>(
    records: impl IntoIterator<Item = (&'a str, &'a Record)>,
) -> BTreeMap<Tier, Playbook> {
    let mut found: BTreeMap<Tier, Playbook> = Playbook::TIERS
        .into_iter()
        .map(|tier| (tier, Playbook::default_for(tier)))
        .collect();
    for (id, record) in records {
        if let Some(playbook) = Playbook::from_record(record)
            && id == Playbook::record_id(playbook.tier)
        {
            found.insert(playbook.tier, playbook);
        }
    }
    found
}

/// The holiday tasks `playbook` plans for a customer in `tier` on `today`: one per holiday step
/// and holiday, due `days_before` the holiday, within the planning range of `rules` (tasks due
/// from `today − lookback_days` to `today + horizon_days`). Ids are deterministic like every
/// planned task's (customer, kind `holiday`, due date); two steps due the same day share one
/// task, and the reason names both. A customer in the trash gets none.
pub fn playbook_tasks(
    customer_id: &str,
    customer: &Record,
    tier: Tier,
    playbook: &Playbook,
    today: NaiveDate,
    rules: &TaskRules,
) -> Vec<PlannedTask> {
    if customer.is_deleted() || playbook.tier != tier {
        return Vec::new();
    }
    let earliest = today
        .checked_sub_days(Days::new(rules.lookback_days))
        .unwrap_or(today);
    let latest = today
        .checked_add_days(Days::new(rules.horizon_days))
        .unwrap_or(today);
    let mut by_due: BTreeMap<NaiveDate, Vec<(Action, Holiday, NaiveDate)>> = BTreeMap::new();
    for step in playbook.steps_for(Trigger::Holiday) {
        let last = latest
            .checked_add_days(Days::new(u64::from(step.days_before)))
            .unwrap_or(latest);
        for (date, holiday) in holidays_between(earliest, last) {
            let wanted = step
                .holiday
                .map_or(is_major(holiday), |only| only == holiday);
            let Some(due) = date.checked_sub_days(Days::new(u64::from(step.days_before))) else {
                continue;
            };
            if wanted && earliest <= due && due <= latest {
                by_due
                    .entry(due)
                    .or_default()
                    .push((step.action, holiday, date));
            }
        }
    }
    by_due
        .into_iter()
        .map(|(due, mut steps)| {
            steps.sort_unstable();
            steps.dedup();
            let reason = steps
                .iter()
                .map(|(action, holiday, date)| {
                    format!(
                        "{} before {} {date}",
                        action.as_str(),
                        holiday.chinese_name()
                    )
                })
                .collect::<Vec<_>>()
                .join("; ");
            let (action, holiday, _) = steps[0];
            PlannedTask::new(customer_id, TaskKind::Holiday, due, reason)
                .with_detail(action.as_str(), holiday)
        })
        .collect()
}
