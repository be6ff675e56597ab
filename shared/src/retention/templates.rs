//! Message templates (短信库, PRODUCT §8, seed 001): holiday wishes, birthday, season change,
//! thinking of you, after-visit thanks, promotion — with placeholders, in Chinese and English.
//!
//! Rules from the seeds, kept here: holiday and season messages carry wishes and care only, never
//! selling; promotion templates are never offered for a customer without consent.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TemplateKind {
    Holiday,
    Birthday,
    Season,
    ThinkingOfYou,
    AfterVisit,
    Promotion,
}

impl TemplateKind {
    pub const ALL: [TemplateKind; 6] = [
        TemplateKind::Holiday,
        TemplateKind::Birthday,
        TemplateKind::Season,
        TemplateKind::ThinkingOfYou,
        TemplateKind::AfterVisit,
        TemplateKind::Promotion,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            TemplateKind::Holiday => "holiday",
            TemplateKind::Birthday => "birthday",
            TemplateKind::Season => "season",
            TemplateKind::ThinkingOfYou => "thinking_of_you",
            TemplateKind::AfterVisit => "after_visit",
            TemplateKind::Promotion => "promotion",
        }
    }

    /// Only promotions need the customer's consent to marketing; care and wishes do not sell.
    pub fn needs_consent(self) -> bool {
        self == TemplateKind::Promotion
    }
}

/// Language of a template's text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    Zh,
    En,
}

/// One template: its default text ships here; organisations edit theirs as synced `template` records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Template {
    pub kind: TemplateKind,
    pub language: Language,
    pub text: String,
}

/// What the placeholders `{name}`, `{title}`, `{favourite_dish}` and `{store}` stand for.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Placeholders {
    pub name: String,
    pub title: String,
    pub favourite_dish: String,
    pub store: String,
}

/// Fills the placeholders; unknown `{...}` stay as they are.
///
/// ```
/// use huitou_shared::retention::templates::{fill, Placeholders};
/// let values = Placeholders { name: "王".into(), title: "先生".into(), favourite_dish: "清蒸鲈鱼".into(), store: "回头酒家".into() };
/// assert_eq!(fill("{name}{title}，{store}新到{favourite_dish}", &values), "王先生，回头酒家新到清蒸鲈鱼");
/// ```
pub fn fill(text: &str, values: &Placeholders) -> String {
    text.replace("{name}", &values.name)
        .replace("{title}", &values.title)
        .replace("{favourite_dish}", &values.favourite_dish)
        .replace("{store}", &values.store)
}

fn template(kind: TemplateKind, language: Language, text: &str) -> Template {
    Template {
        kind,
        language,
        text: text.to_owned(),
    }
}

/// The default library, one per kind and language.
pub fn defaults() -> Vec<Template> {
    use Language::{En, Zh};
    use TemplateKind::*;
    vec![
        template(
            Holiday,
            Zh,
            "{name}{title}，佳节将至，{store}全体同仁祝您和家人节日快乐、幸福安康！",
        ),
        template(
            Holiday,
            En,
            "Dear {name}, everyone at {store} wishes you and your family a happy holiday.",
        ),
        template(
            Birthday,
            Zh,
            "{name}{title}，今天是您的生日，{store}祝您生日快乐，心想事成！",
        ),
        template(
            Birthday,
            En,
            "Happy birthday, {name}! Warm wishes from all of us at {store}.",
        ),
        template(
            Season,
            Zh,
            "{name}{title}，最近天气转凉，早晚温差大，记得添衣保暖，注意饮食，保重身体。",
        ),
        template(
            Season,
            En,
            "Dear {name}, the weather is turning cold: keep warm and take good care of yourself.",
        ),
        template(
            ThinkingOfYou,
            Zh,
            "{name}{title}，好久没见到您了，挺想念的。工作再忙也要注意休息哦。",
        ),
        template(
            ThinkingOfYou,
            En,
            "Dear {name}, we haven't seen you for a while and we miss you. Don't work too hard!",
        ),
        template(
            AfterVisit,
            Zh,
            "{name}{title}，感谢您今天光临{store}，希望您喜欢{favourite_dish}，期待再次为您服务！",
        ),
        template(
            AfterVisit,
            En,
            "Thank you for visiting {store} today, {name}. We hope you enjoyed the {favourite_dish}!",
        ),
        template(
            Promotion,
            Zh,
            "{name}{title}，{store}为老朋友准备了专属优惠，本周到店即可享用，欢迎带上家人朋友。",
        ),
        template(
            Promotion,
            En,
            "Dear {name}, {store} has a special offer for regulars this week: bring your family and friends.",
        ),
    ]
}

/// The templates a customer may receive: promotions only with consent.
///
/// ```
/// use huitou_shared::retention::templates::{defaults, offered, Language, TemplateKind};
/// let library = defaults();
/// let without_consent = offered(&library, Language::Zh, false);
/// assert!(without_consent.iter().all(|t| t.kind != TemplateKind::Promotion));
/// assert!(offered(&library, Language::Zh, true).iter().any(|t| t.kind == TemplateKind::Promotion));
/// ```
pub fn offered(library: &[Template], language: Language, consent: bool) -> Vec<&Template> {
    library
        .iter()
        .filter(|t| t.language == language && (consent || !t.kind.needs_consent()))
        .collect()
}
