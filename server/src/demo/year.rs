//! A year in the life of the demo restaurant: a few hundred customers with the rhythms a real
//! book has — regulars, occasional guests, customers who drifted away, one-time guests, new
//! faces this month and prospects never seen yet — with soft data, families, lunar birthdays and
//! tags, and the work around them: follow-up calls, complaints at every step, suggestions,
//! referrals, and tasks due today. Deterministic (a fixed seed; dates relative to `now`), so every
//! screen, Insights included, shows something real on the first run.

use super::{Dice, OCCASIONS};
use huitou_shared::{Change, Clock, DeviceId};
use serde_json::{Value, json};

const SURNAMES: [&str; 40] = [
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "胡", "朱", "高", "林",
    "何", "郭", "马", "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "董", "程", "曹", "袁", "邓",
    "许", "沈", "曾", "彭", "苏", "蒋", "蔡", "叶",
];
const GIVEN: [&str; 48] = [
    "晓燕", "建华", "志强", "丽娟", "海涛", "雅婷", "文博", "思远", "玉兰", "国平", "佳怡", "子豪",
    "春梅", "德明", "静怡", "浩然", "秀英", "伟杰", "欣然", "振宇", "美玲", "立新", "若曦", "天佑",
    "淑芬", "永刚", "梦瑶", "俊杰", "桂英", "家豪", "慧敏", "明轩", "凤霞", "宏伟", "诗涵", "鹏飞",
    "艳红", "嘉欣", "志明", "婉清", "国强", "雨桐", "长青", "紫萱", "金龙", "心怡", "少华", "一鸣",
];
const TAGS: [&str; 6] = ["VIP", "商务", "家庭", "老客户", "学生", "宴请"];
const SOURCES: [&str; 4] = ["walk_in", "referral", "event", "online"];
const DISHES: [&str; 12] = [
    "清蒸鲈鱼",
    "北京烤鸭",
    "宫保鸡丁",
    "麻婆豆腐",
    "东坡肉",
    "白切鸡",
    "蟹黄豆腐",
    "佛跳墙",
    "松鼠桂鱼",
    "腌笃鲜",
    "小笼包",
    "龙井虾仁",
];
const HOBBIES: [&str; 6] = ["高尔夫", "钓鱼", "书法", "茶道", "摄影", "马拉松"];
const SEATING: [&str; 4] = ["靠窗", "包间", "安静角落", "大圆桌"];
const ALLERGIES: [&str; 3] = ["花生", "海鲜", "不吃辣"];
const COMPANIES: [&str; 5] = [
    "华联贸易",
    "东方建设",
    "远航科技",
    "金桥律师事务所",
    "新民医院",
];

/// How a customer visits: the kinds of rhythm a real book mixes.
#[derive(Clone, Copy, PartialEq)]
enum Rhythm {
    /// Every one to three weeks all year.
    Regular,
    /// Every month or two.
    Occasional,
    /// Came regularly, then stopped three to eight months ago.
    Lapsed,
    /// One visit this year.
    Once,
    /// First visit within the last four weeks.
    New,
    /// Never visited yet.
    Prospect,
}

fn rhythm(index: usize) -> Rhythm {
    match index % 20 {
        0..=3 => Rhythm::Regular,
        4..=9 => Rhythm::Occasional,
        10..=13 => Rhythm::Lapsed,
        14..=16 => Rhythm::Once,
        17..=18 => Rhythm::New,
        _ => Rhythm::Prospect,
    }
}

/// The demo's year, per owner (the owners' own devices write their customers).
pub struct Year {
    clock: Clock,
    now_ms: u64,
    batches: [Vec<Change>; 2],
}

impl Year {
    fn write(&mut self, owner: usize, kind: &str, id: &str, field: &str, value: Value) {
        let hlc = self.clock.tick(self.now_ms).to_string();
        self.batches[owner].push(Change::new(kind, id, field, value, &hlc));
    }

    fn record(&mut self, owner: usize, kind: &str, fields: &[(&str, Value)]) -> String {
        let id = huitou_shared::model::new_id();
        for (field, value) in fields {
            self.write(owner, kind, &id, field, value.clone());
        }
        id
    }
}

/// `CUSTOMERS` customers of the two salespeople (`owners`) and their year, as changes per owner.
pub const CUSTOMERS: usize = 300;

pub fn changes(owners: &[String; 2], now: chrono::DateTime<chrono::Utc>) -> [Vec<Change>; 2] {
    let device = DeviceId::parse("demo-year").unwrap_or_else(|_| DeviceId::random());
    let mut year = Year {
        clock: Clock::new(device),
        now_ms: u64::try_from(now.timestamp_millis()).unwrap_or_default(),
        batches: [Vec::new(), Vec::new()],
    };
    let mut dice = Dice(20_261_207);
    let china = chrono::FixedOffset::east_opt(8 * 3600).unwrap_or(*now.fixed_offset().offset());
    let today = now.with_timezone(&china).date_naive();
    // A moment on `days_ago` at lunch or dinner, in the restaurant's time zone.
    let at = |dice: &mut Dice, days_ago: i64| -> String {
        let day = today - chrono::Days::new(days_ago.max(0) as u64);
        let (hour, minute) = if dice.next(3) == 0 {
            (11 + dice.next(2) as u32, 30)
        } else {
            (18 + dice.next(3) as u32, 15 * dice.next(4) as u32)
        };
        format!("{day}T{hour:02}:{minute:02}:00+08:00")
    };
    let mut customers: Vec<(String, usize, Rhythm, Vec<i64>)> = Vec::new();
    for index in 0..CUSTOMERS {
        let owner = index % 2;
        let kind = rhythm(index);
        let name = format!(
            "{}{}",
            SURNAMES[index % SURNAMES.len()],
            GIVEN[(index / SURNAMES.len() * 7 + index) % GIVEN.len()]
        );
        let gender = if GIVEN
            .iter()
            .position(|g| name.ends_with(g))
            .is_some_and(|i| i % 2 == 0)
        {
            "female"
        } else {
            "male"
        };
        // Visit days (days ago), oldest first.
        let mut days: Vec<i64> = match kind {
            Rhythm::Regular => {
                // The big spenders come most often.
                let gap = if index % 20 == 0 { 6 } else { 8 } + dice.next(6) as i64;
                let mut d = 330 + dice.next(30) as i64;
                let mut days = Vec::new();
                while d > 0 {
                    days.push(d);
                    d -= gap + dice.next(5) as i64 - 2;
                }
                days
            }
            Rhythm::Occasional => {
                let gap = 30 + dice.next(30) as i64;
                let mut d = 300 + dice.next(60) as i64;
                let mut days = Vec::new();
                while d > 5 {
                    days.push(d);
                    d -= gap + dice.next(9) as i64 - 4;
                }
                days
            }
            Rhythm::Lapsed => {
                let stop = 90 + dice.next(150) as i64;
                let gap = 10 + dice.next(20) as i64;
                let mut d = stop + 60 + dice.next(120) as i64;
                let mut days = Vec::new();
                while d >= stop {
                    days.push(d);
                    d -= gap;
                }
                days
            }
            Rhythm::Once => vec![20 + dice.next(320) as i64],
            Rhythm::New => {
                let first = 1 + dice.next(27) as i64;
                let mut days = vec![first];
                if first > 8 && dice.next(2) == 0 {
                    days.push(first - 3 - dice.next(5) as i64);
                }
                days
            }
            Rhythm::Prospect => Vec::new(),
        };
        days.dedup();
        let created_ago = days.first().copied().unwrap_or(10 + dice.next(60) as i64) + 1;
        let created = at(&mut dice, created_ago);
        let birthday = if index % 7 == 3 {
            json!({"calendar": "lunar", "year": 1960 + dice.next(40), "month": 1 + dice.next(12),
                   "day": 1 + dice.next(29), "leap": false})
        } else {
            json!({"calendar": "solar", "year": 1960 + dice.next(45), "month": 1 + dice.next(12),
                   "day": 1 + dice.next(28), "leap": false})
        };
        let mut fields = vec![
            ("name", json!(name)),
            (
                "phone",
                json!(format!(
                    "1{}{:08}",
                    35 + index % 5,
                    20_000_000 + index * 7_919
                )),
            ),
            ("gender", json!(gender)),
            ("birthday", birthday),
            ("owner", json!(owners[owner])),
            ("created_at", json!(created)),
            ("source", json!(SOURCES[dice.next(4) as usize])),
        ];
        let tag = format!("tag:{}", TAGS[(index / 3) % TAGS.len()]);
        fields.push((tag.as_str(), json!(true)));
        if kind == Rhythm::Regular || index % 3 == 0 {
            fields.push(("hobbies", json!(HOBBIES[dice.next(6) as usize])));
            fields.push(("favourites", json!(DISHES[dice.next(12) as usize])));
            fields.push(("seating", json!(SEATING[dice.next(4) as usize])));
        }
        if index % 4 == 0 {
            fields.push(("company", json!(COMPANIES[dice.next(5) as usize])));
            fields.push((
                "position",
                json!(if index % 8 == 0 {
                    "总经理"
                } else {
                    "经理"
                }),
            ));
        }
        if index % 9 == 0 {
            fields.push(("allergies", json!(ALLERGIES[dice.next(3) as usize])));
        }
        if kind == Rhythm::Lapsed && index % 3 == 0 {
            fields.push(("stage", json!("lost")));
            fields.push((
                "lost_reason",
                json!(if index % 2 == 0 {
                    "搬到外地"
                } else {
                    "嫌上菜慢"
                }),
            ));
        } else if kind == Rhythm::Regular {
            fields.push(("stage", json!("loyal")));
        }
        let id = year.record(owner, "customer", &fields);
        if index % 5 == 0 {
            let relation = ["spouse", "child", "parent"][dice.next(3) as usize];
            year.record(
                owner,
                "family",
                &[
                    ("customer_id", json!(id)),
                    ("relation", json!(relation)),
                    ("name", json!(format!("{}{}", SURNAMES[(index + 3) % 40], GIVEN[(index + 11) % 48]))),
                    ("birthday", json!({"calendar": "solar", "year": 1970 + dice.next(45), "month": 1 + dice.next(12), "day": 1 + dice.next(28), "leap": false})),
                ],
            );
        }
        // A spread of tiers among the regulars (restaurant rules: ¥8,000 a month for A, ¥5,000
        // for B, ¥3,000 for C): business banquets, families, couples.
        let (per_visit, party_max) = match (kind, index % 20) {
            (Rhythm::Regular, 0) => (3_200, 12),
            (Rhythm::Regular, 1) => (1_800, 8),
            (Rhythm::Regular, 2) => (1_150, 6),
            (Rhythm::Regular, _) => (420, 4),
            (Rhythm::Lapsed, _) => (380, 4),
            _ => (260, 4),
        };
        for &ago in &days {
            let party = 1 + dice.next(party_max);
            let items: Vec<&str> = (0..1 + dice.next(4))
                .map(|_| DISHES[dice.next(12) as usize])
                .collect();
            let amount = per_visit * (80 + dice.next(40)) / 100 / 10 * 10;
            year.record(
                owner,
                "visit",
                &[
                    ("customer_id", json!(id)),
                    ("at", json!(at(&mut dice, ago))),
                    ("amount", json!(amount)),
                    ("party_size", json!(party)),
                    ("occasion", json!(OCCASIONS[dice.next(4) as usize])),
                    ("items", json!(items)),
                ],
            );
            // A thank-you call a day or two after most dinners of regulars and newcomers.
            if matches!(kind, Rhythm::Regular | Rhythm::New) && ago > 2 && dice.next(3) > 0 {
                let after = ago - 1 - dice.next(2) as i64;
                year.record(
                    owner,
                    "contact",
                    &[
                        ("customer_id", json!(id)),
                        ("at", json!(at(&mut dice, after))),
                        (
                            "channel",
                            json!(["call", "wechat", "sms"][dice.next(3) as usize]),
                        ),
                        ("purpose", json!("回访")),
                        ("outcome", json!("满意，下次带朋友来")),
                        ("staff", json!(owners[owner])),
                    ],
                );
            }
        }
        customers.push((id, owner, kind, days));
    }
    // Tasks due today and a few late ones, so Today has work on the first run.
    for (n, (id, owner, _, days)) in customers
        .iter()
        .enumerate()
        .filter(|(_, c)| c.2 != Rhythm::Prospect)
        .take(24)
    {
        let due = today - chrono::Days::new(if n % 4 == 0 { 3 } else { 0 });
        let last = days.last().copied().unwrap_or(1);
        year.record(
            *owner,
            "task",
            &[
                ("customer_id", json!(id)),
                ("due", json!(due.to_string())),
                ("kind", json!("follow_up")),
                ("status", json!("open")),
                ("note", json!(format!("{last} 天前来过，问问菜品和服务"))),
            ],
        );
    }
    // Complaints at each step, suggestions and referrals.
    let statuses = [
        "open",
        "promised",
        "resolved",
        "followed_up",
        "resolved",
        "open",
    ];
    for (n, status) in statuses.iter().enumerate() {
        let (id, owner, _, days) = &customers[n * 17 + 1];
        let ago = days.last().copied().unwrap_or(3);
        let mut fields = vec![
            ("customer_id", json!(id)),
            ("at", json!(at(&mut dice, ago))),
            ("channel", json!(["in_person", "phone", "wechat"][n % 3])),
            (
                "category",
                json!(["product_quality", "service", "environment"][n % 3]),
            ),
            ("severity", json!(["medium", "high", "low"][n % 3])),
            (
                "wants",
                json!(["重新做一份", "希望道歉", "下次安排安静的座位"][n % 3]),
            ),
            ("status", json!(status)),
        ];
        if *status == "promised" {
            fields.push(("promised_by", json!(today.to_string())));
        }
        if matches!(*status, "resolved" | "followed_up") {
            fields.push(("resolution", json!("已道歉并赠送甜品")));
            fields.push(("satisfaction", json!(4)));
        }
        year.record(*owner, "complaint", &fields);
    }
    for n in 0..6 {
        let (id, owner, _, days) = &customers[n * 23 + 2];
        year.record(
            *owner,
            "suggestion",
            &[
                ("customer_id", json!(id)),
                (
                    "at",
                    json!(at(&mut dice, days.last().copied().unwrap_or(5))),
                ),
                ("area", json!(["dishes", "service", "environment"][n % 3])),
                (
                    "text",
                    json!(["加一道素菜套餐", "周末多安排服务员", "包间灯光调暗一点"][n % 3]),
                ),
                ("adopted", json!(n % 2 == 0)),
            ],
        );
    }
    // Regulars who brought friends: the friend is a newer customer of the same salesperson.
    let regulars: Vec<usize> = (0..customers.len())
        .filter(|&i| customers[i].2 == Rhythm::Regular)
        .collect();
    let newer: Vec<usize> = (0..customers.len())
        .filter(|&i| {
            matches!(
                customers[i].2,
                Rhythm::New | Rhythm::Once | Rhythm::Occasional
            )
        })
        .collect();
    for n in 0..12 {
        let (referrer, owner, _, _) = &customers[regulars[n * 3 % regulars.len()]];
        let friend = &customers[newer[(n * 7) % newer.len()]];
        if friend.1 != *owner {
            continue;
        }
        let when = friend.3.first().copied().unwrap_or(2) + 1;
        year.record(
            *owner,
            "referral",
            &[
                ("customer_id", json!(referrer)),
                ("referred_customer_id", json!(friend.0)),
                ("at", json!(at(&mut dice, when))),
            ],
        );
    }
    year.batches
}
