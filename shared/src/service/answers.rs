//! The library of standard answers (标准答复 Q&A, seed 001: "對於常被投訴或挑剔的問題，也應建立標準的回答
//! Q&A，使企業員工口徑一致"): one answer per complaint category and language, shown on the
//! matching complaint step and copyable into a message. The defaults ship here; managers edit
//! them as synced `answer` records (`category`, `language`, `text`) — a record with
//! [`default_id`] replaces the default everywhere, one in the trash removes it.
//!
//! ```
//! use huitou_shared::{Change, Record};
//! use huitou_shared::retention::templates::Language;
//! use huitou_shared::service::answers::{default_id, for_category, library};
//! let id = default_id("price", Language::Zh);
//! let mut edited = Record::default();
//! edited.apply(&Change::new("answer", &id, "category", "price".into(), "001764072000000:00000:deviceAA"));
//! edited.apply(&Change::new("answer", &id, "language", "zh".into(), "001764072000001:00000:deviceAA"));
//! edited.apply(&Change::new("answer", &id, "text", "我们的价格按用料核算。".into(), "001764072000002:00000:deviceAA"));
//! let all = library([(id.as_str(), &edited)]);
//! let price: Vec<_> = for_category(&all, "price", Language::Zh).collect();
//! assert_eq!(price, [(id.as_str(), "我们的价格按用料核算。")]);
//! assert_eq!(for_category(&all, "delivery", Language::ZhTw).count(), 1);
//! ```

use crate::merge::Record;
use crate::retention::templates::Language;
use uuid::Uuid;

/// The namespace of the default answers' record ids (fixed: changing it would fork edits).
const ANSWER_NAMESPACE: Uuid = Uuid::from_u128(0x8d1f_3c62_7a4e_4b09_a5d3_6e21_f04c_9b77);

/// One standard answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub category: String,
    pub language: Language,
    pub text: String,
}

fn language_tag(language: Language) -> &'static str {
    match language {
        Language::Zh => "zh",
        Language::ZhTw => "zh_tw",
        Language::En => "en",
    }
}

/// The record id of the default answer of `category` in `language`.
pub fn default_id(category: &str, language: Language) -> String {
    Uuid::new_v5(
        &ANSWER_NAMESPACE,
        format!("{category}\n{}", language_tag(language)).as_bytes(),
    )
    .to_string()
}

/// The default answers (seed 001), per category in Simplified, Traditional and English.
pub fn defaults() -> Vec<Answer> {
    const TEXTS: [(&str, &str, &str, &str); 6] = [
        (
            "product_quality",
            "非常抱歉，这次没有达到您的期待。我们马上为您重做或更换；如果需要时间处理，我会告诉您确切的完成时间，并亲自跟进到您满意。",
            "非常抱歉，這次沒有達到您的期待。我們馬上為您重做或更換；如果需要時間處理，我會告訴您確切的完成時間，並親自跟進到您滿意。",
            "I'm very sorry this was not what you expected. We will redo or replace it right away; if it takes time, I will tell you exactly when, and follow it up myself until you are satisfied.",
        ),
        (
            "price",
            "谢谢您直接告诉我们。我们的价格是按用料和成本核算的，我可以为您详细说明；也帮您看看有没有更适合您的套餐或老客户优惠。",
            "謝謝您直接告訴我們。我們的價格是按用料和成本核算的，我可以為您詳細說明；也幫您看看有沒有更適合您的套餐或老客戶優惠。",
            "Thank you for telling us. Our prices follow what goes into each dish and what it costs us, and I'm happy to explain; let me also see whether a set menu or a regulars' offer suits you better.",
        ),
        (
            "delivery",
            "让您久等了，真的很抱歉。我现在就查清楚原因，并告诉您最晚什么时候能送到；之后每一步都会提前通知您。",
            "讓您久等了，真的很抱歉。我現在就查清楚原因，並告訴您最晚什麼時候能送到；之後每一步都會提前通知您。",
            "I'm so sorry to have kept you waiting. I'll find out why right now and tell you the latest time it will arrive, and keep you posted at every step.",
        ),
        (
            "service",
            "很抱歉我们的服务让您不舒服。您说的情况我都记下了，会和当班同事一起改进；今天这件事由我负责，处理到您满意为止。",
            "很抱歉我們的服務讓您不舒服。您說的情況我都記下了，會和當班同事一起改進；今天這件事由我負責，處理到您滿意為止。",
            "I'm sorry our service made you uncomfortable. I have noted everything you said and will work on it with the team on duty; I'll personally see this through until you are satisfied.",
        ),
        (
            "environment",
            "抱歉环境影响了您的心情。我马上为您换一个更安静舒适的位置，并请同事立即处理。",
            "抱歉環境影響了您的心情。我馬上為您換一個更安靜舒適的位置，並請同事立即處理。",
            "I'm sorry the surroundings spoiled your time with us. Let me move you to a quieter, more comfortable table right away, and have it seen to at once.",
        ),
        (
            "other",
            "谢谢您告诉我们，您的意见对我们很重要。我先把情况记录清楚，并在约定的时间给您答复。",
            "謝謝您告訴我們，您的意見對我們很重要。我先把情況記錄清楚，並在約定的時間給您答覆。",
            "Thank you for telling us: it matters to us. Let me write down exactly what happened, and I will get back to you by the time we agree.",
        ),
    ];
    TEXTS
        .iter()
        .flat_map(|(category, zh, zh_tw, en)| {
            [
                (Language::Zh, zh),
                (Language::ZhTw, zh_tw),
                (Language::En, en),
            ]
            .map(|(language, text)| Answer {
                category: (*category).to_owned(),
                language,
                text: (*text).to_owned(),
            })
        })
        .collect()
}

impl Answer {
    /// Reads a synced `answer` record; `None` when incomplete.
    pub fn from_record(record: &Record) -> Option<Answer> {
        Some(Answer {
            category: record
                .text("category")
                .filter(|c| !c.is_empty())?
                .to_owned(),
            language: serde_json::from_value(record.value("language")?.clone()).ok()?,
            text: record
                .text("text")
                .filter(|t| !t.trim().is_empty())?
                .to_owned(),
        })
    }

    /// The fields to write for this answer's record.
    pub fn fields(&self) -> Vec<(&'static str, serde_json::Value)> {
        vec![
            ("category", self.category.as_str().into()),
            ("language", language_tag(self.language).into()),
            ("text", self.text.as_str().into()),
        ]
    }
}

/// The organisation's answers by record id: the defaults, replaced or removed by records.
pub fn library<'a>(
    records: impl IntoIterator<Item = (&'a str, &'a Record)>,
) -> Vec<(String, Answer)> {
    let mut found: std::collections::BTreeMap<String, Answer> = defaults()
        .into_iter()
        .map(|a| (default_id(&a.category, a.language), a))
        .collect();
    for (id, record) in records {
        if record.is_deleted() {
            found.remove(id);
        } else if let Some(answer) = Answer::from_record(record) {
            found.insert(id.to_owned(), answer);
        }
    }
    found.into_iter().collect()
}

/// The answers for one category in one language: `(record id, text)`.
pub fn for_category<'a>(
    library: &'a [(String, Answer)],
    category: &'a str,
    language: Language,
) -> impl Iterator<Item = (&'a str, &'a str)> + 'a {
    library
        .iter()
        .filter(move |(_, a)| a.category == category && a.language == language)
        .map(|(id, a)| (id.as_str(), a.text.as_str()))
}
