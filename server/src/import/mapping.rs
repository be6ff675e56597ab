//! Which customer field a column holds, guessed from its header (Chinese or English, as the
//! sheets managers already keep write them); the manager can change every guess.

use serde::{Deserialize, Serialize};

/// What a column is imported as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Target {
    Name,
    Phone,
    /// Further phones (a vCard's second and third): kept in the notes.
    OtherPhones,
    Gender,
    /// Solar (`1986-03-08`, `1986年3月8日`, `3月8日`) or lunar (`农历三月初八`).
    Birthday,
    Company,
    Position,
    Email,
    Wechat,
    Address,
    /// Tags separated by commas, 、 or spaces.
    Tags,
    Notes,
    Source,
    /// The day of the first visit: the customer's `created_at`.
    FirstVisit,
    /// Spend so far: one visit on the first-visit day (today without one), so lifetime value
    /// is right from day one.
    TotalSpend,
    /// A visit's day (and time, when the cell has one): a sheet of visits.
    VisitDate,
    /// A visit's amount.
    Amount,
    /// How many came to a visit.
    PartySize,
    Ignore,
}

/// What a sheet holds: customers (a customer book) or visits (a history of visits and spend,
/// each row naming its customer by phone or name).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Holds {
    #[default]
    Customers,
    Visits,
}

impl Holds {
    /// Visits when a column holds a visit's day and one its amount; else customers.
    ///
    /// ```
    /// use huitou_server::import::mapping::{Holds, guess_all};
    /// let visits = ["手机", "消费日期", "金额"].map(String::from);
    /// assert_eq!(Holds::guess(&guess_all(&visits)), Holds::Visits);
    /// let customers = ["姓名", "手机", "累计消费"].map(String::from);
    /// assert_eq!(Holds::guess(&guess_all(&customers)), Holds::Customers);
    /// ```
    pub fn guess(mapping: &[Target]) -> Holds {
        if mapping.contains(&Target::VisitDate) && mapping.contains(&Target::Amount) {
            Holds::Visits
        } else {
            Holds::Customers
        }
    }
}

impl Target {
    pub const ALL: [Target; 19] = [
        Target::Name,
        Target::Phone,
        Target::OtherPhones,
        Target::Gender,
        Target::Birthday,
        Target::Company,
        Target::Position,
        Target::Email,
        Target::Wechat,
        Target::Address,
        Target::Tags,
        Target::Notes,
        Target::Source,
        Target::FirstVisit,
        Target::TotalSpend,
        Target::VisitDate,
        Target::Amount,
        Target::PartySize,
        Target::Ignore,
    ];
}

/// Headers by the field they name, compared without spaces and case.
const SYNONYMS: [(Target, &[&str]); 18] = [
    (
        Target::Name,
        &[
            "姓名",
            "名字",
            "客户名称",
            "客户姓名",
            "客户",
            "联系人",
            "name",
            "fullname",
            "customer",
            "customername",
            "contact",
        ],
    ),
    (
        Target::Phone,
        &[
            "手机",
            "手机号",
            "手机号码",
            "电话",
            "电话号码",
            "联系电话",
            "移动电话",
            "phone",
            "mobile",
            "tel",
            "telephone",
            "cell",
            "phonenumber",
        ],
    ),
    (
        Target::OtherPhones,
        &["其他电话", "备用电话", "座机", "otherphones", "otherphone"],
    ),
    (Target::Gender, &["性别", "gender", "sex"]),
    (
        Target::Birthday,
        &[
            "生日",
            "出生日期",
            "生辰",
            "birthday",
            "birthdate",
            "dateofbirth",
            "dob",
        ],
    ),
    (
        Target::Company,
        &[
            "公司",
            "单位",
            "工作单位",
            "公司名称",
            "company",
            "organization",
            "organisation",
            "org",
        ],
    ),
    (
        Target::Position,
        &["职位", "职务", "头衔", "title", "position", "jobtitle"],
    ),
    (
        Target::Email,
        &["邮箱", "电子邮件", "电子邮箱", "email", "e-mail", "mail"],
    ),
    (Target::Wechat, &["微信", "微信号", "wechat", "weixin"]),
    (Target::Address, &["地址", "住址", "联系地址", "address"]),
    (
        Target::Tags,
        &["标签", "分类", "类别", "tags", "tag", "labels", "category"],
    ),
    (
        Target::Notes,
        &[
            "备注", "说明", "notes", "note", "remarks", "comment", "comments",
        ],
    ),
    (Target::Source, &["来源", "客户来源", "source", "channel"]),
    (
        Target::FirstVisit,
        &[
            "首次到店",
            "首次消费",
            "首次到店日期",
            "开卡日期",
            "建档日期",
            "firstvisit",
            "since",
            "createdat",
            "joined",
        ],
    ),
    (
        Target::TotalSpend,
        &[
            "累计消费",
            "消费总额",
            "累计金额",
            "总消费",
            "totalspend",
            "spend",
            "lifetimespend",
            "total",
        ],
    ),
    (
        Target::VisitDate,
        &[
            "日期",
            "消费日期",
            "到店日期",
            "就餐日期",
            "消费时间",
            "到店时间",
            "就餐时间",
            "时间",
            "date",
            "visitdate",
            "visited",
            "visitedat",
            "datetime",
        ],
    ),
    (
        Target::Amount,
        &[
            "金额",
            "消费金额",
            "实付",
            "实付金额",
            "消费额",
            "单次消费",
            "amount",
            "paid",
            "bill",
        ],
    ),
    (
        Target::PartySize,
        &[
            "人数",
            "就餐人数",
            "到店人数",
            "guests",
            "party",
            "partysize",
            "covers",
        ],
    ),
];

/// The field a header names, or [`Target::Ignore`].
///
/// ```
/// use huitou_server::import::mapping::{Target, guess};
/// assert_eq!(guess("客户名称"), Target::Name);
/// assert_eq!(guess(" Mobile "), Target::Phone);
/// assert_eq!(guess("手机号码(主)"), Target::Phone);
/// assert_eq!(guess("累计消费（元）"), Target::TotalSpend);
/// assert_eq!(guess("电话 3"), Target::Phone);
/// assert_eq!(guess("消费日期"), Target::VisitDate);
/// assert_eq!(guess("金额（元）"), Target::Amount);
/// assert_eq!(guess("喜欢的颜色"), Target::Ignore);
/// ```
pub fn guess(header: &str) -> Target {
    let key: String = header
        .chars()
        .take_while(|c| !matches!(c, '(' | '（' | '[' | '【'))
        .filter(|c| !c.is_whitespace() && *c != '_' && *c != '-' && *c != ':' && *c != '：')
        .flat_map(char::to_lowercase)
        .collect();
    // "电话2", "phone 3": a further column of the same kind (a merged header's second half).
    let key = key.trim_end_matches(|c: char| c.is_ascii_digit());
    if key.is_empty() {
        return Target::Ignore;
    }
    SYNONYMS
        .iter()
        .find(|(_, names)| names.iter().any(|n| n.replace('-', "") == key))
        .map_or(Target::Ignore, |(target, _)| *target)
}

/// A guess for every column; a field claimed by an earlier column is not given twice (the
/// later column is ignored, except further phones).
pub fn guess_all(headers: &[String]) -> Vec<Target> {
    let mut taken = Vec::new();
    headers
        .iter()
        .map(|header| {
            let target = guess(header);
            if target == Target::Ignore || !taken.contains(&target) {
                taken.push(target);
                target
            } else if target == Target::Phone {
                Target::OtherPhones
            } else {
                Target::Ignore
            }
        })
        .collect()
}
