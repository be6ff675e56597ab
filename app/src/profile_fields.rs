//! Which customer fields the profile shows and edits, in which section, with which input (PRODUCT §2).
//! Field names are the record's fields (SYNC §1); labels come from the i18n table.

use crate::i18n::Key;

/// How a field is edited.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Input {
    Text,
    LongText,
    /// One of fixed values, each with its label.
    Choice(&'static [(&'static str, Key)]),
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct FieldSpec {
    pub field: &'static str,
    pub label: Key,
    pub input: Input,
}

const fn text(field: &'static str, label: Key) -> FieldSpec {
    FieldSpec {
        field,
        label,
        input: Input::Text,
    }
}

const fn long(field: &'static str, label: Key) -> FieldSpec {
    FieldSpec {
        field,
        label,
        input: Input::LongText,
    }
}

pub const SOURCES: &[(&str, Key)] = &[
    ("walk_in", Key::SourceWalkIn),
    ("referral", Key::SourceReferral),
    ("event", Key::SourceEvent),
    ("online", Key::SourceOnline),
    ("other", Key::OtherOccasion),
];

pub const MARITAL: &[(&str, Key)] = &[("single", Key::Single), ("married", Key::Married)];

pub const STAGES: &[(&str, Key)] = &[
    ("potential", Key::StagePotential),
    ("prospect", Key::StageProspect),
    ("customer", Key::StageCustomer),
    ("repeat", Key::StageRepeat),
    ("loyal", Key::StageLoyal),
    ("lost", Key::StageLost),
];

pub const CUSTOMER_TYPES: &[(&str, Key)] = &[
    ("trendy", Key::TypeTrendy),
    ("business", Key::TypeBusiness),
    ("entertainment", Key::TypeEntertainment),
    ("student", Key::TypeStudent),
    ("other", Key::OtherOccasion),
];

/// Hard data besides name, phone, gender and birthday (which have their own inputs).
pub const HARD: &[FieldSpec] = &[
    text("wechat", Key::Wechat),
    text("email", Key::Email),
    text("company", Key::Company),
    text("position", Key::Position),
    text("industry", Key::Industry),
    text("address", Key::Address),
    FieldSpec {
        field: "source",
        label: Key::Source,
        input: Input::Choice(SOURCES),
    },
    FieldSpec {
        field: "marital_status",
        label: Key::MaritalStatus,
        input: Input::Choice(MARITAL),
    },
    text("age_range", Key::AgeRange),
    text("ethnicity", Key::Ethnicity),
    text("sizes", Key::Sizes),
];

/// Soft data: what makes the next conversation personal (~80% of a profile's value).
pub const SOFT: &[FieldSpec] = &[
    long("work", Key::Work),
    text("hometown", Key::Hometown),
    text("personality", Key::Personality),
    long("hobbies", Key::Hobbies),
    long("habits", Key::Habits),
    long("favourites", Key::Favourites),
    text("dislikes", Key::Dislikes),
    text("allergies", Key::Allergies),
    text("seating", Key::Seating),
    text("service_style", Key::ServiceStyle),
    text("values", Key::Values),
    long("notes", Key::Notes),
];

pub const RELATIONSHIP: &[FieldSpec] = &[
    FieldSpec {
        field: "stage",
        label: Key::Stage,
        input: Input::Choice(STAGES),
    },
    text("lost_reason", Key::LostReason),
    FieldSpec {
        field: "customer_type",
        label: Key::CustomerType,
        input: Input::Choice(CUSTOMER_TYPES),
    },
];

/// Every spec, for labels in field history and the timeline.
pub fn all() -> impl Iterator<Item = &'static FieldSpec> {
    HARD.iter().chain(SOFT).chain(RELATIONSHIP)
}

/// The label of a choice value, if the field has choices.
pub fn choice_label(field: &str, value: &str) -> Option<Key> {
    all()
        .find(|s| s.field == field)
        .and_then(|s| match s.input {
            Input::Choice(choices) => choices.iter().find(|(v, _)| *v == value).map(|(_, k)| *k),
            _ => None,
        })
}
