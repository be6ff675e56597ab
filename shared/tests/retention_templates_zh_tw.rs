//! Traditional Chinese message templates: users whose app language is 繁體中文 get Traditional
//! templates, not Simplified ones, and adding them leaves the existing default ids untouched.

use huitou_shared::retention::templates::{
    Language, Template, TemplateKind, defaults, library, offered,
};
use huitou_shared::{Change, Record};

/// Characters that only exist in Simplified Chinese (their Traditional forms in comments);
/// none of them may appear in a Traditional template.
const SIMPLIFIED_ONLY: &[char] = &[
    '节', // 節
    '乐', // 樂
    '为', // 為
    '们', // 們
    '过', // 過
    '时', // 時
    '间', // 間
    '见', // 見
    '谢', // 謝
    '欢', // 歡
    '体', // 體
    '关', // 關
    '怀', // 懷
    '气', // 氣
    '这', // 這
    '样', // 樣
    '对', // 對
    '带', // 帶
    '记', // 記
    '饮', // 飲
    '转', // 轉
    '没', // 沒
    '专', // 專
    '优', // 優
    '务', // 務
    '备', // 備
    '员', // 員
    '庆', // 慶
    '岁', // 歲
    '愿', // 願
    '亲', // 親
    '爱', // 愛
    '临', // 臨
];

fn default_of(kind: TemplateKind, language: Language) -> Template {
    let mut found: Vec<Template> = defaults()
        .into_iter()
        .filter(|t| t.kind == kind && t.language == language)
        .collect();
    assert_eq!(found.len(), 1, "one {kind:?} default in {language:?}");
    found.remove(0)
}

#[test]
fn every_kind_has_a_traditional_default() {
    for kind in TemplateKind::ALL {
        let traditional = default_of(kind, Language::ZhTw);
        let simplified = default_of(kind, Language::Zh);
        assert_ne!(
            traditional.text, simplified.text,
            "{kind:?}: the Traditional template is not the Simplified one"
        );
        let bad: Vec<char> = traditional
            .text
            .chars()
            .filter(|c| SIMPLIFIED_ONLY.contains(c))
            .collect();
        assert!(
            bad.is_empty(),
            "{kind:?}: Simplified-only characters {bad:?} in {:?}",
            traditional.text
        );
        // The same placeholders as the Simplified template, so filling works alike.
        for placeholder in ["{name}", "{title}", "{favourite_dish}", "{store}"] {
            assert_eq!(
                traditional.text.contains(placeholder),
                simplified.text.contains(placeholder),
                "{kind:?}: {placeholder}"
            );
        }
    }
    assert_eq!(
        defaults().len(),
        TemplateKind::ALL.len() * Language::ALL.len()
    );
}

#[test]
fn the_check_would_catch_simplified_text() {
    // The Simplified defaults all contain at least one character of the list: the check bites.
    for kind in TemplateKind::ALL {
        let simplified = default_of(kind, Language::Zh);
        assert!(
            simplified
                .text
                .chars()
                .any(|c| SIMPLIFIED_ONLY.contains(&c)),
            "{kind:?}: {:?}",
            simplified.text
        );
    }
}

#[test]
fn traditional_is_serialised_as_zh_tw() {
    assert_eq!(serde_json::to_value(Language::ZhTw).unwrap(), "zh_tw");
    assert_eq!(serde_json::to_value(Language::Zh).unwrap(), "zh");
    assert_eq!(serde_json::to_value(Language::En).unwrap(), "en");
    let parsed: Language = serde_json::from_value("zh_tw".into()).unwrap();
    assert_eq!(parsed, Language::ZhTw);
}

#[test]
fn existing_default_ids_are_unchanged() {
    // Computed before Traditional Chinese was added: managers' synced edits use these ids.
    let expected = [
        (
            TemplateKind::Holiday,
            Language::Zh,
            "34cf176c-9794-5bee-92ae-201d19e02984",
        ),
        (
            TemplateKind::Holiday,
            Language::En,
            "34d60d62-db87-5aad-abcf-6c6de7995d42",
        ),
        (
            TemplateKind::Birthday,
            Language::Zh,
            "86431c26-980e-5a0e-aaff-d5e5db9f7f2c",
        ),
        (
            TemplateKind::Birthday,
            Language::En,
            "1a680995-e6f0-55d3-85ae-18d254162845",
        ),
        (
            TemplateKind::Season,
            Language::Zh,
            "770630fa-9507-589a-833a-5f05d5a9d800",
        ),
        (
            TemplateKind::Season,
            Language::En,
            "3d0bf6c7-1c5b-54ee-a235-fafd26f4dab4",
        ),
        (
            TemplateKind::ThinkingOfYou,
            Language::Zh,
            "022112c0-8285-55f6-bf70-f2c501abbb93",
        ),
        (
            TemplateKind::ThinkingOfYou,
            Language::En,
            "20c0a9c6-7427-5518-9c62-5e2d014d646e",
        ),
        (
            TemplateKind::AfterVisit,
            Language::Zh,
            "3b292b88-e207-56a2-94f0-f16f0bc4a095",
        ),
        (
            TemplateKind::AfterVisit,
            Language::En,
            "77b6e078-e9ff-5614-8b38-1a99fb858bd2",
        ),
        (
            TemplateKind::Promotion,
            Language::Zh,
            "d1bb28bb-031b-5d88-96d0-0de2653b9929",
        ),
        (
            TemplateKind::Promotion,
            Language::En,
            "82bebb91-b101-5ac4-ac0c-ffe3a12a05f7",
        ),
    ];
    for (kind, language, id) in expected {
        assert_eq!(
            Template::default_id(kind, language),
            id,
            "{kind:?} {language:?}"
        );
    }
    // Traditional ids are new and distinct from every other default id.
    let mut ids: Vec<String> = TemplateKind::ALL
        .iter()
        .flat_map(|k| Language::ALL.iter().map(|l| Template::default_id(*k, *l)))
        .collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), TemplateKind::ALL.len() * Language::ALL.len());
}

#[test]
fn a_synced_traditional_edit_replaces_the_default() {
    let id = Template::default_id(TemplateKind::Holiday, Language::ZhTw);
    let mut edited = Record::default();
    let stamp = |n: u32| format!("0017640720000{n:02}:00000:deviceAA");
    edited.apply(&Change::new(
        "template",
        &id,
        "kind",
        "holiday".into(),
        &stamp(0),
    ));
    edited.apply(&Change::new(
        "template",
        &id,
        "language",
        "zh_tw".into(),
        &stamp(1),
    ));
    edited.apply(&Change::new(
        "template",
        &id,
        "text",
        "{name}，新年快樂！".into(),
        &stamp(2),
    ));
    let all = library([(id.as_str(), &edited)]);
    assert_eq!(all.len(), TemplateKind::ALL.len() * Language::ALL.len());
    let holiday_tw: Vec<&(String, Template)> = all
        .iter()
        .filter(|(_, t)| t.kind == TemplateKind::Holiday && t.language == Language::ZhTw)
        .collect();
    assert_eq!(
        holiday_tw.len(),
        1,
        "the edit replaces the default, not adds to it"
    );
    assert_eq!(holiday_tw[0].0, id);
    assert_eq!(holiday_tw[0].1.text, "{name}，新年快樂！");
    // The Simplified default stays as it was.
    let zh = Template::default_id(TemplateKind::Holiday, Language::Zh);
    assert!(
        all.iter()
            .any(|(i, t)| *i == zh && t == &default_of(TemplateKind::Holiday, Language::Zh))
    );

    // What a zh-TW user is offered: Traditional templates only, the edit included.
    let templates: Vec<Template> = all.into_iter().map(|(_, t)| t).collect();
    let offered_tw = offered(&templates, Language::ZhTw, true);
    assert_eq!(offered_tw.len(), TemplateKind::ALL.len());
    assert!(offered_tw.iter().all(|t| t.language == Language::ZhTw));
    assert!(offered_tw.iter().any(|t| t.text == "{name}，新年快樂！"));
}

#[test]
fn library_sorts_simplified_then_traditional_then_english() {
    let all = library(std::iter::empty::<(&str, &Record)>());
    let order: Vec<(TemplateKind, Language)> =
        all.iter().map(|(_, t)| (t.kind, t.language)).collect();
    let expected: Vec<(TemplateKind, Language)> = TemplateKind::ALL
        .iter()
        .flat_map(|k| Language::ALL.iter().map(move |l| (*k, *l)))
        .collect();
    assert_eq!(order, expected);
    assert_eq!(Language::ALL, [Language::Zh, Language::ZhTw, Language::En]);
}
