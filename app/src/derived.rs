//! What Today and the planner derive from each customer — tier, planned tasks, birthdays and
//! anniversaries in the coming week — kept per customer and redone only for the customers whose records changed
//! since ([`Records::revision`]), or for everyone when the organisation's rules or the day
//! change. One edit re-derives one customer, not the whole book (issue 9: under one frame).

use crate::org::Org;
use crate::replica::Records;
use chrono::{Days, NaiveDate};
use huitou_shared::Kind;
use huitou_shared::customer::Birthday;
use huitou_shared::customer::anniversary::{AnniversaryKind, anniversaries_within, first_visit};
use huitou_shared::customer::erasure::is_erased;
use huitou_shared::customer::reassign::is_open;
use huitou_shared::retention::dormancy::dormancy;
use huitou_shared::retention::escalation::{Escalation, EscalationRules, escalation, latest_day};
use huitou_shared::retention::holidays::Holiday;
use huitou_shared::retention::playbooks::{Playbook, Trigger, is_major, playbook_tasks};
use huitou_shared::retention::tasks::{PlannedTask, generate_tasks};
use huitou_shared::retention::{Tier, tier};
use serde_json::Value;
use std::collections::HashMap;

/// One customer's derived facts.
#[derive(Clone, Debug)]
pub struct CustomerFacts {
    pub name: String,
    pub tier: Tier,
    /// Overdue against their usual visits (the task rules' dormancy rule).
    pub dormant: bool,
    /// Tasks the rules and the tier's playbook plan today, with the customer's owner.
    pub planned: Vec<(PlannedTask, Option<String>)>,
    /// Birthdays of the customer and their family, and the customer's anniversaries, in the
    /// next 7 days.
    pub celebrations: Vec<Celebration>,
}

/// What is celebrated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Occasion {
    Birthday,
    /// An anniversary, with the years it marks when they are known.
    Anniversary(AnniversaryKind, Option<u32>),
}

/// A birthday or anniversary in the coming week.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Celebration {
    pub date: NaiveDate,
    /// The customer's name, or "customer · family member" for a family member's birthday.
    pub who: String,
    pub occasion: Occasion,
}

/// One entry of Today's list: a celebration and its customer's id.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Upcoming {
    pub celebration: Celebration,
    pub customer_id: String,
}

/// The per-customer cache; [`Derived::refresh`] brings it up to date with a book.
#[derive(Debug, Default)]
pub struct Derived {
    day: Option<NaiveDate>,
    org: Option<Org>,
    /// The book and the revision the cache is up to date with.
    book: u64,
    seen: u64,
    customers: HashMap<String, CustomerFacts>,
}

impl Derived {
    /// Brings every customer's facts up to date with `records` under `org` on `today`; returns
    /// how many customers were derived anew.
    pub fn refresh(&mut self, records: &Records, org: &Org, today: NaiveDate) -> usize {
        if self.day != Some(today) || self.org.as_ref() != Some(org) || self.book != records.book()
        {
            self.customers.clear();
            self.day = Some(today);
            self.org = Some(org.clone());
            self.book = records.book();
            self.seen = 0;
        }
        let mut derived = 0;
        for id in records.changed_since(self.seen) {
            match records.get(Kind::CUSTOMER, id) {
                Some(customer) if !customer.record.is_deleted() => {
                    if let Some(facts) = derive(records, id, org, today) {
                        self.customers.insert(id.to_owned(), facts);
                        derived += 1;
                    }
                }
                _ => {
                    self.customers.remove(id);
                }
            }
        }
        self.seen = records.latest_revision();
        derived
    }

    /// Every customer's facts, by id (as of the last refresh).
    pub fn customers(&self) -> impl Iterator<Item = (&str, &CustomerFacts)> {
        self.customers
            .iter()
            .map(|(id, facts)| (id.as_str(), facts))
    }

    /// Birthdays and anniversaries in the coming week, soonest first.
    pub fn celebrations(&self) -> Vec<Upcoming> {
        let mut found: Vec<Upcoming> = self
            .customers()
            .flat_map(|(id, facts)| {
                facts.celebrations.iter().map(move |celebration| Upcoming {
                    celebration: celebration.clone(),
                    customer_id: id.to_owned(),
                })
            })
            .collect();
        crate::sort::all(&mut found);
        found
    }

    /// The customers whose tier's playbook acts on one of `holidays`: `(name, id, the
    /// holidays)`, by name.
    pub fn to_greet(
        &self,
        org: &Org,
        holidays: &[(NaiveDate, Holiday)],
    ) -> Vec<(String, String, Vec<Holiday>)> {
        // Which of the holidays each tier's playbook acts on, worked out once per tier.
        let mut acts_on: HashMap<Tier, Vec<Holiday>> = HashMap::new();
        let mut people = Vec::new();
        for (id, facts) in self.customers() {
            let holidays = acts_on.entry(facts.tier).or_insert_with(|| {
                let playbook = org.playbook(facts.tier);
                holidays
                    .iter()
                    .map(|(_, holiday)| *holiday)
                    .filter(|holiday| {
                        playbook.steps_for(Trigger::Holiday).any(|step| {
                            step.holiday
                                .map_or(is_major(*holiday), |only| only == *holiday)
                        })
                    })
                    .collect()
            });
            if !holidays.is_empty() {
                people.push((facts.name.clone(), id.to_owned(), holidays.clone()));
            }
        }
        crate::sort::all(&mut people);
        people
    }

    /// One customer's facts (as of the last refresh).
    pub fn facts(&self, id: &str) -> Option<&CustomerFacts> {
        self.customers.get(id)
    }

    /// Every task planned today, with the customer's owner.
    pub fn planned(&self) -> impl Iterator<Item = &(PlannedTask, Option<String>)> {
        self.customers
            .values()
            .flat_map(|facts| facts.planned.iter())
    }
}

/// One customer's facts from its record and history.
fn derive(records: &Records, id: &str, org: &Org, today: NaiveDate) -> Option<CustomerFacts> {
    let customer = &records.get(Kind::CUSTOMER, id)?.record;
    let all = records.history(id);
    let tier = tier(customer, &all.as_of(today), today, &org.rules).tier;
    let rules = &org.settings.task_rules;
    let owner = customer.text("owner").map(str::to_owned);
    let mut tasks = generate_tasks(id, customer, &all.visits, &all.family, today, rules);
    tasks.extend(service_tasks(records, id, &all.visits, today, rules));
    let no_playbook = Playbook {
        tier: Tier::Regular,
        steps: Vec::new(),
    };
    tasks.extend(playbook_tasks(
        id,
        customer,
        tier,
        org.playbooks.get(&tier).unwrap_or(&no_playbook),
        today,
        rules,
    ));
    let name = customer.text("name").unwrap_or_default().to_owned();
    let week = today.checked_add_days(Days::new(7)).unwrap_or(today);
    let in_week = |birthday: Option<&Value>| {
        birthday
            .and_then(Birthday::from_value)
            .and_then(|b| b.next_on_or_after(today))
            .filter(|d| *d <= week)
    };
    let birthday = |date, who| Celebration {
        date,
        who,
        occasion: Occasion::Birthday,
    };
    let mut celebrations = Vec::new();
    if let Some(date) = in_week(customer.value("birthday")) {
        celebrations.push(birthday(date, name.clone()));
    }
    for member in &all.family {
        if !member.is_deleted()
            && let Some(date) = in_week(member.value("birthday"))
        {
            let who = format!("{} · {}", name, member.text("name").unwrap_or_default());
            celebrations.push(birthday(date, who));
        }
    }
    let first = first_visit(all.visits.iter().copied());
    celebrations.extend(
        anniversaries_within(customer, first, today, 7)
            .into_iter()
            .map(|anniversary| Celebration {
                date: anniversary.date,
                who: name.clone(),
                occasion: Occasion::Anniversary(anniversary.kind, anniversary.years),
            }),
    );
    let dormant = dormancy(&all.visits, today, &rules.dormancy).dormant;
    Some(CustomerFacts {
        name,
        tier,
        dormant,
        planned: tasks
            .into_iter()
            .map(|task| {
                let owner = task_owner(records, &task, id, owner.as_deref());
                (task, owner)
            })
            .collect(),
        celebrations,
    })
}

/// What this customer's complaints, adopted suggestions and the referrals that brought them
/// plan (PRODUCT §7). A referral is planned from the referred customer's side: its conversion
/// is their first visit, and [`Records`] re-derives them when a referral naming them changes.
fn service_tasks(
    records: &Records,
    id: &str,
    visits: &[&huitou_shared::Record],
    today: NaiveDate,
    rules: &huitou_shared::retention::TaskRules,
) -> Vec<PlannedTask> {
    use huitou_shared::service::tasks::{complaint_tasks, referral_tasks, suggestion_tasks};
    let mut tasks = Vec::new();
    for complaint in records.children_of(Kind::COMPLAINT, id) {
        tasks.extend(complaint_tasks(
            id,
            &complaint.id,
            &complaint.record,
            today,
            rules,
        ));
    }
    for suggestion in records.children_of(Kind::SUGGESTION, id) {
        tasks.extend(suggestion_tasks(
            id,
            &suggestion.id,
            &suggestion.record,
            today,
            rules,
        ));
    }
    for referral in records.referrals_of_referred(id) {
        let Some(referrer) = referral.record.text("customer_id") else {
            continue;
        };
        let name = records.customer_name(referrer);
        tasks.extend(referral_tasks(
            referrer,
            &name,
            &referral.record,
            visits,
            today,
            rules,
        ));
    }
    tasks
}

/// Who a planned task is for: the manager it names, any manager for a manager's task that
/// names none (the first by id, the same on every device), else the owner of the task's
/// customer (`owner` when that is the customer being derived).
fn task_owner(
    records: &Records,
    task: &PlannedTask,
    derived: &str,
    owner: Option<&str>,
) -> Option<String> {
    if let Some(assignee) = &task.assignee {
        return Some(assignee.clone());
    }
    if task.for_manager {
        return records
            .of_kind("user")
            .filter(|u| {
                matches!(u.record.text("role"), Some("manager" | "admin"))
                    && u.record.value("disabled") != Some(&Value::Bool(true))
            })
            .map(|u| u.id.clone())
            .min();
    }
    if task.customer_id == derived {
        owner.map(str::to_owned)
    } else {
        records
            .get(Kind::CUSTOMER, &task.customer_id)
            .and_then(|c| c.record.text("owner"))
            .map(str::to_owned)
    }
}

// Escalation (PRODUCT §10) is read from the records as they are, not cached per customer: it
// turns on tasks and contacts, which do not re-derive a customer (planning writes hundreds).

/// Where the follow-up of customer `id` stands on `today` (`planned_today`: the rules plan a
/// task for it today, which the planner is about to write).
pub fn escalation_of(
    records: &Records,
    id: &str,
    planned_today: bool,
    today: NaiveDate,
    rules: &EscalationRules,
) -> Escalation {
    let tasks: Vec<&huitou_shared::Record> = records
        .children_of(Kind::TASK, id)
        .map(|t| &t.record)
        .collect();
    escalation(
        &tasks,
        latest_day(records.children_of(Kind::VISIT, id).map(|v| &v.record)),
        latest_day(records.children_of(Kind::CONTACT, id).map(|c| &c.record)),
        planned_today,
        today,
        rules,
    )
}

/// A customer still on the books (not in the trash, not erased).
fn live_customer<'a>(records: &'a Records, id: &str) -> Option<&'a huitou_shared::Record> {
    records
        .get(Kind::CUSTOMER, id)
        .map(|c| &c.record)
        .filter(|c| !c.is_deleted() && !is_erased(c))
}

/// The customers whose follow-up is late enough for a manager (`rules.alert_days`): `(days
/// late, name, id, owner)`, the latest first. Found from the open tasks due that long ago.
pub fn needing_attention(
    records: &Records,
    today: NaiveDate,
    rules: &EscalationRules,
) -> Vec<(u32, String, String, Option<String>)> {
    let cutoff = today - chrono::Duration::days(i64::from(rules.alert_days));
    let customers: std::collections::BTreeSet<&str> = records
        .of_kind(Kind::TASK)
        .filter(|t| is_open(&t.record))
        .filter(|t| {
            huitou_shared::retention::day_of(&t.record, "due").is_some_and(|due| due <= cutoff)
        })
        .filter_map(|t| t.record.text("customer_id"))
        .collect();
    let mut found: Vec<(u32, String, String, Option<String>)> = customers
        .into_iter()
        .filter_map(|id| {
            // Nobody owns a customer in the pool: it waits for a claimer, not a reminder.
            let customer = live_customer(records, id)
                .filter(|c| c.text("owner") != Some(huitou_shared::customer::pool::POOL))?;
            match escalation_of(records, id, false, today, rules) {
                Escalation::Overdue { days, .. } if days >= rules.alert_days => Some((
                    days,
                    customer.text("name").unwrap_or_default().to_owned(),
                    id.to_owned(),
                    customer.text("owner").map(str::to_owned),
                )),
                _ => None,
            }
        })
        .collect();
    crate::sort::by(&mut found, |a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    found
}

/// The customers of `owner` with no follow-up planned after a recent visit: `(visit day,
/// name, id)`, the longest waiting first. `derived` says what the rules plan today.
pub fn unplanned(
    records: &Records,
    derived: &Derived,
    owner: &str,
    today: NaiveDate,
    rules: &EscalationRules,
) -> Vec<(NaiveDate, String, String)> {
    let mut found: Vec<(NaiveDate, String, String)> = records
        .of_kind(Kind::CUSTOMER)
        .filter(|c| c.record.text("owner") == Some(owner))
        .filter_map(|c| {
            let customer = live_customer(records, &c.id)?;
            let planned = derived.facts(&c.id).is_some_and(|f| !f.planned.is_empty());
            match escalation_of(records, &c.id, planned, today, rules) {
                Escalation::Unplanned { since } => Some((
                    since,
                    customer.text("name").unwrap_or_default().to_owned(),
                    c.id.clone(),
                )),
                _ => None,
            }
        })
        .collect();
    crate::sort::all(&mut found);
    found
}
