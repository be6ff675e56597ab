//! UI strings in 简体中文, 繁體中文 and English; no user-visible text lives outside this module.
//!
//! Every key must have all three translations: the `strings!` table does not compile otherwise.

use huitou_shared::retention::Tier;
use huitou_shared::retention::holidays::Holiday;
use huitou_shared::retention::playbooks::Action;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Locale {
    #[serde(rename = "zh-CN")]
    ZhCn,
    #[serde(rename = "zh-TW")]
    ZhTw,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    pub const ALL: [Locale; 3] = [Locale::ZhCn, Locale::ZhTw, Locale::En];

    /// BCP 47 tag, for `<html lang>` and `Intl`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::ZhTw => "zh-TW",
            Self::En => "en",
        }
    }

    /// The language's own name, shown in the switcher.
    pub fn native_name(self) -> &'static str {
        match self {
            Self::ZhCn => "简体中文",
            Self::ZhTw => "繁體中文",
            Self::En => "English",
        }
    }

    pub fn from_tag(tag: &str) -> Option<Self> {
        let tag = tag.to_ascii_lowercase();
        if tag.starts_with("zh") {
            let traditional = ["zh-tw", "zh-hk", "zh-mo", "zh-hant"]
                .iter()
                .any(|t| tag.starts_with(t));
            Some(if traditional { Self::ZhTw } else { Self::ZhCn })
        } else if tag.starts_with("en") {
            Some(Self::En)
        } else {
            None
        }
    }

    /// The first of the browser's preferred languages that we speak; Simplified Chinese otherwise.
    pub fn from_browser() -> Self {
        let navigator = web_sys::window().map(|w| w.navigator());
        let languages = navigator
            .as_ref()
            .map(|n| n.languages().to_vec())
            .unwrap_or_default();
        languages
            .iter()
            .filter_map(|l| l.as_string())
            .chain(navigator.and_then(|n| n.language()))
            .find_map(|l| Self::from_tag(&l))
            .unwrap_or(Self::ZhCn)
    }
}

/// A user-visible string of one of the tables: [`Key`] (every bundle) or `MKey` (the manager
/// bundle's own screens, so a salesperson's tablet never downloads their words).
pub trait Text {
    fn text_in(&self, locale: Locale) -> &'static str;
}

macro_rules! strings {
    ($name:ident, $table:ident; $($key:ident => $zh_cn:literal, $zh_tw:literal, $en:literal;)*) => {
        /// A user-visible string.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum $name { $($key),* }

        /// Every key's text, in the order of the enum: one string per [`Locale`] with where
        /// each key's text ends in it (a table of small offsets, not of pointers: a lookup
        /// costs the bundle a few bytes instead of code or a pointer pair per key).
        mod $table {
            pub const TEXTS: [&str; 3] = [concat!($($zh_cn),*), concat!($($zh_tw),*), concat!($($en),*)];
            const LENGTHS: &[[usize; 3]] = &[$([$zh_cn.len(), $zh_tw.len(), $en.len()]),*];
            pub const ENDS: [[u32; 3]; LENGTHS.len()] = super::ends(LENGTHS);
        }

        impl $name {
            pub fn text(self, locale: Locale) -> &'static str {
                let column = match locale {
                    Locale::ZhCn => 0,
                    Locale::ZhTw => 1,
                    Locale::En => 2,
                };
                let index = self as usize;
                let start = if index == 0 { 0 } else { $table::ENDS[index - 1][column] };
                let end = $table::ENDS[index][column];
                $table::TEXTS[column]
                    .get(start as usize..end as usize)
                    .unwrap_or_default()
            }
        }

        impl Text for $name {
            fn text_in(&self, locale: Locale) -> &'static str {
                self.text(locale)
            }
        }
    };
}

/// Where each text ends in its language's string: the running sums of `lengths`.
const fn ends<const N: usize>(lengths: &[[usize; 3]]) -> [[u32; 3]; N] {
    let mut ends = [[0u32; 3]; N];
    let mut sums = [0usize; 3];
    let mut i = 0;
    while i < N {
        let mut column = 0;
        while column < 3 {
            sums[column] += lengths[i][column];
            ends[i][column] = sums[column] as u32;
            column += 1;
        }
        i += 1;
    }
    ends
}

strings! { Key, key_texts;
    // Retention configuration (issue 4): tiers, playbooks, templates, call windows.
    PresetRestaurant => "餐厅", "餐廳", "restaurant";
    PresetRetail => "零售", "零售", "retail";
    PresetB2b => "企业客户", "企業客戶", "B2B";
    AddTier => "添加等级", "新增等級", "Add tier";
    RemoveTier => "删除此等级", "刪除此等級", "Remove this tier";
    MergedInto => "已合并到", "已合併到", "Merged into";
    ReferralsPerMonth => "月均转介绍", "月均轉介紹", "Referrals per month";
    SuggestionsPerMonth => "月均建议", "月均建議", "Suggestions per month";
    Tag => "标签", "標籤", "Tag";
    ObservationReason => "建档 {days} 天，未满 {observation} 天观察期", "建檔 {days} 天，未滿 {observation} 天觀察期", "{days} days of history, under the {observation}-day observation period";
    NoHistoryYet => "还没有记录", "還沒有記錄", "No history yet";
    NoCriterionMet => "未达到任何等级条件", "未達到任何等級條件", "No tier criterion met";
    SetByHand => "手动设定", "手動設定", "Set by hand";
    ReasonSeparator => "；", "；", "; ";
    ActiveRuleSet => "当前规则", "目前規則", "Active rules";
    BuiltIn => "内置", "內建", "built in";
    TierOverridden => "等级由经理手动设定。", "等級由經理手動設定。", "A manager set this tier by hand.";
    ClearOverride => "恢复按规则计算", "恢復按規則計算", "Back to the rules";
    TierHistory => "等级变化", "等級變化", "Tier history";
    OverrideTier => "手动设定等级", "手動設定等級", "Override the tier";
    ChooseTier => "选择等级", "選擇等級", "Choose a tier";
    OverrideReason => "原因", "原因", "Reason";
    SaveOverride => "保存等级", "儲存等級", "Save tier";
    Tasks => "待办", "待辦", "Tasks";
    NoTasks => "没有待办", "沒有待辦", "No tasks";
    TaskOpen => "未完成", "未完成", "open";
    TaskDone => "已完成", "已完成", "done";
    TaskSkipped => "已跳过", "已跳過", "skipped";
    TaskThankYou => "累计消费达标，致谢", "累計消費達標，致謝", "Thank you: lifetime spend milestone";
    TaskHoliday => "节日关怀", "節日關懷", "Holiday care";
    CallFrom => "打电话请在", "打電話請在", "Call from";
    InDays => "还有 {n} 天", "還有 {n} 天", "in {n} days";
    SendGreetings => "发送节日祝福", "傳送節日祝福", "Send greetings";
    ActionHolidayGreeting => "节日短信加贺卡", "節日簡訊加賀卡", "Holiday SMS and card";
    ActionHolidayCall => "节前致电：邀请预订，备好喜爱的菜", "節前致電：邀請預訂，備好喜愛的菜", "Call before the holiday to offer a reservation";
    ActionHolidayVisit => "节前登门拜访，带上喜爱的菜并留好座位", "節前登門拜訪，帶上喜愛的菜並留好座位", "Visit in person before the holiday";
    ActionYearlyBanquet => "年终答谢宴（携家人）与新年礼物", "年終答謝宴（攜家人）與新年禮物", "Yearly thank-you banquet and New Year gift";
    ActionBirthdayGift => "生日送礼或蛋糕", "生日送禮或蛋糕", "Birthday gift or cake";
    ActionBirthdayCall => "生日致电，店里备好礼物", "生日致電，店裡備好禮物", "Birthday call, gift waiting in store";
    ActionPromotionVoucher => "主动送优惠券", "主動送優惠券", "Send promotion vouchers";
    ActionNewDishInvite => "新菜上市邀请品尝", "新菜上市邀請品嚐", "Invite to taste new dishes";
    ActionVisitTreat => "每次到店送小礼或九折", "每次到店送小禮或九折", "A small treat or 10% off at each visit";
    ActionWeekendGreeting => "周末问候并分享行业资讯", "週末問候並分享產業資訊", "Weekend greetings with news of their industry";
    ActionRewardSuggestions => "奖励建议（代金券 / 贵宾卡）", "獎勵建議（代金券 / 貴賓卡）", "Reward suggestions (voucher / VIP card)";
    ActionFamilyCare => "关心家人和朋友", "關心家人和朋友", "Care for their family and friends";
    ActionLocalRelations => "与邻里、地方单位保持往来", "與鄰里、地方單位保持往來", "Keep good relations with neighbours and local officials";
    Retention => "客户维护设置", "客戶維護設定", "Retention";
    TierRules => "等级规则", "等級規則", "Tier rules";
    TierRulesHelp => "客户按近期月均数据自动分级；任一（或全部）条件达到即进入该等级，从高到低判断。", "客戶按近期月均資料自動分級；任一（或全部）條件達到即進入該等級，從高到低判斷。", "Customers are tiered from their recent monthly averages; a tier is reached when any (or every) criterion holds, highest tier first.";
    RuleSets => "规则集", "規則集", "Rule sets";
    RulesSaved => "规则已保存", "規則已儲存", "Rules saved";
    Edit => "编辑", "編輯", "Edit";
    Activate => "启用", "啟用", "Activate";
    NewRuleSetFrom => "新建规则：", "新建規則：", "New rule set from";
    EditRuleSet => "编辑规则集", "編輯規則集", "Edit rule set";
    NewRuleSet => "新规则集", "新規則集", "New rule set";
    RuleSetName => "名称", "名稱", "Name";
    WindowDays => "统计窗口（天）", "統計視窗（天）", "Window (days)";
    ObservationDays => "观察期（天）", "觀察期（天）", "Observation period (days)";
    Combinator => "条件组合", "條件組合", "Criteria";
    AnyCriterion => "任一条件", "任一條件", "Any criterion";
    AllCriteria => "全部条件", "全部條件", "All criteria";
    TagConditions => "标签条件（逗号分隔）", "標籤條件（逗號分隔）", "Tags (comma-separated)";
    Preview => "预览", "預覽", "Preview";
    WouldChangeTier => "保存后将有 {n} 位客户等级变化", "儲存後將有 {n} 位客戶等級變化", "{n} customers would change tier";
    Now => "现在", "現在", "Now";
    AfterSaving => "保存后", "儲存後", "After saving";
    RuleSetInvalid => "请填写名称，窗口 1–730 天，观察期 0–365 天，门槛不能为负数", "請填寫名稱，視窗 1–730 天，觀察期 0–365 天，門檻不能為負數", "Give a name, a window of 1–730 days, an observation period of 0–365 days and no negative thresholds";
    SaveAndActivate => "保存并启用", "儲存並啟用", "Save and activate";
    Playbooks => "维护方法", "維護方法", "Playbooks";
    PlaybooksHelp => "每个等级要做的事；节日类事项会在节前自动生成待办，交给客户的负责人。", "每個等級要做的事；節日類事項會在節前自動產生待辦，交給客戶的負責人。", "What to do for each tier; holiday steps become dated tasks for each customer's owner.";
    DaysBeforeHoliday => "提前天数", "提前天數", "Days before";
    StepNote => "说明", "說明", "Note";
    SavePlaybook => "保存维护方法", "儲存維護方法", "Save playbook";
    CallWindows => "通话时间", "通話時間", "Call windows";
    CallWindowsHelp => "电话三不打：清早、深夜、用餐时间不打；三必打：上班一小时后、午休前、下班前。", "電話三不打：清早、深夜、用餐時間不打；三必打：上班一小時後、午休前、下班前。", "Never early, late or at mealtimes; best an hour after work starts, before noon and before the afternoon ends.";
    NoCallTimes => "不打电话的时段", "不打電話的時段", "No calls";
    BestCallTimes => "最佳通话时段", "最佳通話時段", "Best times";
    From => "从", "從", "From";
    Until => "到", "到", "Until";
    Remove => "删除", "刪除", "Remove";
    AddTimeRange => "添加时段", "新增時段", "Add a time span";
    FollowUpMinAmount => "消费满多少后回访（元）", "消費滿多少後回訪（元）", "Follow-up call after a purchase of at least";
    ThankYouThresholds => "累计消费致谢门槛（逗号分隔）", "累計消費致謝門檻（逗號分隔）", "Lifetime spend thank-you thresholds (comma-separated)";
    WholeDayForbidden => "不能全天都不打电话", "不能全天都不打電話", "The no-call spans cannot cover the whole day";
    BadNumber => "请输入有效的数字", "請輸入有效的數字", "Enter valid numbers";
    TemplatesHelp => "可用占位符：{name} {title} {favourite_dish} {store}。节日与换季短信只送祝福，不推销。", "可用占位符：{name} {title} {favourite_dish} {store}。節日與換季簡訊只送祝福，不推銷。", "Placeholders: {name} {title} {favourite_dish} {store}. Holiday and season messages carry wishes only, never selling.";
    PlaceholdersHelp => "占位符：{name} {title} {favourite_dish} {store}", "佔位符：{name} {title} {favourite_dish} {store}", "Placeholders: {name} {title} {favourite_dish} {store}";
    NewTemplate => "新模板", "新範本", "New template";
    TemplateKind => "类型", "類型", "Kind";
    TemplateLanguage => "语言", "語言", "Language";
    TemplateText => "内容", "內容", "Text";
    AddTemplate => "添加模板", "新增範本", "Add template";
    SimplifiedChinese => "简体中文", "簡體中文", "Simplified Chinese";
    English => "英文", "英文", "English";
    TraditionalChinese => "繁体中文", "繁體中文", "Traditional Chinese";
    AppName => "回头", "回頭", "Huitou";
    Tagline => "把新客变成回头客", "把新客變成回頭客", "Turn first-time customers into regulars";
    SignIn => "登录", "登入", "Sign in";
    SignOut => "退出登录", "登出", "Sign out";
    UnsyncedAtSignOut => "还有 {n} 条修改没有同步到服务器", "還有 {n} 筆修改尚未同步到伺服器", "Edits not yet on the server: {n}";
    UnsyncedAtSignOutHelp => "现在退出会把它们从这台设备上删除。联网后再退出可以保留它们。", "現在登出會把它們從這台裝置上刪除。連網後再登出即可保留。", "Signing out now deletes them from this device. Connect and sign out again to keep them.";
    StaySignedIn => "暂不退出", "暫不登出", "Stay signed in";
    SignOutAnyway => "仍然退出并删除", "仍要登出並刪除", "Sign out and delete them";
    TooManyAttempts => "尝试次数过多，请 {n} 分钟后再试", "嘗試次數過多，請 {n} 分鐘後再試", "Too many attempts: try again in {n} minutes";
    Organisation => "组织", "組織", "Organisation";
    Username => "用户名", "使用者名稱", "Username";
    Password => "密码", "密碼", "Password";
    SigningIn => "正在登录…", "正在登入…", "Signing in…";
    BadCredentials => "组织、用户名或密码不正确", "組織、使用者名稱或密碼不正確", "Organisation, username or password is wrong";
    ServerBusyToSignIn => "服务器暂时无法登录，请稍后再试", "伺服器暫時無法登入，請稍後再試", "The server cannot sign you in right now: try again in a moment";
    NoNetworkToSignIn => "无法连接服务器，请联网后登录", "無法連線伺服器，請連網後登入", "Cannot reach the server: connect to sign in";
    Customers => "客户", "客戶", "Customers";
    LogVisit => "记消费", "記消費", "Log visit";
    Settings => "设置", "設定", "Settings";
    Search => "搜索客户", "搜尋客戶", "Search customers";
    SearchHint => "姓名、电话或标签", "姓名、電話或標籤", "Name, phone or tag";
    NewCustomer => "新客户", "新客戶", "New customer";
    EditCustomer => "编辑客户", "編輯客戶", "Edit customer";
    NoCustomers => "还没有客户，先添加一位吧", "還沒有客戶，先新增一位吧", "No customers yet: add the first one";
    NoMatches => "没有找到匹配的客户", "沒有找到符合的客戶", "No customer matches";
    Name => "姓名", "姓名", "Name";
    Phone => "电话", "電話", "Phone";
    Gender => "性别", "性別", "Gender";
    Female => "女", "女", "Female";
    Male => "男", "男", "Male";
    OtherGender => "其他", "其他", "Other";
    Unspecified => "未填", "未填", "Not given";
    Birthday => "生日", "生日", "Birthday";
    Calendar => "历法", "曆法", "Calendar";
    Solar => "公历", "國曆", "Solar";
    Lunar => "农历", "農曆", "Lunar";
    LeapMonth => "闰月", "閏月", "Leap month";
    Year => "年", "年", "Year";
    Month => "月", "月", "Month";
    Day => "日", "日", "Day";
    Tags => "标签", "標籤", "Tags";
    TagsHint => "用逗号分隔，如：重点客户, 好友", "用逗號分隔，如：重點客戶, 好友", "Separate with commas, e.g. VIP, friend";
    Save => "保存", "儲存", "Save";
    Cancel => "取消", "取消", "Cancel";
    Saved => "已保存", "已儲存", "Saved";
    NameRequired => "请填写姓名", "請填寫姓名", "Please enter a name";
    PhoneTooLong => "电话最多 32 个字符", "電話最多 32 個字元", "Phone is at most 32 characters";
    Call => "打电话", "打電話", "Call";
    Visits => "消费记录", "消費紀錄", "Visits";
    NoVisits => "还没有消费记录", "還沒有消費紀錄", "No visits yet";
    Amount => "金额", "金額", "Amount";
    PartySize => "人数", "人數", "Party size";
    Occasion => "场合", "場合", "Occasion";
    Business => "商务宴请", "商務宴請", "Business";
    Friends => "朋友聚会", "朋友聚會", "Friends";
    Family => "家庭聚餐", "家庭聚餐", "Family";
    OtherOccasion => "其他", "其他", "Other";
    Items => "菜品 / 商品", "菜品 / 商品", "Dishes / products";
    ItemsHint => "用逗号分隔", "用逗號分隔", "Separate with commas";
    Note => "备注", "備註", "Note";
    ChooseCustomer => "选择客户", "選擇客戶", "Choose a customer";
    AmountInvalid => "金额必须是不小于 0 的数字", "金額必須是不小於 0 的數字", "Amount must be a number ≥ 0";
    PartySizeInvalid => "人数必须是不小于 0 的整数", "人數必須是不小於 0 的整數", "Party size must be a whole number ≥ 0";
    VisitSaved => "消费已记录", "消費已記錄", "Visit logged";
    Synced => "已同步", "已同步", "Synced";
    Waiting => "待同步", "待同步", "waiting";
    WaitingToSync => "待同步的修改", "待同步的修改", "Changes waiting to sync";
    Offline => "离线", "離線", "Offline";
    DeviceFull => "设备已满", "裝置已滿", "Device full";
    SyncStorageFull => "这台设备的存储空间已满，同步暂时无法继续。什么都不会丢：你的修改都还在这台设备上，腾出空间后同步会自动继续", "這台裝置的儲存空間已滿，同步暫時無法繼續。什麼都不會遺失：你的修改都還在這台裝置上，騰出空間後同步會自動繼續", "This device's storage is full, so sync cannot go on for now. Nothing is lost: your changes are all still on this device, and sync carries on by itself once there is space";
    Syncing => "同步中…", "同步中…", "Syncing…";
    ReceivingPercent => "正在接收资料 {percent}", "正在接收資料 {percent}", "Receiving the book {percent}";
    ReceivingChanges => "正在接收资料（{n} 项）", "正在接收資料（{n} 項）", "Receiving the book ({n} changes)";
    Rejected => "被拒绝", "被拒絕", "rejected";
    SyncState => "同步状态", "同步狀態", "Sync state";
    RejectedChanges => "被服务器拒绝的修改", "被伺服器拒絕的修改", "Changes the server refused";
    RejectedHelp => "这些修改仍保存在本机，请根据原因更正后重新录入，或交给经理处理。", "這些修改仍保存在本機，請依原因更正後重新輸入，或交給經理處理。", "These edits are kept on this device. Correct them and enter again, or ask a manager.";
    Discard => "放弃此修改", "放棄此修改", "Discard this edit";
    SyncNow => "立即同步", "立即同步", "Sync now";
    Language => "语言", "語言", "Language";
    Theme => "主题", "主題", "Theme";
    ThemeSystem => "跟随系统", "跟隨系統", "System";
    ThemeLight => "浅色", "淺色", "Light";
    ThemeDark => "深色", "深色", "Dark";
    ThisDevice => "本设备", "本裝置", "This device";
    SignedInAs => "当前用户", "目前使用者", "Signed in as";
    LastVisit => "最近消费", "最近消費", "Last visit";
    Never => "从未", "從未", "never";
    FieldHistory => "修改历史", "修改歷史", "Field history";
    Overwritten => "被覆盖的值", "被覆蓋的值", "Overwritten value";
    Restore => "恢复", "恢復", "Restore";
    NoHistory => "没有被覆盖的值", "沒有被覆蓋的值", "No overwritten values";
    Back => "返回", "返回", "Back";
    NotFound => "找不到这个页面", "找不到這個頁面", "Page not found";
    CustomerMissing => "这位客户不在本机（可能已被删除或无权查看）", "這位客戶不在本機（可能已被刪除或無權檢視）", "This customer is not on this device (deleted, or not yours to see)";
    Loading => "加载中…", "載入中…", "Loading…";
    StorageError => "本机存储出错", "本機儲存出錯", "Local storage failed";
    StorageFull => "这台设备没能存下刚才的内容（存储空间可能已满），什么都没有存一半。填写的内容还在屏幕上：请清理设备空间后再试一次", "這台裝置沒能存下剛才的內容（儲存空間可能已滿），什麼都沒有存一半。填寫的內容還在螢幕上：請清理裝置空間後再試一次", "This device could not store that (its storage is probably full), and nothing was half saved. What you entered is still on screen: free some space on the device, then try again";
    Profile => "资料", "資料", "Profile";
    ByWhom => "修改人", "修改人", "By";
    FromDevice => "设备", "裝置", "Device";
    When => "时间", "時間", "When";
    CurrentValue => "当前值", "目前值", "Current value";
    People => "人", "人", "people";
    SessionExpired => "登录已过期，请重新登录（未同步的修改仍在本机）", "登入已過期，請重新登入（未同步的修改仍在本機）", "Signed out: sign in again (unsynced edits are kept on this device)";
    Manager => "经理", "經理", "Manager";
    Salesperson => "销售", "銷售", "Salesperson";
    Admin => "管理员", "管理員", "Admin";
    YearUnknown => "不详", "不詳", "unknown";
    HardData => "基本档案", "基本檔案", "Hard data";
    SoftData => "软性档案", "軟性檔案", "Soft data";
    Relationship => "客户关系", "客戶關係", "Relationship";
    Wechat => "微信号", "微信號", "WeChat ID";
    Email => "邮箱", "電子郵件", "Email";
    Address => "地址", "地址", "Address";
    Company => "公司", "公司", "Company";
    Industry => "行业", "行業", "Industry";
    Position => "职位", "職位", "Position";
    MaritalStatus => "婚姻状况", "婚姻狀況", "Marital status";
    Ethnicity => "民族", "民族", "Ethnicity";
    AgeRange => "大约年龄", "大約年齡", "Approximate age";
    Sizes => "尺码", "尺碼", "Sizes";
    Source => "来源", "來源", "Source";
    Work => "工作情况", "工作情況", "Work";
    Hometown => "籍贯 / 老家", "籍貫 / 老家", "Hometown";
    Personality => "性格", "性格", "Personality";
    Hobbies => "兴趣爱好", "興趣愛好", "Hobbies";
    Habits => "消费习惯", "消費習慣", "Consumption habits";
    Favourites => "喜爱的菜品 / 商品", "喜愛的菜品 / 商品", "Favourite dishes / products";
    Dislikes => "忌口 / 不喜欢", "忌口 / 不喜歡", "Dislikes";
    Allergies => "过敏", "過敏", "Allergies";
    Seating => "偏好座位 / 包间", "偏好座位 / 包廂", "Preferred seating / room";
    ServiceStyle => "偏好的服务方式", "偏好的服務方式", "Preferred service style";
    Values => "价值观", "價值觀", "Values";
    Notes => "其他备注", "其他備註", "Other notes";
    Stage => "客户阶段", "客戶階段", "Lifecycle stage";
    StagePotential => "潜在客户", "潛在客戶", "Potential";
    StageProspect => "准顾客", "準顧客", "Prospect";
    StageCustomer => "顾客", "顧客", "Customer";
    StageRepeat => "回头客", "回頭客", "Repeat customer";
    StageLoyal => "忠实客户", "忠實客戶", "Loyal";
    StageLost => "已流失", "已流失", "Lost";
    LostReason => "流失原因", "流失原因", "Why lost";
    CustomerType => "客户类型", "客戶類型", "Customer type";
    TypeTrendy => "时尚年轻型", "時尚年輕型", "Young / trendy";
    TypeBusiness => "稳重商务型", "穩重商務型", "Steady business";
    TypeEntertainment => "娱乐型", "娛樂型", "Entertainment";
    TypeStudent => "学生", "學生", "Student";
    Consent => "同意接收联系与优惠信息", "同意接收聯絡與優惠資訊", "Agrees to be contacted and to receive offers";
    SharedCustomer => "团队共享（所有销售可见）", "團隊共享（所有銷售可見）", "Shared with the team (every salesperson sees it)";
    SourceWalkIn => "自来客", "自來客", "Walk-in";
    SourceReferral => "转介绍", "轉介紹", "Referral";
    SourceEvent => "活动", "活動", "Event";
    SourceOnline => "网络", "網路", "Online";
    Single => "未婚", "未婚", "Single";
    Married => "已婚", "已婚", "Married";
    Choose => "请选择", "請選擇", "Choose";
    FamilyMembers => "家人", "家人", "Family";
    AddFamilyMember => "添加家人", "新增家人", "Add family member";
    FamilyRelation => "关系", "關係", "Relation";
    Spouse => "配偶", "配偶", "Spouse";
    Child => "子女", "子女", "Child";
    Parent => "父母", "父母", "Parent";
    School => "学校", "學校", "School";
    NoFamily => "还没有记录家人", "還沒有記錄家人", "No family members yet";
    Contacts => "联系记录", "聯絡紀錄", "Contacts";
    LogContact => "记联系", "記聯絡", "Log contact";
    Channel => "方式", "方式", "Channel";
    ChannelCall => "电话", "電話", "Call";
    ChannelSms => "短信", "簡訊", "SMS";
    ChannelWechat => "微信", "微信", "WeChat";
    ChannelVisit => "拜访", "拜訪", "Visit";
    ChannelGift => "礼品 / 贺卡", "禮品 / 賀卡", "Gift / card";
    ChannelEvent => "活动", "活動", "Event";
    Purpose => "目的", "目的", "Purpose";
    Outcome => "结果", "結果", "Outcome";
    NextStep => "下一步", "下一步", "Next step";
    Message => "发短信", "傳簡訊", "Message";
    LogThisCall => "通话结束了吗？记录这次联系", "通話結束了嗎？記錄這次聯絡", "Call finished? Log this contact";
    LogThisMessage => "发完了吗？记录这次联系", "傳完了嗎？記錄這次聯絡", "Message sent? Log this contact";
    Dismiss => "不用了", "不用了", "Not now";
    Timeline => "时间线", "時間軸", "Timeline";
    ProfileChange => "资料修改", "資料修改", "Profile change";
    Totals => "消费概况", "消費概況", "Totals";
    VisitCount => "到店次数", "到店次數", "Visits";
    TotalSpend => "累计消费", "累計消費", "Total spend";
    AverageTicket => "平均客单价", "平均客單價", "Average ticket";
    FavouriteItems => "常点", "常點", "Favourite items";
    Companions => "同行人", "同行人", "Companions";
    CompanionsHint => "姓名，用逗号分隔；已有客户会自动关联", "姓名，用逗號分隔；已有客戶會自動關聯", "Names, separated by commas; existing customers are linked";
    Table => "桌号 / 包间", "桌號 / 包廂", "Table / room";
    Staff => "服务人员", "服務人員", "Served by";
    Satisfaction => "满意度", "滿意度", "Satisfaction";
    RetailDetails => "零售明细", "零售明細", "Retail details";
    Product => "商品", "商品", "Product";
    Size => "尺码", "尺碼", "Size";
    Colour => "颜色", "顏色", "Colour";
    Price => "单价", "單價", "Price";
    Delete => "删除", "刪除", "Delete";
    MoveToTrash => "移到回收站", "移到回收站", "Move to trash";
    Trash => "回收站", "回收站", "Trash";
    TrashEmpty => "回收站是空的", "回收站是空的", "The trash is empty";
    Deleted => "已删除", "已刪除", "Deleted";
    InTrashNotice => "这位客户在回收站里，历史记录都还在", "這位客戶在回收站裡，歷史紀錄都還在", "This customer is in the trash; their history is kept";
    Completeness => "档案完整度", "檔案完整度", "Profile completeness";
    Missing => "待补充", "待補充", "Missing";
    PossibleDuplicate => "可能重复", "可能重複", "Possible duplicate";
    SamePhone => "电话相同", "電話相同", "same phone";
    SameNameBirthday => "姓名和生日相同", "姓名和生日相同", "same name and birthday";
    SaveAnyway => "仍然保存为新客户", "仍然儲存為新客戶", "Save as a new customer anyway";
    OpenExisting => "打开已有客户", "開啟已有客戶", "Open the existing customer";
    MergeInto => "合并到这位客户", "合併到這位客戶", "Merge into this customer";
    Merged => "已合并", "已合併", "Merged";
    ChangedBy => "修改", "修改", "changed";
    Me => "我", "我", "me";
    RecentFirst => "最近的在前", "最近的在前", "Most recent first";
    FilterTag => "按标签筛选", "按標籤篩選", "Filter by tag";
    FilterStage => "按阶段筛选", "按階段篩選", "Filter by stage";
    Owner => "负责人", "負責人", "Owner";
    Templates => "短信库", "簡訊庫", "Message templates";
    VisitBrief => "拜访准备", "拜訪準備", "Visit brief";
    TwoAndEight => "两分钟谈正事，八分钟聊家常", "兩分鐘談正事，八分鐘聊家常", "Two minutes of business, eight minutes of life";
    TalkingPoints => "可以聊的话题", "可以聊的話題", "Talking points";
    NoTalkingPoints => "软性档案还空着：这次拜访多了解一些吧", "軟性檔案還空著：這次拜訪多了解一些吧", "The soft profile is empty: learn more on this visit";
    RecentVisits => "最近消费", "最近消費", "Recent visits";
    OpenTasks => "未完成的待办", "未完成的待辦", "Open tasks";
    PlaybookNow => "该等级的维护方法", "該等級的維護方法", "What the playbook says";
    PlaybookOther => "保持联系：消费后感谢，节日问候，留意下一次到店时间。", "保持聯絡：消費後感謝，節日問候，留意下一次到店時間。", "Keep in touch: thanks after visits, holiday greetings, watch for their next visit.";
    TemplateHoliday => "节日祝福", "節日祝福", "Holiday wishes";
    TemplateBirthday => "生日祝福", "生日祝福", "Birthday";
    TemplateSeason => "换季关怀", "換季關懷", "Season change";
    TemplateThinking => "想念问候", "想念問候", "Thinking of you";
    TemplateAfterVisit => "消费后感谢", "消費後感謝", "Thanks after a visit";
    TemplatePromotion => "优惠活动", "優惠活動", "Promotion";
    SendSms => "发短信", "傳簡訊", "Send SMS";
    CopyForWechat => "复制到微信", "複製到微信", "Copy for WeChat";
    Copied => "已复制并记录", "已複製並記錄", "Copied and logged";
    NoConsentNotice => "客户未同意接收优惠信息，不显示促销模板", "客戶未同意接收優惠資訊，不顯示促銷範本", "No consent to offers: promotion templates are hidden";
    Mr => "先生", "先生", "Mr";
    Ms => "女士", "女士", "Ms";
    TodayTasks => "今日待办", "今日待辦", "Due and overdue";
    Overdue => "已逾期", "已逾期", "Overdue";
    Due => "到期", "到期", "Due";
    UpcomingHolidays => "即将到来的节日", "即將到來的節日", "Coming holidays";
    NothingDue => "今天没有待办，去看看老客户吧", "今天沒有待辦，去看看老客戶吧", "Nothing due today: time to look in on a regular";
    MarkDone => "完成", "完成", "Done";
    Skip => "跳过", "跳過", "Skip";
    SkipReason => "跳过原因", "跳過原因", "Reason for skipping";
    Snooze => "明天再提醒", "明天再提醒", "Remind me tomorrow";
    GoodTimeToCall => "现在适合打电话", "現在適合打電話", "Good time to call now";
    NotNowToCall => "现在不宜打电话，下一个合适时间", "現在不宜打電話，下一個合適時間", "Not a good time to call; next good time";
    TaskFollowUp => "消费后回访", "消費後回訪", "Follow-up call after a visit";
    TaskBirthday => "生日关怀", "生日關懷", "Birthday";
    TaskWinBack => "久未到店，邀请回来", "久未到店，邀請回來", "Win back: overdue for a visit";
    TaskThankReferrer => "感谢转介绍", "感謝轉介紹", "Thank them for the referral";
    TaskCallReferred => "致电被介绍的新客", "致電被介紹的新客", "Call the referred customer";
    Tier => "客户等级", "客戶等級", "Tier";
    TierA => "A 级", "A 級", "Tier A";
    TierB => "B 级", "B 級", "Tier B";
    TierC => "C 级", "C 級", "Tier C";
    TierPotential => "潜力客户", "潛力客戶", "Potential";
    TierRegular => "一般客户", "一般客戶", "Regular";
    TierNew => "新客", "新客", "New";
    AvgMonthlySpend => "月均消费", "月均消費", "Avg monthly spend";
    VisitsPerMonth => "月均到店", "月均到店", "Visits per month";
    PredictedNextVisit => "预计下次到店", "預計下次到店", "Predicted next visit";
    DormantNotice => "已超过平常的到店间隔", "已超過平常的到店間隔", "Overdue against their usual visits";
    NewYear => "元旦", "元旦", "New Year's Day";
    SpringFestival => "春节", "春節", "Spring Festival";
    Lantern => "元宵节", "元宵節", "Lantern Festival";
    Qingming => "清明节", "清明節", "Qingming";
    LabourDay => "劳动节", "勞動節", "Labour Day";
    DragonBoat => "端午节", "端午節", "Dragon Boat Festival";
    Qixi => "七夕", "七夕", "Qixi";
    MidAutumn => "中秋节", "中秋節", "Mid-Autumn Festival";
    NationalDay => "国庆节", "國慶節", "National Day";
    DoubleNinth => "重阳节", "重陽節", "Double Ninth";
    FilterOwner => "按负责人筛选", "按負責人篩選", "Filter by owner";
    All => "全部", "全部", "All";
    Today => "今天", "今天", "Today";
    Date => "日期", "日期", "Date";
    MoveCustomer => "转给其他销售", "轉給其他業務", "Move to another salesperson";
    NewOwner => "新的负责人", "新的負責人", "New owner";
    ManagerToolsMissing => "这个页面属于管理工具，但这台服务器没有提供管理工具。", "這個頁面屬於管理工具，但這台伺服器沒有提供管理工具。", "This screen is one of the manager tools, and this server does not offer them.";
    AuditLog => "操作记录", "操作紀錄", "Audit log";
    FilterAction => "按操作筛选", "按操作篩選", "Filter by action";
    NoAuditLines => "还没有记录", "還沒有紀錄", "Nothing recorded yet";
    FilterPerson => "按人员筛选", "按人員篩選", "Filter by person";
    AuditFrom => "起始日期", "起始日期", "From";
    AuditTo => "截止日期（含当天）", "截止日期（含當天）", "To (inclusive)";
    ExportCsv => "导出 CSV", "匯出 CSV", "Export CSV";
    AuditExported => "导出了操作记录", "匯出了操作紀錄", "exported the audit log";
    AuditCustomersMoved => "把客户转给了", "把客戶轉給了", "moved customers to";
    AuditHandedOver => "交接了客户，原负责人", "交接了客戶，原負責人", "handed over the customers of";
    AuditCount => "{n} 位客户", "{n} 位客戶", "{n} customers";
    AuditExportedNote => "已导出：文件已保存到下载文件夹，这次导出也记入了操作记录。", "已匯出：檔案已存到下載資料夾，這次匯出也記入了操作紀錄。", "Exported: the file is in your downloads, and the export itself is in the audit log.";
    ShowOlder => "显示更早的", "顯示更早的", "Show older";
    AuditSignIn => "登录", "登入", "signed in";
    AuditSignInFailed => "登录失败（密码错误）", "登入失敗（密碼錯誤）", "failed to sign in (wrong password)";
    AuditSignInRefused => "登录被拒（账号已停用）", "登入被拒（帳號已停用）", "refused sign-in (account disabled)";
    AuditUserCreated => "添加了成员", "新增了成員", "added";
    AuditUserChanged => "修改了成员", "修改了成員", "changed";
    AuditPasswordReset => "重设了密码", "重設了密碼", "reset the password of";
    AuditPasswordChanged => "修改了自己的密码", "修改了自己的密碼", "changed their own password";
    AuditUserDisabled => "停用了", "停用了", "disabled";
    AuditDeviceRevoked => "让设备退出登录", "讓裝置登出", "signed a device out of";
    AuditReviewApplied => "采纳了被拒绝的修改，作者", "採納了被拒絕的修改，作者", "applied a refused change by";
    WaitingAtLastSync => "上次同步时还有 {n} 处修改待发送", "上次同步時還有 {n} 處修改待傳送", "{n} changes waiting at the last sync";
    DiscardedByManager => "{who} 没有采纳：{reason}", "{who} 沒有採納：{reason}", "{who} did not take it: {reason}";
    // Erasure (issue 10).
    ErasedDropped => "有 {n} 处修改没有发送：经理已经删除了这位客户的个人资料。", "有 {n} 處修改沒有傳送：經理已經刪除了這位客戶的個人資料。", "Not sent ({n}): a manager erased this customer's personal data.";
    EraseCustomer => "删除个人资料", "刪除個人資料", "Erase personal data";
    EraseHelp => "在服务器和所有设备上删除这位客户的姓名、电话、喜好、家人、备注和消息记录；消费日期、金额和等级会匿名保留，报表保持准确。删除后无法恢复，需要联网。", "在伺服器和所有裝置上刪除這位客戶的姓名、電話、喜好、家人、備註和訊息記錄；消費日期、金額和等級會匿名保留，報表保持準確。刪除後無法復原，需要連線。", "Erases this customer's name, phones, preferences, family, notes and message history on the server and every device; visit dates, amounts and tier stay, anonymous, so reports stay true. This cannot be undone and needs a connection.";
    EraseConfirmName => "输入客户姓名以确认：{name}", "輸入客戶姓名以確認：{name}", "Type the customer's name to confirm: {name}";
    EraseNow => "永久删除个人资料", "永久刪除個人資料", "Erase personal data for good";
    Erased => "个人资料已删除", "個人資料已刪除", "Personal data erased";
    ErasedCustomer => "已删除的客户", "已刪除的客戶", "Erased customer";
    // Escalation (issue 10).
    NeedsAttention => "需要关注", "需要關注", "Needs attention";
    NeedsAttentionHelp => "跟进已经晚了 {n} 天以上的客户。", "跟進已經晚了 {n} 天以上的客戶。", "Customers whose follow-up is {n} or more days late.";
    DaysLate => "跟进晚了 {n} 天", "跟進晚了 {n} 天", "follow-up {n} days late";
    HighRisk => "高风险", "高風險", "High risk";
    HighRiskDetail => "高风险：跟进已经晚了 {n} 天", "高風險：跟進已經晚了 {n} 天", "High risk: the follow-up is {n} days late";
    FilterHighRisk => "只看高风险", "只看高風險", "High risk only";
    NoFollowUpPlanned => "还没有安排跟进", "還沒有安排跟進", "No follow-up planned";
    NothingPlannedSince => "{date} 消费后还没有安排下一步", "{date} 消費後還沒有安排下一步", "Visited {date}, nothing planned since";
    PlanFollowUp => "安排跟进", "安排跟進", "Plan a follow-up";
    PoolAndFollowUps => "公海与跟进提醒", "公海與跟進提醒", "Pool and follow-ups";
    HighRiskBeforeAlert => "高风险的天数不能少于提醒经理的天数", "高風險的天數不能少於提醒經理的天數", "High risk cannot come before the manager's alert";
    EscalationSettings => "跟进提醒", "跟進提醒", "Follow-up escalation";
    FollowUpDays => "消费后多少天内应安排跟进", "消費後多少天內應安排跟進", "Days after a visit within which a follow-up is expected";
    AlertDays => "跟进晚了多少天提醒经理", "跟進晚了多少天提醒經理", "Days late before the manager is alerted";
    HighRiskDays => "跟进晚了多少天标记为高风险", "跟進晚了多少天標記為高風險", "Days late before the customer is flagged high-risk";
    // The shared pool (公海, issue 10).
    SharedPool => "公海客户", "公海客戶", "Shared pool";
    PoolHelp => "{days} 天没有消费或联系的客户会进入公海，任何销售都可以认领。先到服务器的认领算数。", "{days} 天沒有消費或聯絡的客戶會進入公海，任何業務都可以認領。先到伺服器的認領算數。", "Customers with no visit or contact for {days} days go to the pool, where any salesperson may claim them. The first claim to reach the server wins.";
    PoolOff => "本组织没有开启自动进入公海；经理仍可以手动把客户放回公海。", "本組織沒有開啟自動進入公海；經理仍可以手動把客戶放回公海。", "Customers do not go to the pool by themselves here; a manager can still return one by hand.";
    PoolNotYours => "没有认领成功", "沒有認領成功", "Claims that did not go through";
    PoolDismiss => "知道了", "知道了", "Got it";
    PoolClaimedByYou => "你认领的客户", "你認領的客戶", "Claimed by you";
    PoolYours => "已归你，可以打开", "已歸你，可以開啟", "Yours now: open it";
    PoolArriving => "认领成功，客户资料正在同步过来", "認領成功，客戶資料正在同步過來", "Claimed: the customer's details are on their way";
    SearchPool => "在公海中搜索", "在公海中搜尋", "Search the pool";
    PoolCount => "公海里有 {n} 位客户", "公海裡有 {n} 位客戶", "{n} customers in the pool";
    PoolEmpty => "公海里现在没有客户。", "公海裡現在沒有客戶。", "Nobody is in the pool right now.";
    Claim => "认领", "認領", "Claim";
    SpendBand => "消费区间", "消費區間", "Spend";
    PoolSince => "{date} 进入公海", "{date} 進入公海", "in the pool since {date}";
    PoolClaiming => "认领中……同步后归你", "認領中……同步後歸你", "Claiming… yours once synced";
    PoolClaimedFirst => "已被 {name} 抢先认领", "已被 {name} 搶先認領", "Claimed by {name} first";
    PoolClaimedBySomeone => "已被别的同事抢先认领", "已被別的同事搶先認領", "Another colleague claimed this customer first";
    PoolClaimTooOld => "这位客户在你认领后又重新进入了公海，请重新认领", "這位客戶在你認領後又重新進入了公海，請重新認領", "This customer went back to the pool after your claim: claim again";
    PoolClaimRefused => "认领没有成功", "認領沒有成功", "The claim did not go through";
    ReturnToPool => "放回公海", "放回公海", "Return to the shared pool";
    ReturnToPoolHelp => "客户会离开现在的负责人，任何销售都可以认领。只有姓名、等级、最近消费和消费区间对大家可见。", "客戶會離開現在的負責人，任何業務都可以認領。只有姓名、等級、最近消費和消費區間對大家可見。", "The customer leaves its owner and any salesperson may claim it. Only the name, tier, last visit and spend band are shown to everyone.";
    ReturnedToPool => "已放回公海", "已放回公海", "Returned to the shared pool";
    InThePool => "公海", "公海", "shared pool";
    Automatic => "回头（自动）", "回頭（自動）", "Huitou (automatic)";
    AuditPoolReleased => "放回公海", "放回公海", "returned to the shared pool";
    AuditCustomerErased => "删除了一位客户的个人资料", "刪除了一位客戶的個人資料", "erased a customer's personal data";
    AuditPoolClaimed => "从公海认领", "從公海認領", "claimed from the shared pool";
    PoolSettings => "公海规则", "公海規則", "Shared pool";
    PoolDays => "多少天没有消费或联系就进入公海（0 = 不自动进入）", "多少天沒有消費或聯絡就進入公海（0 = 不自動進入）", "Days without a visit or contact before a customer goes to the pool (0 = never)";
    PoolExemptTop => "A 类客户不进入公海", "A 類客戶不進入公海", "A-tier customers stay with their owner";
    AuditReviewDiscarded => "不采纳被拒绝的修改，作者", "不採納被拒絕的修改，作者", "discarded a refused change by";
    BookStillArriving => "这台设备还在接收客户资料，收完后才能转移客户。", "這台裝置還在接收客戶資料，收完後才能轉移客戶。", "This device is still receiving the book; customers can be moved once it has all of them.";
    KindTask => "待办", "待辦", "task";
    KindFamily => "家人", "家人", "family member";
    KindComplaint => "投诉", "投訴", "complaint";
    KindSuggestion => "建议", "建議", "suggestion";
    KindReferral => "转介绍", "轉介紹", "referral";
    ReviewRefused => "审核被拒绝的修改", "審核被拒絕的修改", "Review refused changes";
    ReviewHelp => "服务器拒绝的每一项修改都保存在这里：谁、哪台设备、什么时候、改了什么、为什么被拒绝。采纳后，它会以你的名义按合并规则写入；不采纳时请写明原因。", "伺服器拒絕的每一項修改都保存在這裡：誰、哪台裝置、什麼時候、改了什麼、為什麼被拒絕。採納後，它會以你的名義依合併規則寫入；不採納時請寫明原因。", "Every change the server refused is kept here: who, which device, when, what they changed and why it was refused. Applied, it goes through the merge rule as your change; discarding it needs a reason.";
    NothingToReview => "没有待审核的修改", "沒有待審核的修改", "Nothing to review";
    ReviewWords => "{who} 想把 {target} 的{field}改为 {value}", "{who} 想把 {target} 的{field}改為 {value}", "{who} tried to change {target}'s {field} to {value}";
    UnknownCustomer => "一位不在本机的客户", "一位不在本機的客戶", "a customer not on this device";
    RefusedForbidden => "被拒绝：此人无权修改这条记录", "被拒絕：此人無權修改這筆紀錄", "Refused: they may not change this record";
    RefusedInvalid => "被拒绝：内容不合规则", "被拒絕：內容不合規則", "Refused: not valid";
    RefusedClock => "被拒绝：设备时钟超前", "被拒絕：裝置時鐘超前", "Refused: the device's clock was ahead";
    RefusedInsufficient => "被拒绝：余额不足（已在另一台设备上用掉）", "被拒絕：餘額不足（已在另一台裝置上用掉）", "Refused: not enough left (spent on another device)";
    RefusedRedeemed => "被拒绝：此券已在另一次消费中使用", "被拒絕：此券已在另一次消費中使用", "Refused: this voucher was already used at another visit";
    // Loyalty (issue 13): points, stored value, vouchers.
    Membership => "会员", "會員", "Membership";
    Points => "积分", "積分", "Points";
    StoredValue => "储值余额", "儲值餘額", "Stored value";
    PointsExpire => "{n} 积分将于 {date} 到期", "{n} 積分將於 {date} 到期", "{n} points expire on {date}";
    LedgerRefusedHelp => "服务器没有接受此客户的 {n} 项会员操作，余额中不计入。与客户确认后，到这里放弃：", "伺服器沒有接受此客戶的 {n} 項會員操作，餘額中不計入。與客戶確認後，到這裡放棄：", "The server did not take {n} of this customer's membership changes, so the balances leave them out. Settle it with the customer, then discard them in";
    NotEnoughPoints => "积分不足", "積分不足", "Not enough points";
    NotEnoughStoredValue => "储值余额不足", "儲值餘額不足", "Not enough stored value";
    VoucherNameNeeded => "请填写券名", "請填寫券名", "Give the voucher a name";
    RedeemPoints => "兑换积分", "兌換積分", "Redeem points";
    PointsToRedeem => "要兑换的积分", "要兌換的積分", "Points to redeem";
    WhatFor => "兑换内容", "兌換內容", "What for";
    TopUpAmount => "充值金额", "儲值金額", "Top-up amount";
    TopUpBonus => "赠送", "贈送", "Bonus";
    TopUp => "充值", "儲值", "Top up";
    Refund => "退款", "退款", "Refund";
    RefundAmount => "退款金额", "退款金額", "Amount to refund";
    Vouchers => "优惠券", "優惠券", "Vouchers";
    VoucherUsed => "已使用", "已使用", "Used";
    VoucherExpired => "已过期", "已過期", "Expired";
    MinSpend => "最低消费", "最低消費", "Minimum spend";
    ValidUntil => "有效期至", "有效期至", "Valid until";
    IssueVoucher => "发券", "發券", "Issue voucher";
    VoucherTitle => "券名", "券名", "Voucher name";
    VoucherValue => "面值", "面值", "Value";
    LedgerHistory => "积分与储值明细", "積分與儲值明細", "Points and stored value history";
    PointsForVisit => "消费积分", "消費積分", "Earned at a visit";
    PointsAdjusted => "积分调整", "積分調整", "Points adjusted";
    PaidFromStoredValue => "储值支付", "儲值支付", "Paid from stored value";
    UseVoucher => "使用优惠券", "使用優惠券", "Use a voucher";
    NoVoucher => "不使用", "不使用", "None";
    PayFromStoredValue => "用储值支付", "用儲值支付", "Pay from stored value";
    ApplyChange => "采纳", "採納", "Apply";
    DiscardChange => "不采纳", "不採納", "Discard";
    DiscardReason => "不采纳的原因（与决定一起保存）", "不採納的原因（與決定一起保存）", "Why not (kept with the decision)";
    ConfirmDiscard => "确认不采纳", "確認不採納", "Discard this change";
    ChangeApplied => "已采纳，同步后各设备都会收到。", "已採納，同步後各裝置都會收到。", "Applied; every device receives it when it syncs.";
    ChangeDiscarded => "已不采纳。", "已不採納。", "Discarded.";
    HandOver => "离职交接", "離職交接", "Hand over";
    HandOverHelp => "把此人的全部客户、未完成的任务和记录交给你选的同事，每位客户的时间线上会留下一条交接记录；然后停用此人的账号。", "把此人的全部客戶、未完成的任務和紀錄交給你選的同事，每位客戶的時間軸上會留下一筆交接紀錄；然後停用此人的帳號。", "Their customers, open tasks and history go to the colleagues you choose, with a note on each customer's timeline; then their account is disabled.";
    HandOverHelpDisabled => "此人已停用。把仍在其名下的客户、未完成的任务和记录交给你选的同事，每位客户的时间线上会留下一条交接记录。", "此人已停用。把仍在其名下的客戶、未完成的任務和紀錄交給你選的同事，每位客戶的時間軸上會留下一筆交接紀錄。", "This account is disabled. The customers still in their name, their open tasks and history go to the colleagues you choose, with a note on each customer's timeline.";
    HandOverCount => "名下客户：{n} 位", "名下客戶：{n} 位", "Customers in their name: {n}";
    HandOverTo => "交给哪些同事", "交給哪些同事", "Give them to";
    HandOverSplit => "怎么分", "怎麼分", "How to share them";
    SplitByTier => "按等级分，每人都分到 A、B、C 各级客户", "按等級分，每人都分到 A、B、C 各級客戶", "By tier, so each gets a fair mix of A, B and C";
    SplitEvenly => "平均分", "平均分", "Evenly";
    SplitByHand => "逐个指定", "逐個指定", "By hand, customer by customer";
    SplitByHandHelp => "每位客户先按等级分好，可以逐个改给别的同事。", "每位客戶先按等級分好，可以逐個改給別的同事。", "Each customer starts where the tier split puts them; give any of them to someone else.";
    GiveTo => "{name} 交给", "{name} 交給", "Give {name} to";
    ShowMore => "显示更多", "顯示更多", "Show more";
    OthersTasksNote => "此人在别人客户上的未完成任务，交给那位客户的负责人。", "此人在別人客戶上的未完成任務，交給那位客戶的負責人。", "Their open tasks on other people's customers go to those customers' owners.";
    HandOverPreview => "交接预览", "交接預覽", "What each colleague receives";
    Colleague => "同事", "同事", "Colleague";
    OpenComplaints => "未解决投诉", "未解決投訴", "Open complaints";
    HandOverConfirm => "交接 {n} 位客户并停用", "交接 {n} 位客戶並停用", "Hand over {n} customers and disable";
    HandOverConfirmDisabled => "交接 {n} 位客户", "交接 {n} 位客戶", "Hand over {n} customers";
    HandedOver => "交接完成，同步后同事的设备就会收到。", "交接完成，同步後同事的裝置就會收到。", "Handed over; the customers reach the colleagues' devices when this device syncs.";
    HandedOverNote => "交接", "交接", "Handed over";
    FilterTier => "按等级筛选", "按等級篩選", "Filter by tier";
    FilterDormant => "只看久未到店", "只看久未到店", "Overdue for a visit only";
    MoveMatching => "把筛选出的客户转给其他销售", "把篩選出的客戶轉給其他業務", "Move these customers to another salesperson";
    MatchingCount => "符合筛选条件的客户：{n} 位（不只是列表显示的部分）", "符合篩選條件的客戶：{n} 位（不只是列表顯示的部分）", "Customers matching this search and filter: {n} (all of them, not only those listed)";
    ChooseOwner => "请选择负责人", "請選擇負責人", "Choose a salesperson";
    MoveCount => "转移 {n} 位客户", "轉移 {n} 位客戶", "Move {n} customers";
    MovedCount => "已转移 {n} 位客户，同步后对方的设备就会收到。", "已轉移 {n} 位客戶，同步後對方的裝置就會收到。", "{n} customers moved; they reach the new owner's devices when this device syncs.";
    MoveCustomerHelp => "客户的全部记录和未完成的任务会一起转过去；原负责人的设备同步后就不再显示这位客户。", "客戶的全部紀錄和未完成的任務會一起轉過去；原負責人的裝置同步後就不再顯示這位客戶。", "The whole history and the open tasks go along; the old owner's devices no longer show this customer once they sync.";
    Team => "团队", "團隊", "Team";
    TeamAndDevices => "团队与设备", "團隊與裝置", "Team and devices";
    TeamHelp => "客户属于公司，不属于个人。在这里添加同事、重设密码、停用离职人员，并查看每台设备。", "客戶屬於公司，不屬於個人。在這裡新增同事、重設密碼、停用離職人員，並查看每台裝置。", "Customers belong to the organisation, not to a person. Add colleagues, reset passwords, disable people who leave, and see every device here.";
    TeamPeople => "成员", "成員", "People";
    Devices => "设备", "裝置", "Devices";
    NoDevices => "还没有设备登录过", "尚無裝置登入過", "No device has signed in yet";
    TeamNeedsConnection => "团队页面需要联网", "團隊頁面需要連網", "The Team screen needs a connection";
    TeamCheckFields => "请检查填写的内容：用户名不能有空格，密码至少 8 个字符", "請檢查填寫的內容：使用者名稱不能有空格，密碼至少 8 個字元", "Check the fields: no spaces in the username, a password of at least 8 characters";
    TeamNotAllowed => "你没有权限这样做", "你沒有權限這樣做", "You may not do this";
    TeamServerBusy => "服务器暂时无法完成，请稍后再试", "伺服器暫時無法完成，請稍後再試", "The server could not do this right now: try again in a moment";
    TeamGone => "找不到这个成员或设备，请刷新", "找不到這位成員或裝置，請重新整理", "That person or device is no longer there: refresh";
    UsernameTaken => "这个用户名已被使用", "這個使用者名稱已被使用", "That username is taken";
    EditMember => "编辑", "編輯", "Edit";
    ResetPassword => "重设密码", "重設密碼", "Reset password";
    ResetPasswordHelp => "对方所有设备会退出登录，下次登录时必须改成自己的密码。", "對方所有裝置會登出，下次登入時必須改成自己的密碼。", "All their devices are signed out; at the next sign-in they must choose their own password.";
    SetPassword => "设定密码", "設定密碼", "Set password";
    PasswordResetDone => "密码已重设，所有设备已退出", "密碼已重設，所有裝置已登出", "Password reset; every device signed out";
    DisableMember => "停用", "停用", "Disable";
    DisableMemberHelp => "停用后无法再登录。其设备会先交回尚未同步的记录，然后删除本公司的数据。姓名仍保留在历史记录中。", "停用後無法再登入。其裝置會先交回尚未同步的紀錄，然後刪除本公司的資料。姓名仍保留在歷史紀錄中。", "They can no longer sign in. Their devices first hand in what they have not synced, then delete the organisation's data. Their name stays in history.";
    ConfirmDisable => "确认停用", "確認停用", "Disable now";
    MemberDisabled => "已停用", "已停用", "Disabled";
    Left => "已离职", "已離職", "left";
    MustChangePassword => "需修改初始密码", "需修改初始密碼", "must change first password";
    DisabledOn => "停用于", "停用於", "disabled";
    Role => "角色", "角色", "Role";
    AddMember => "添加成员", "新增成員", "Add a person";
    FirstPassword => "初始密码", "初始密碼", "First password";
    FirstPasswordHelp => "至少 8 个字符。当面告诉对方；首次登录时必须改成自己的密码。", "至少 8 個字元。當面告訴對方；首次登入時必須改成自己的密碼。", "At least 8 characters. Tell them in person; at the first sign-in they must choose their own.";
    MemberAdded => "已添加", "已新增", "Added";
    SignOutDevice => "让此设备退出", "讓此裝置登出", "Sign this device out";
    SignedIn => "已登录", "已登入", "signed in";
    SignedOut => "已退出", "已登出", "signed out";
    FirstSignIn => "首次登录", "首次登入", "first sign-in";
    LastSeen => "最近使用", "最近使用", "last seen";
    LastSync => "最近同步", "最近同步", "last sync";
    AccountDisabledNotice => "此账号已被经理停用。本机尚未同步的记录已先交回，本公司的数据已从这台设备删除。", "此帳號已被經理停用。本機尚未同步的紀錄已先交回，本公司的資料已從這台裝置刪除。", "This account was disabled by a manager. What this device had not synced was handed in first; the organisation's data has been removed from it.";
    AccountDisabledAtSignIn => "此账号已停用，请联系经理", "此帳號已停用，請聯絡經理", "This account is disabled: ask your manager";
    ChooseYourPassword => "设定你自己的密码", "設定你自己的密碼", "Choose your own password";
    ChooseYourPasswordHelp => "这个密码是别人为你设的。继续之前，请换成只有你知道的密码。", "這個密碼是別人為你設的。繼續之前，請換成只有你知道的密碼。", "Someone else set this password for you. Before going on, choose one only you know.";
    CurrentPassword => "当前密码", "目前密碼", "Current password";
    NewPassword => "新密码", "新密碼", "New password";
    NewPasswordAgain => "再次输入新密码", "再次輸入新密碼", "New password again";
    SavePassword => "保存密码", "儲存密碼", "Save password";
    PasswordTooShort => "密码至少需要 8 个字符", "密碼至少需要 8 個字元", "A password needs at least 8 characters";
    PasswordsDiffer => "两次输入的新密码不一致", "兩次輸入的新密碼不一致", "The two new passwords differ";
    WrongCurrentPassword => "当前密码不正确", "目前密碼不正確", "The current password is wrong";
    PasswordRefused => "新密码不能与当前密码相同，且至少 8 个字符", "新密碼不能與目前密碼相同，且至少 8 個字元", "The new password must differ from the current one and have at least 8 characters";
    // Service recovery and word of mouth (issue 11): complaints, suggestions, referrals, tasks by hand.
    StandardAnswers => "标准答复库", "標準答覆庫", "Standard answers";
    StandardAnswersHelp => "常见投诉的标准说法，让每位同事口径一致；投诉页面的“解释”和“处理”步骤会显示对应类别的答复。", "常見投訴的標準說法，讓每位同事口徑一致；投訴頁面的「解釋」和「處理」步驟會顯示對應類別的答覆。", "What to say for each kind of complaint, so everyone says the same; the complaint page shows the category's answer on the Explain and Resolve steps.";
    NewAnswer => "新增答复", "新增答覆", "New answer";
    AddAnswer => "添加答复", "新增答覆", "Add answer";
    Complaint => "投诉", "投訴", "Complaint";
    Complaints => "投诉", "投訴", "Complaints";
    NewComplaint => "记录投诉", "記錄投訴", "Log a complaint";
    NoComplaints => "没有投诉", "沒有投訴", "No complaints";
    ServiceTab => "投诉·建议·转介绍", "投訴·建議·轉介紹", "Complaints, ideas, referrals";
    ComplaintOpen => "待处理", "待處理", "Open";
    ComplaintPromised => "已承诺", "已承諾", "Promised";
    ComplaintResolved => "已解决", "已解決", "Resolved";
    ComplaintFollowedUp => "已回访", "已回訪", "Followed up";
    ComplaintEscalated => "已转交经理", "已轉交經理", "With a manager";
    CategoryProduct => "产品质量", "產品品質", "Product quality";
    CategoryPrice => "价格", "價格", "Price";
    CategoryDelivery => "上菜/送货", "上菜/送貨", "Delivery";
    CategoryService => "服务", "服務", "Service";
    CategoryEnvironment => "环境", "環境", "Environment";
    CategoryOther => "其他", "其他", "Other";
    ComplaintInPerson => "当面", "當面", "In person";
    ComplaintByPhone => "电话", "電話", "Phone";
    ComplaintOnline => "网上", "網上", "Online";
    ComplaintChannel => "投诉渠道", "投訴管道", "How it reached us";
    ComplaintCategory => "投诉类别", "投訴類別", "Category";
    Severity => "严重程度", "嚴重程度", "Severity";
    SeverityLow => "轻微", "輕微", "Minor";
    SeverityMedium => "一般", "一般", "Moderate";
    SeverityHigh => "严重", "嚴重", "Serious";
    CustomerWants => "客户希望怎样解决", "客戶希望怎樣解決", "What the customer wants";
    NineSteps => "处理九步", "處理九步", "The nine steps";
    StepListen => "倾听", "傾聽", "Listen";
    StepListenHelp => "让客户把话说完，关注投诉要点，不打断、不辩解。", "讓客戶把話說完，關注投訴要點，不打斷、不辯解。", "Let the customer say all of it. Note the points; don't interrupt or defend.";
    StepEmpathise => "移情", "移情", "Empathise";
    StepEmpathiseHelp => "站在客户角度，做一个真诚的听众，稳住客户情绪。", "站在客戶角度，做一個真誠的聽眾，穩住客戶情緒。", "See it from their side, be a sincere listener, and calm the moment.";
    StepApologise => "道歉", "道歉", "Apologise";
    StepApologiseHelp => "无论对错都真诚道歉：为给客户带来的不便，发自内心。", "無論對錯都真誠道歉：為給客戶帶來的不便，發自內心。", "Apologise sincerely for the trouble, whoever was at fault.";
    StepRestate => "复述", "複述", "Restate";
    StepRestateHelp => "把问题复述一遍，确认你理解的和客户说的一致。", "把問題複述一遍，確認你理解的和客戶說的一致。", "Say the problem back to be sure you understood it.";
    StepExplain => "解释", "解釋", "Explain";
    StepExplainHelp => "表明解决问题的诚意；按标准答复说明情况，口径一致。", "表明解決問題的誠意；按標準答覆說明情況，口徑一致。", "Show you mean to solve it; explain with the standard answer.";
    StepResolve => "处理", "處理", "Resolve";
    StepResolveHelp => "提出公平的解决方案，按客户的要求行事，而不是几句空话；需要时间就承诺日期。", "提出公平的解決方案，按客戶的要求行事，而不是幾句空話；需要時間就承諾日期。", "Offer a fair solution, not just words; if it takes time, promise a date.";
    StepCompensate => "补偿", "補償", "Compensate";
    StepCompensateHelp => "为带来的不便给一些有价值的补偿，比如一道菜、一张代金券或一份小礼物。", "為帶來的不便給一些有價值的補償，比如一道菜、一張代金券或一份小禮物。", "Give something of value for the trouble: a dish, a voucher, a small gift.";
    StepConclude => "结束", "結束", "Conclude";
    StepConcludeHelp => "问客户对解决办法是否满意，并感谢客户的宝贵意见。", "問客戶對解決辦法是否滿意，並感謝客戶的寶貴意見。", "Ask whether they are satisfied, and thank them for telling you.";
    StepFollowUp => "回访", "回訪", "Follow up";
    StepFollowUpHelp => "跟进落实，几天后回访：承诺做到了吗？客户还满意吗？", "跟進落實，幾天後回訪：承諾做到了嗎？客戶還滿意嗎？", "Follow it through and call back in a few days: was the promise kept?";
    StandardAnswer => "标准答复", "標準答覆", "Standard answer";
    CopyAnswer => "复制答复", "複製答覆", "Copy the answer";
    PromiseAndResolution => "承诺与解决", "承諾與解決", "Promise and resolution";
    Resolution => "解决办法", "解決辦法", "Resolution";
    PromisedBy => "承诺完成日期", "承諾完成日期", "Promised by";
    PromiseDueToday => "承诺今天到期", "承諾今天到期", "Promise due today";
    PromiseLate => "承诺已逾期 {n} 天", "承諾已逾期 {n} 天", "Promise {n} days late";
    PromisesDue => "到期的投诉承诺", "到期的投訴承諾", "Complaint promises due";
    CompensationKind => "补偿方式", "補償方式", "Compensation";
    CompensationAmount => "补偿金额", "補償金額", "Compensation amount";
    CompensationDetail => "补偿说明", "補償說明", "Compensation details";
    NoCompensation => "没有补偿", "沒有補償", "None";
    CompensationVoucher => "代金券", "代金券", "Voucher";
    CompensationDish => "赠送菜品", "贈送菜品", "A dish on the house";
    CompensationGift => "礼品", "禮品", "Gift";
    CompensationRefund => "退款", "退款", "Refund";
    SatisfactionAtClose => "结束时的满意度", "結束時的滿意度", "Satisfaction at close";
    FollowUpOn => "回访日期", "回訪日期", "Follow up on";
    HandToManager => "转交经理", "轉交經理", "Hand to a manager";
    ChooseManager => "请选择一位经理", "請選擇一位經理", "Choose a manager";
    PromiseResolution => "承诺解决", "承諾解決", "Promise";
    MarkResolved => "已解决", "已解決", "Resolved";
    MarkFollowedUp => "已回访", "已回訪", "Followed up";
    HandComplaintOver => "转交", "轉交", "Hand over";
    NeedPromiseDate => "承诺需要一个完成日期", "承諾需要一個完成日期", "A promise needs the date it will be done by";
    NeedResolution => "请先写下解决办法", "請先寫下解決辦法", "Write down the resolution first";
    NeedResolvedFirst => "投诉解决后才能回访", "投訴解決後才能回訪", "A complaint is followed up only once it is resolved";
    ComplaintAlreadyResolved => "这条投诉已经解决", "這條投訴已經解決", "This complaint is already resolved";
    ComplaintClosed => "这条投诉已回访结束", "這條投訴已回訪結束", "This complaint is followed up and closed";
    ComplaintsOpen => "未解决的投诉", "未解決的投訴", "Open complaints";
    OpenComplaintsFirst => "先处理这些，别急着推荐新品。", "先處理這些，別急著推薦新品。", "Start with these, not with what's new.";
    Suggestion => "建议", "建議", "Suggestion";
    Suggestions => "建议", "建議", "Suggestions";
    LogSuggestion => "记录建议", "記錄建議", "Log a suggestion";
    SuggestionText => "客户的建议", "客戶的建議", "The customer's idea";
    SuggestionArea => "关于", "關於", "About";
    SuggestionNeeded => "请写下建议内容", "請寫下建議內容", "Write down the idea";
    AreaDishes => "菜品/产品", "菜品/產品", "Dishes or products";
    Adopted => "已采纳", "已採納", "Adopted";
    Reward => "奖励", "獎勵", "Reward";
    RewardHint => "如：代金券一张、VIP 卡", "如：代金券一張、VIP 卡", "e.g. a voucher, a VIP card";
    Referrals => "转介绍", "轉介紹", "Referrals";
    Brought => "带来的朋友", "帶來的朋友", "Friends they brought";
    BroughtBy => "介绍人", "介紹人", "Brought by";
    BroughtAFriend => "带来了朋友", "帶來了朋友", "Brought a friend";
    WhoCame => "朋友是谁？", "朋友是誰？", "Who came?";
    BroughtThisFriend => "带来了", "帶來了", "Brought";
    NewFriend => "朋友是新客户", "朋友是新客戶", "The friend is a new customer";
    SpendThatFollowed => "朋友们累计消费", "朋友們累計消費", "Spend that followed";
    FirstCame => "首次到店", "首次到店", "First came";
    NotYetCame => "还没来过", "還沒來過", "Not been in yet";
    ReferredBy => "介绍人", "介紹人", "Referred by";
    FindReferrer => "找介绍人", "找介紹人", "Find who brought them";
    ReferredByThis => "介绍人是", "介紹人是", "Referred by";
    RemoveReferrer => "去掉介绍人", "去掉介紹人", "Remove referrer";
    AskReferralPrompt => "这位是老朋友了：方便的话，问问有没有朋友也想来试试？", "這位是老朋友了：方便的話，問問有沒有朋友也想來試試？", "A good regular: if it feels right, ask whether a friend might like to come too.";
    AskedReferral => "我问过了", "我問過了", "I asked";
    AddTask => "安排待办", "安排待辦", "Add a task";
    PlanTask => "安排待办", "安排待辦", "Plan a task";
    TaskKindLabel => "方式", "方式", "How";
    TaskCall => "打电话", "打電話", "Call";
    TaskVisit => "拜访", "拜訪", "Visit";
    TaskMessage => "发信息", "發訊息", "Message";
    DueDay => "日期", "日期", "Day";
    AtTime => "时间", "時間", "Time";
    AssignTo => "负责人", "負責人", "Who does it";
    DueNeeded => "请选一个日期", "請選一個日期", "Pick a day";
    NextStepOn => "下一步日期", "下一步日期", "Next step on";
    WhoseTasks => "谁的待办", "誰的待辦", "Whose tasks";
    MyTasks => "我的", "我的", "Mine";
    TeamTasks => "团队", "團隊", "Team";
    TaskComplaintFollowUp => "投诉回访", "投訴回訪", "Complaint follow-up call";
    TaskComplaintReview => "查看不满意的投诉", "查看不滿意的投訴", "Review an unhappy complaint";
    TaskComplaintEscalated => "转交给你的投诉", "轉交給你的投訴", "Complaint handed to you";
    TaskThankSuggestion => "感谢采纳的建议", "感謝採納的建議", "Thank for an adopted idea";
    WhenHelp => "不填就是现在；补记之前的事可以选更早的时间。", "不填就是現在；補記之前的事可以選更早的時間。", "Now unless you pick an earlier time (catching up later).";
    WhenInvalid => "时间格式不对", "時間格式不對", "That time can't be read";
    WhenInFuture => "不能记录将来的时间", "不能記錄將來的時間", "That time is still to come";
    // Anniversaries and organisation days (issue 11).
    BirthdaysAndAnniversaries => "生日与纪念日", "生日與紀念日", "Birthdays and anniversaries";
    NoCelebrations => "7 天内没有生日或纪念日", "7 天內沒有生日或紀念日", "No birthdays or anniversaries in the next 7 days";
    WeddingAnniversary => "结婚纪念日", "結婚紀念日", "Wedding anniversary";
    FoundingAnniversary => "公司成立纪念日", "公司成立紀念日", "Company founding day";
    FirstVisitAnniversary => "首次到店纪念日", "首次到店紀念日", "First-visit anniversary";
    WeddingYears => "结婚 {n} 周年", "結婚 {n} 週年", "{n} years married";
    FoundingYears => "公司成立 {n} 周年", "公司成立 {n} 週年", "Company founded {n} years ago";
    FirstVisitYears => "首次到店 {n} 周年", "首次到店 {n} 週年", "{n} years since the first visit";
    MoreDates => "更多日子：纪念日", "更多日子：紀念日", "More dates: anniversaries";
    BirthdayNotADay => "生日的这一天不存在，请检查年、月、日", "生日的這一天不存在，請檢查年、月、日", "That birthday is not a day: check the year, month and day";
    WeddingNotADay => "结婚纪念日的这一天不存在，请检查年、月、日", "結婚紀念日的這一天不存在，請檢查年、月、日", "That wedding anniversary is not a day: check the year, month and day";
    FoundingNotADay => "公司成立纪念日的这一天不存在，请检查年、月、日", "公司成立紀念日的這一天不存在，請檢查年、月、日", "That founding day is not a day: check the year, month and day";
    OurDays => "本店节日", "本店節日", "Our own days";
    OurDaysHelp => "店庆、本地节庆、活动：提前 30 天出现在每位同事“今日”的节日里。", "店慶、本地節慶、活動：提前 30 天出現在每位同事「今日」的節日裡。", "The store's anniversary, local festivals, events: everyone sees them among Today's holidays from 30 days before.";
    NoOurDays => "还没有本店节日", "還沒有本店節日", "No days of our own yet";
    NewOurDay => "添加一个节日", "新增一個節日", "Add a day";
    OurDayName => "名称", "名稱", "Name";
    Repeats => "重复", "重複", "Repeats";
    EveryYear => "每年", "每年", "Every year";
    OnceOnly => "仅一次", "僅一次", "Once";
    AddOurDay => "添加", "新增", "Add";
    OurDayNeedsName => "请写下名称", "請寫下名稱", "Give the day a name";
    OurDayNotADay => "这一天不存在：请检查月、日（仅一次的还有年份）", "這一天不存在：請檢查月、日（僅一次的還有年份）", "That is not a day: check the month and day (and the year, for a day that happens once)";
    NextOn => "下一次 {date}", "下一次 {date}", "Next on {date}";
    DayPassed => "已过", "已過", "Passed";
    OurDayTag => "本店", "本店", "Ours";
    Insights => "经营分析", "經營分析", "Insights";
    ImportCustomers => "导入客户", "匯入客戶", "Import customers";
}

/// A word of either table, where a screen of the manager bundle mixes them (a column list, a
/// choice list, an error that may come from either).
#[cfg(feature = "manager")]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Word {
    Key(Key),
    Manager(MKey),
}

#[cfg(feature = "manager")]
impl From<Key> for Word {
    fn from(key: Key) -> Self {
        Word::Key(key)
    }
}

#[cfg(feature = "manager")]
impl From<MKey> for Word {
    fn from(key: MKey) -> Self {
        Word::Manager(key)
    }
}

#[cfg(feature = "manager")]
impl Text for Word {
    fn text_in(&self, locale: Locale) -> &'static str {
        match self {
            Word::Key(key) => key.text(locale),
            Word::Manager(key) => key.text(locale),
        }
    }
}

// The manager bundle's own screens (Insights, exports, import): their words are in its bytes only.
#[cfg(feature = "manager")]
strings! { MKey, manager_texts;
    // Insights (issue 12): the managers' figures, computed by `huitou_shared::insights`.
    InsightsHelp => "新客有没有变成回头客、谁在流失、谁在认真跟进——都按本机数据计算，离线也能看。", "新客有沒有變成回頭客、誰在流失、誰在認真跟進——都按本機資料計算，離線也能看。", "Are first-time customers coming back, who is slipping away, who keeps up the follow-ups — computed from this device's data, offline too.";
    Everyone => "全部人员", "全部人員", "Everyone";
    ReturnWindow => "回头窗口", "回頭窗口", "Return window";
    DaysN => "{n} 天", "{n} 天", "{n} days";
    BadPeriod => "请选择有效的日期：开始不能晚于结束，最长十年", "請選擇有效的日期：開始不能晚於結束，最長十年", "Pick valid dates: the start no later than the end, ten years at most";
    SectionReturn => "回头率", "回頭率", "Repeat rate";
    SectionTiers => "等级与流失", "等級與流失", "Tiers and churn";
    SectionValue => "客户价值", "客戶價值", "Customer value";
    SectionStaff => "员工", "員工", "Staff";
    RepeatHeadline => "{part} / {whole} 位新客在 {n} 天内再次到店", "{part} / {whole} 位新客在 {n} 天內再次到店", "{part} of {whole} first-time customers came back within {n} days";
    RepeatWaiting => "另有 {n} 位仍在观察期内，不计入", "另有 {n} 位仍在觀察期內，不計入", "{n} more are still inside their window and not counted yet";
    PreviousPeriod => "上一周期", "上一週期", "Previous period";
    NoFigure => "暂无数据", "暫無資料", "No data yet";
    ByFirstMonth => "按首次到店月份", "按首次到店月份", "By month of first visit";
    ByOwner => "按负责人", "按負責人", "By owner";
    BySource => "按来源", "按來源", "By source";
    ByOccasion => "按首次到店场合", "按首次到店場合", "By occasion of the first visit";
    NotRecorded => "未记录", "未記錄", "Not recorded";
    NoOwner => "无负责人", "無負責人", "No owner";
    Cohorts => "同期群留存", "同期群留存", "Cohort retention";
    CohortsHelp => "每行是某月首次到店的客户；各列是此后第 n 个月再次到店的比例。点格子查看客户。", "每行是某月首次到店的客戶；各欄是此後第 n 個月再次到店的比例。點格子查看客戶。", "Each row is the customers whose first visit fell in that month; each column the share who visited n months later. Tap a cell for the customers.";
    CohortMonth => "首次到店月份", "首次到店月份", "First visit";
    MonthPlus => "+{n} 月", "+{n} 月", "+{n} mo";
    TierDistribution => "等级分布", "等級分佈", "Tier distribution";
    TierMoves => "本期等级变化", "本期等級變化", "Tier moves in the period";
    MovedUp => "升级", "升級", "Up";
    MovedDown => "降级", "降級", "Down";
    NoMoves => "本期没有等级变化", "本期沒有等級變化", "No tier changes in this period";
    Churn => "流失", "流失", "Churn";
    ChurnHeadline => "{n} 位沉睡或流失客户", "{n} 位沉睡或流失客戶", "{n} dormant or lost customers";
    NewlyDormant => "本期新增沉睡 {n} 位（上一周期 {m} 位）", "本期新增沉睡 {n} 位（上一週期 {m} 位）", "{n} went quiet in this period ({m} in the one before)";
    ChurnByTier => "各等级流失比例", "各等級流失比例", "Churn by tier";
    ChurnByMonth => "开始沉睡的月份", "開始沉睡的月份", "Month they went quiet";
    WinBackStats => "挽回任务：计划 {planned}，完成 {done}，跳过 {skipped}，漏做 {missed}", "挽回任務：計劃 {planned}，完成 {done}，跳過 {skipped}，漏做 {missed}", "Win-back tasks: {planned} planned, {done} done, {skipped} skipped, {missed} missed";
    StateDormant => "沉睡", "沉睡", "Dormant";
    DormantSince => "沉睡自", "沉睡自", "Quiet since";
    Lifetime => "终身价值", "終身價值", "Lifetime value";
    LifetimeMethod => "预测值 = 目前累计消费 + 客单价 × 每年到店次数 × 3 年。每年到店次数按客户自己的到店间隔（中位数）计算；只来过一天或已沉睡的客户不做预测。", "預測值 = 目前累計消費 + 客單價 × 每年到店次數 × 3 年。每年到店次數按客戶自己的到店間隔（中位數）計算；只來過一天或已沉睡的客戶不做預測。", "Projected = spend so far + average ticket × visits a year × 3 years. Visits a year come from the customer's own rhythm (the median gap between visit days); customers with a single visit day, or dormant, are not projected.";
    Projected => "预测价值", "預測價值", "Projected";
    LifetimeTotals => "累计消费合计 {v}，预测合计 {p}", "累計消費合計 {v}，預測合計 {p}", "Total spend {v}, projected {p}";
    Pareto => "二八分析", "二八分析", "Pareto (80/20)";
    ParetoHeadline => "前 20% 的客户（{n} 位）贡献了 {share} 的营收", "前 20% 的客戶（{n} 位）貢獻了 {share} 的營收", "The top 20% of customers ({n}) brought {share} of revenue";
    CustomersShare => "客户占比", "客戶佔比", "Share of customers";
    RevenueShare => "营收占比", "營收佔比", "Share of revenue";
    TopCustomers => "前 20% 的客户", "前 20% 的客戶", "The top 20%";
    Rfm => "RFM 分群", "RFM 分群", "RFM segments";
    RfmHelp => "R 最近一次到店、F 本期到店次数、M 本期消费，各按五分位打 1–5 分；分群看 R 和 F。", "R 最近一次到店、F 本期到店次數、M 本期消費，各按五分位打 1–5 分；分群看 R 和 F。", "R is the recency of the last visit, F the visits in the period, M the spend in the period, each scored 1–5 by quintile; segments follow R and F.";
    SegChampions => "重要价值客户", "重要價值客戶", "Champions";
    SegLoyal => "忠诚客户", "忠誠客戶", "Loyal";
    SegPotentialLoyalists => "潜力客户", "潛力客戶", "Potential loyalists";
    SegNew => "新客户", "新客戶", "New";
    SegPromising => "有希望的客户", "有希望的客戶", "Promising";
    SegNeedAttention => "需要关注", "需要關注", "Need attention";
    SegAboutToSleep => "即将沉睡", "即將沉睡", "About to sleep";
    SegAtRisk => "有流失风险", "有流失風險", "At risk";
    SegCantLoseThem => "不能失去的客户", "不能失去的客戶", "Can't lose them";
    SegHibernating => "休眠客户", "休眠客戶", "Hibernating";
    SegLost => "已流失客户", "已流失客戶", "Lost";
    Matrix => "忠诚度 × 贡献度", "忠誠度 × 貢獻度", "Loyalty × contribution";
    MatrixHelp => "忠诚度看互动频率（本期到店与联系次数），贡献度看本期消费水平，各分低、中、高三档。点格子查看客户。", "忠誠度看互動頻率（本期到店與聯繫次數），貢獻度看本期消費水平，各分低、中、高三檔。點格子查看客戶。", "Loyalty is how often we interact (visits and contacts in the period), contribution the spend in the period; each split into low, medium and high. Tap a cell for the customers.";
    Loyalty => "忠诚度", "忠誠度", "Loyalty";
    Contribution => "贡献度", "貢獻度", "Contribution";
    LevelLow => "低", "低", "Low";
    LevelMedium => "中", "中", "Medium";
    LevelHigh => "高", "高", "High";
    StaffTitle => "员工跟进", "員工跟進", "Follow-up by salesperson";
    ContactsMade => "联系", "聯繫", "Contacts";
    OnTime => "按时", "按時", "On time";
    DoneLate => "逾期完成", "逾期完成", "Late";
    Missed => "漏做", "漏做", "Missed";
    ProfileCompleteness => "资料完整度", "資料完整度", "Profile completeness";
    ComplaintsResolved => "投诉（已解决）", "投訴（已解決）", "Complaints (resolved)";
    PromisesLate => "承诺逾期", "承諾逾期", "Promises late";
    ReferralsConverted => "转介绍成交", "轉介紹成交", "Referrals converted";
    NewCustomers => "新客", "新客", "New customers";
    CustomersBehind => "这些客户", "這些客戶", "The customers behind it";
    AndMore => "还有 {n} 位", "還有 {n} 位", "and {n} more";
    CloseList => "关闭", "關閉", "Close";
    ExportTableCsv => "导出{what}为 CSV", "匯出{what}為 CSV", "Export {what} as CSV";
    ExportTableExcel => "导出{what}为 Excel", "匯出{what}為 Excel", "Export {what} as Excel";
    Csv => "导出 CSV", "匯出 CSV", "Export CSV";
    Excel => "导出 Excel", "匯出 Excel", "Export Excel";
    AuditTableExported => "导出表格", "匯出表格", "Table exported";
    FirstTimers => "新客名单", "新客名單", "First-time customers";
    FirstVisit => "首次到店", "首次到店", "First visit";
    CameBackOn => "再次到店", "再次到店", "Came back on";
    Segment => "分群", "分群", "Segment";
    RecencyScore => "R（最近到店）", "R（最近到店）", "R (recency)";
    FrequencyScore => "F（频次）", "F（頻次）", "F (frequency)";
    MonetaryScore => "M（金额）", "M（金額）", "M (monetary)";
    // Import (issue 12): the dry run's words; the server answers in codes.
    ImportHelp => "从 Excel、CSV（包括 GBK 编码）或手机导出的 vCard 导入已有的客户，再导入他们的消费记录（第二个工作表或文件：手机或姓名、日期、金额），等级和终身价值从第一天就是对的。先检查：每一行的问题都会列出来，确认后才写入，要么全部导入，要么一条也不导入；同一个文件导入两次不会重复。", "從 Excel、CSV（包括 GBK 編碼）或手機匯出的 vCard 匯入既有客戶，再匯入他們的消費紀錄（第二個工作表或檔案：手機或姓名、日期、金額），等級和終身價值從第一天就是對的。先檢查：每一行的問題都會列出來，確認後才寫入，要麼全部匯入，要麼一筆也不匯入；同一個檔案匯入兩次不會重複。", "Bring in the customers you already have, from Excel, CSV (GBK too) or a phone's vCard export, then their visits (a second sheet or file: phone or name, date, amount), so tiers and lifetime value are right from day one. The file is checked first and every row's problems listed; nothing is written until you confirm, and then all of it or none; importing the same file twice adds nothing.";
    ImportOwners => "新客户分给", "新客戶分給", "New customers go to";
    ImportFile => "文件（CSV、Excel 或 vCard）", "檔案（CSV、Excel 或 vCard）", "File (CSV, Excel or vCard)";
    ImportUnreadable => "无法读取这个文件，或者缺少必需的列（客户：姓名；消费记录：手机或姓名、日期、金额）", "無法讀取這個檔案，或者缺少必需的欄（客戶：姓名；消費紀錄：手機或姓名、日期、金額）", "This file cannot be read, or a column it needs is missing (customers: the name; visits: phone or name, date and amount)";
    ImportCheck => "检查结果", "檢查結果", "Dry run";
    ImportCounts => "共 {rows} 行：新客户 {new}，已在客户簿中 {in_book}，有问题 {problems}", "共 {rows} 列：新客戶 {new}，已在客戶簿中 {in_book}，有問題 {problems}", "{rows} rows: {new} new customers, {in_book} already in the book, {problems} with problems";
    ImportSheet => "工作表", "工作表", "Sheet";
    ImportMapping => "各列导入为", "各欄匯入為", "What each column is";
    ImportColumn => "文件中的列", "檔案中的欄", "Column in the file";
    ImportAs => "导入为", "匯入為", "Import as";
    ImportExample => "第一行", "第一列", "First row";
    ImportRowsToSee => "需要看一下的行", "需要看一下的列", "Rows to look at";
    ImportInBook => "已在客户簿中，不再导入", "已在客戶簿中，不再匯入", "Already in the book: left as it is";
    ImportLine => "第 {n} 行", "第 {n} 列", "Line {n}";
    ImportNow => "导入 {n} 位客户", "匯入 {n} 位客戶", "Import {n} customers";
    ImportLeavingOut => "导入 {n} 位客户，跳过 {m} 行有问题的", "匯入 {n} 位客戶，略過 {m} 列有問題的", "Import {n} customers and leave out {m} rows with problems";
    ImportDone => "已导入 {n} 位客户（已在客户簿中 {in_book}，跳过 {left_out}）", "已匯入 {n} 位客戶（已在客戶簿中 {in_book}，略過 {left_out}）", "{n} customers imported ({in_book} already in the book, {left_out} left out)";
    DoNotImport => "不导入", "不匯入", "Do not import";
    StoreOrTeam => "门店或团队", "門市或團隊", "Store or team";
    TierBefore => "原等级", "原等級", "Tier before";
    TierAfter => "新等级", "新等級", "Tier after";
    EveryTeam => "所有门店和团队", "所有門市和團隊", "Every store and team";
    ImportHolds => "这个工作表是", "這個工作表是", "This sheet holds";
    ImportHoldsCustomers => "客户名单", "客戶名單", "Customers";
    ImportHoldsVisits => "消费记录（已在客户簿中的客户）", "消費紀錄（已在客戶簿中的客戶）", "Visits (of customers in the book)";
    ImportVisitCounts => "共 {rows} 行：新消费记录 {new}，已导入过 {in_book}，有问题 {problems}", "共 {rows} 列：新消費紀錄 {new}，已匯入過 {in_book}，有問題 {problems}", "{rows} rows: {new} new visits, {in_book} imported before, {problems} with problems";
    ImportVisitsNow => "导入 {n} 条消费记录", "匯入 {n} 筆消費紀錄", "Import {n} visits";
    ImportVisitsLeavingOut => "导入 {n} 条消费记录，跳过 {m} 行有问题的", "匯入 {n} 筆消費紀錄，略過 {m} 列有問題的", "Import {n} visits and leave out {m} rows with problems";
    ImportVisitsDone => "已导入 {n} 条消费记录（已导入过 {in_book}，跳过 {left_out}）", "已匯入 {n} 筆消費紀錄（已匯入過 {in_book}，略過 {left_out}）", "{n} visits imported ({in_book} imported before, {left_out} left out)";
    ImportVisitInBook => "这条消费记录已导入过，不再导入", "這筆消費紀錄已匯入過，不再匯入", "Imported before: left as it is";
    ProblemNoCustomer => "客户簿中找不到这位客户（先导入客户）", "客戶簿中找不到這位客戶（先匯入客戶）", "No such customer in the book (import the customers first)";
    ProblemAmbiguousName => "有几位客户同名，请加上手机号", "有幾位客戶同名，請加上手機號", "Several customers have this name: add the phone";
    OtherPhones => "其他电话", "其他電話", "Other phones";
    ProblemNoName => "没有姓名", "沒有姓名", "No name";
    ProblemBadPhone => "电话号码不对", "電話號碼不對", "Not a phone number";
    ProblemBadDate => "日期看不懂", "日期看不懂", "Not a date we can read";
    ProblemBadAmount => "金额不对", "金額不對", "Not an amount";
    ProblemBadValue => "内容不符合要求", "內容不符合要求", "Not a value this field takes";
    ProblemDuplicateRow => "与第 {n} 行重复", "與第 {n} 列重複", "Same as line {n}";
    AuditImported => "导入客户", "匯入客戶", "Customers imported";
}

/// The current locale, provided at the root.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    /// Reactive text of `key` in the current locale.
    pub fn t(self, key: impl Text) -> &'static str {
        key.text_in(self.locale.get())
    }
}

pub fn use_i18n() -> I18n {
    expect_context::<I18n>()
}

/// Money in the organisation's currency, formatted by the browser for the locale (`¥2,600.00`).
pub fn money(amount: f64, locale: Locale) -> String {
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"style".into(), &"currency".into());
    let _ = js_sys::Reflect::set(&options, &"currency".into(), &"CNY".into());
    // "¥2,600" rather than "CN¥2,600.00": the organisation has one currency.
    let _ = js_sys::Reflect::set(&options, &"currencyDisplay".into(), &"narrowSymbol".into());
    let _ = js_sys::Reflect::set(&options, &"minimumFractionDigits".into(), &0.into());
    let _ = js_sys::Reflect::set(&options, &"maximumFractionDigits".into(), &2.into());
    let locales = js_sys::Array::of1(&locale.tag().into());
    let format = js_sys::Intl::NumberFormat::new(&locales, &options);
    format
        .format()
        .call1(&format, &amount.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| format!("¥{amount:.2}"))
}

/// A count or share formatted by the browser for the locale (`34,000`, `45%`).
pub fn number(value: f64, locale: Locale, percent: bool) -> String {
    let options = js_sys::Object::new();
    if percent {
        let _ = js_sys::Reflect::set(&options, &"style".into(), &"percent".into());
    }
    let locales = js_sys::Array::of1(&locale.tag().into());
    let format = js_sys::Intl::NumberFormat::new(&locales, &options);
    format
        .format()
        .call1(&format, &value.into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_else(|| value.to_string())
}

/// A calendar day formatted by the browser for the locale (`2026年12月2日`, `Dec 2, 2026`).
pub fn day(date: chrono::NaiveDate, locale: Locale) -> String {
    let text = format!("{date}T00:00:00Z");
    let js = js_sys::Date::new(&text.as_str().into());
    if js.get_time().is_nan() {
        return date.to_string();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeZone".into(), &"UTC".into());
    js.to_locale_date_string(locale.tag(), &options)
        .as_string()
        .unwrap_or_else(|| date.to_string())
}

/// A date-time formatted by the browser for the locale.
pub fn date_time(rfc3339: &str, locale: Locale) -> String {
    let date = js_sys::Date::new(&rfc3339.into());
    if date.get_time().is_nan() {
        return rfc3339.to_owned();
    }
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(locale.tag(), &options)
        .as_string()
        .unwrap_or_else(|| rfc3339.to_owned())
}

// Labels of the shared retention values (tiers, playbook actions, holidays) and the tier reason
// written by `huitou_shared::retention::tier`, so those words live here with the rest.

pub fn tier_key(tier: Tier) -> Key {
    match tier {
        Tier::A => Key::TierA,
        Tier::B => Key::TierB,
        Tier::C => Key::TierC,
        Tier::Potential => Key::TierPotential,
        Tier::Regular => Key::TierRegular,
        Tier::New => Key::TierNew,
    }
}

/// A tier reason from `huitou_shared::retention::tier` in the user's language. The shared rules
/// write reasons in a fixed English grammar (also what integrations read); this puts each known
/// phrase through the i18n table and formats money for the locale. A manual override's reason is
/// the manager's own words and is shown as written.
pub fn tier_reason(reason: &str, i18n: I18n) -> String {
    let locale = i18n.locale.get();
    let phrase = |part: &str| -> String {
        let labelled = [
            ("avg monthly spend ", Key::AvgMonthlySpend),
            ("visits per month ", Key::VisitsPerMonth),
            ("referrals per month ", Key::ReferralsPerMonth),
            ("suggestions per month ", Key::SuggestionsPerMonth),
            ("tag ", Key::Tag),
        ];
        for (prefix, key) in labelled {
            if let Some(rest) = part.strip_prefix(prefix) {
                let rest = rest
                    .split(' ')
                    .map(|word| match word.strip_prefix('¥') {
                        Some(number) => number
                            .replace(',', "")
                            .parse::<f64>()
                            .map_or_else(|_| word.to_owned(), |n| money(n, locale)),
                        None => word.to_owned(),
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                return format!("{} {rest}", key.text(locale));
            }
        }
        if let Some((days, observation)) = part
            .strip_suffix("-day observation period")
            .and_then(|p| p.split_once(" days of history < "))
        {
            return Key::ObservationReason
                .text(locale)
                .replace("{days}", days)
                .replace("{observation}", observation);
        }
        match part {
            "no history yet" => Key::NoHistoryYet.text(locale).to_owned(),
            "no tier criterion met" => Key::NoCriterionMet.text(locale).to_owned(),
            "set by hand" => Key::SetByHand.text(locale).to_owned(),
            other => other.to_owned(),
        }
    };
    reason
        .split("; ")
        .map(phrase)
        .collect::<Vec<_>>()
        .join(Key::ReasonSeparator.text(locale))
}

/// The i18n key naming a playbook action.
pub fn action_key(action: Action) -> Key {
    match action {
        Action::HolidayGreeting => Key::ActionHolidayGreeting,
        Action::HolidayCall => Key::ActionHolidayCall,
        Action::HolidayVisit => Key::ActionHolidayVisit,
        Action::YearlyBanquet => Key::ActionYearlyBanquet,
        Action::BirthdayGift => Key::ActionBirthdayGift,
        Action::BirthdayCall => Key::ActionBirthdayCall,
        Action::PromotionVoucher => Key::ActionPromotionVoucher,
        Action::NewDishInvite => Key::ActionNewDishInvite,
        Action::VisitTreat => Key::ActionVisitTreat,
        Action::WeekendGreeting => Key::ActionWeekendGreeting,
        Action::RewardSuggestions => Key::ActionRewardSuggestions,
        Action::FamilyCare => Key::ActionFamilyCare,
        Action::LocalRelations => Key::ActionLocalRelations,
    }
}

/// The i18n key naming a holiday.
pub fn holiday_key(holiday: Holiday) -> Key {
    match holiday {
        Holiday::NewYear => Key::NewYear,
        Holiday::SpringFestival => Key::SpringFestival,
        Holiday::Lantern => Key::Lantern,
        Holiday::Qingming => Key::Qingming,
        Holiday::LabourDay => Key::LabourDay,
        Holiday::DragonBoat => Key::DragonBoat,
        Holiday::Qixi => Key::Qixi,
        Holiday::MidAutumn => Key::MidAutumn,
        Holiday::NationalDay => Key::NationalDay,
        Holiday::DoubleNinth => Key::DoubleNinth,
    }
}

/// A rule set's name as the user reads it: the presets (`restaurant`, `retail`, `B2B`) in the
/// user's language, a manager's own name as written.
pub fn rule_set_name(name: &str, i18n: I18n) -> String {
    let key = match name {
        "restaurant" => Some(Key::PresetRestaurant),
        "retail" => Some(Key::PresetRetail),
        "B2B" => Some(Key::PresetB2b),
        _ => None,
    };
    key.map_or_else(|| name.to_owned(), |key| i18n.t(key).to_owned())
}
