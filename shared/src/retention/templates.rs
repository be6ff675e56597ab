//! Message templates (短信库, PRODUCT §8, seed 001): holiday wishes, birthday, season change,
//! thinking of you, after-visit thanks, promotion — with placeholders, in Simplified Chinese,
//! Traditional Chinese and English.
//!
//! Rules from the seeds, kept here: holiday and season messages carry wishes and care only, never
//! selling; promotion templates are never offered for a customer without consent.

use crate::merge::Record;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use uuid::Uuid;

/// The namespace of the default templates' record ids (fixed: changing it would fork edits).
const TEMPLATE_NAMESPACE: Uuid = Uuid::from_u128(0x2b7e_91c4_0d5a_4a3f_b86e_47d1_9c02_e5f8);

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

/// Language of a template's text. The declaration order is the library's sort order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Simplified Chinese (简体中文).
    Zh,
    /// Traditional Chinese (繁體中文), as written in Taiwan and Hong Kong.
    #[serde(rename = "zh_tw")]
    ZhTw,
    En,
}

impl Language {
    pub const ALL: [Language; 3] = [Language::Zh, Language::ZhTw, Language::En];

    /// The stored name, as serialised: `zh`, `zh_tw`, `en`.
    ///
    /// ```
    /// use huitou_shared::retention::templates::Language;
    /// for language in Language::ALL {
    ///     assert_eq!(serde_json::to_value(language).unwrap(), language.as_str());
    /// }
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::ZhTw => "zh_tw",
            Language::En => "en",
        }
    }
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
    use Language::{En, Zh, ZhTw};
    use TemplateKind::*;
    vec![
        template(
            Holiday,
            Zh,
            "{name}{title}，佳节将至，{store}全体同仁祝您和家人节日快乐、幸福安康！",
        ),
        template(
            Holiday,
            ZhTw,
            "{name}{title}，佳節將至，{store}全體同仁祝您和家人節日快樂、幸福安康！",
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
            ZhTw,
            "{name}{title}，今天是您的生日，{store}祝您生日快樂，心想事成！",
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
            ZhTw,
            "{name}{title}，最近天氣轉涼，早晚溫差大，記得添衣保暖，注意飲食，保重身體。",
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
            ZhTw,
            "{name}{title}，好久不見，很想念您。工作再忙也要記得多休息喔。",
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
            ZhTw,
            "{name}{title}，感謝您今天光臨{store}，希望您喜歡{favourite_dish}，期待再次為您服務！",
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
            ZhTw,
            "{name}{title}，{store}為老朋友準備了專屬優惠，本週來店即可享用，歡迎與家人朋友一同光臨。",
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
/// assert!(offered(&library, Language::ZhTw, true).iter().all(|t| t.language == Language::ZhTw));
/// ```
pub fn offered(library: &[Template], language: Language, consent: bool) -> Vec<&Template> {
    library
        .iter()
        .filter(|t| t.language == language && (consent || !t.kind.needs_consent()))
        .collect()
}

impl Template {
    /// The id of the record that edits the default template of `kind` in `language`: the same
    /// on every device, so a manager's edit replaces the default everywhere.
    pub fn default_id(kind: TemplateKind, language: Language) -> String {
        Uuid::new_v5(
            &TEMPLATE_NAMESPACE,
            format!("{}\n{}", kind.as_str(), language.as_str()).as_bytes(),
        )
        .to_string()
    }

    /// Reads a synced `template` record (`kind`, `language`, `text`); `None` when incomplete.
    pub fn from_record(record: &Record) -> Option<Self> {
        let value = |name| record.value(name).cloned();
        Some(Self {
            kind: serde_json::from_value(value("kind")?).ok()?,
            language: serde_json::from_value(value("language")?).ok()?,
            text: record
                .text("text")
                .filter(|t| !t.trim().is_empty())?
                .to_owned(),
        })
    }

    /// The fields to write for this template's record.
    pub fn fields(&self) -> Vec<(&'static str, Value)> {
        vec![
            (
                "kind",
                serde_json::to_value(self.kind).unwrap_or(Value::Null),
            ),
            (
                "language",
                serde_json::to_value(self.language).unwrap_or(Value::Null),
            ),
            ("text", Value::from(self.text.as_str())),
        ]
    }
}

/// The organisation's library: the defaults, replaced by records with their
/// [`Template::default_id`], plus the organisation's own templates; a record in the trash
/// removes its template (a default included). Sorted by kind, language (in [`Language::ALL`]
/// order: Simplified, Traditional, English) and id.
///
/// ```
/// use huitou_shared::{Change, Record};
/// use huitou_shared::retention::templates::{library, Language, Template, TemplateKind};
/// let id = Template::default_id(TemplateKind::Holiday, Language::Zh);
/// let mut edited = Record::default();
/// edited.apply(&Change::new("template", &id, "kind", "holiday".into(), "001764072000000:00000:deviceAA"));
/// edited.apply(&Change::new("template", &id, "language", "zh".into(), "001764072000001:00000:deviceAA"));
/// edited.apply(&Change::new("template", &id, "text", "{name}，节日快乐！".into(), "001764072000002:00000:deviceAA"));
/// let all = library([(id.as_str(), &edited)]);
/// assert_eq!(all.len(), 18);
/// assert!(all.iter().any(|(i, t)| i == &id && t.text == "{name}，节日快乐！"));
/// ```
pub fn library<'a>(
    records: impl IntoIterator<Item = (&'a str, &'a Record)>,
) -> Vec<(String, Template)> {
    let mut found: std::collections::BTreeMap<String, Template> = defaults()
        .into_iter()
        .map(|t| (Template::default_id(t.kind, t.language), t))
        .collect();
    for (id, record) in records {
        if record.is_deleted() {
            found.remove(id);
        } else if let Some(template) = Template::from_record(record) {
            found.insert(id.to_owned(), template);
        }
    }
    let order = |kind: TemplateKind| TemplateKind::ALL.iter().position(|k| *k == kind);
    let mut all: Vec<(String, Template)> = found.into_iter().collect();
    all.sort_unstable_by(|a, b| {
        (order(a.1.kind), a.1.language as u8, &a.0).cmp(&(
            order(b.1.kind),
            b.1.language as u8,
            &b.0,
        ))
    });
    all
}
