//! What the demo stores sell: categories with their products, prices and
//! category-specific questions, plus the fictional names used for stores,
//! agents and buyers (no real person or brand).

use crate::text::Topic;

/// A product line of a store.
pub struct Category {
    /// Short name used in the store name (服饰, 数码, …).
    pub name: &'static str,
    /// Products and their prices in fen.
    pub products: &'static [(&'static str, i64)],
    /// Questions specific to the category.
    pub topics: &'static [Topic],
    /// Sizes an agent may recommend.
    pub sizes: &'static [&'static str],
}

const APPAREL_SIZE: Topic = Topic {
    q: &[
        "我身高{h}，体重{w}斤，穿什么码？",
        "{p}偏大还是偏小？",
        "平时穿L码，这款选哪个码？",
        "我要L码,黑色",
    ],
    a: &[
        "亲，根据您的身高体重建议选{s}码哦",
        "亲，这款版型正常，按平时尺码拍就可以",
        "亲，参考尺码：\nM码：身高155-165cm，体重90-110斤\nL码：身高165-172cm，体重110-130斤\nXL码：身高172-180cm，体重130-150斤",
        "亲，这款偏大一码，建议拍小一码哦",
    ],
};
const APPAREL_MATERIAL: Topic = Topic {
    q: &[
        "这个是什么材质的？",
        "{p}起球吗？",
        "会掉色吗？",
        "是纯棉的吗",
    ],
    a: &[
        "亲，这款面料是95%棉+5%氨纶，舒适透气",
        "亲，正常穿着不会起球的，建议手洗或翻面机洗哦",
        "第一次洗可能会有轻微浮色，属于正常现象哦",
    ],
};
const DIGITAL_SPEC: Topic = Topic {
    q: &[
        "{p}保修多久？",
        "支持以旧换新吗？",
        "续航多久？",
        "能开发票吗？",
        "是国行吗？",
    ],
    a: &[
        "亲，全国联保一年，支持7天无理由退换",
        "亲，支持以旧换新的，可以在商品页选择\"以旧换新\"服务",
        "亲，正常使用续航约{d}天",
        "可以开电子发票的，下单时备注抬头和税号即可",
        "亲，全部是国行正品，支持官网验证",
    ],
};
const DIGITAL_COMPAT: Topic = Topic {
    q: &[
        "安卓手机能用吗？",
        "{p}有几种颜色？",
        "和上一代比有什么升级？",
    ],
    a: &[
        "亲，安卓和苹果手机都可以用的",
        "亲，目前有黑色、白色和蓝色三种，蓝色是双11限定色哦",
        "亲，新款芯片升级，续航提升了30%左右",
    ],
};
const BEAUTY_SKIN: Topic = Topic {
    q: &[
        "适合敏感肌吗？",
        "干皮能用吗",
        "孕妇可以用吗？",
        "{p}是正品吗？",
    ],
    a: &[
        "亲，这款温和无刺激，敏感肌也可以使用，建议先在耳后试用哦",
        "亲，这款很滋润的，干皮用也很合适",
        "亲，本店所有商品都是品牌官方授权，支持专柜验货",
    ],
};
const BEAUTY_DATE: Topic = Topic {
    q: &[
        "保质期到什么时候？",
        "有小样送吗？",
        "生产日期是什么时候的？",
    ],
    a: &[
        "亲，生产日期是今年的，保质期3年",
        "亲，双11下单送同款小样{d}片哦",
        "亲，都是今年下半年生产的新货",
    ],
};
const FOOD_FRESH: Topic = Topic {
    q: &[
        "保质期多久？",
        "是今年的新货吗？",
        "一箱有多少包？",
        "{p}甜不甜",
    ],
    a: &[
        "亲，保质期{d}个月，都是近期生产的新鲜货",
        "亲，是今年的新货哦",
        "亲，一箱30包，每包25g",
        "亲，口感适中，不会太甜的",
    ],
};
const HOME_SPEC: Topic = Topic {
    q: &[
        "{p}尺寸是多少？",
        "有味道吗？",
        "可以机洗吗？",
        "安装麻烦吗",
    ],
    a: &[
        "亲，有1.5m和1.8m两种规格，具体请看详情页尺寸图",
        "亲，出厂前已经通风处理，拆开晾一两天就没有味道了",
        "可以机洗的亲，建议30度以下水温",
        "亲，不需要安装，拆开即用",
    ],
};

/// Every category a demo store may sell.
pub const CATEGORIES: &[Category] = &[
    Category {
        name: "服饰",
        products: &[
            ("加绒卫衣", 12_900),
            ("羊毛大衣", 59_900),
            ("高腰牛仔裤", 15_900),
            ("轻薄羽绒服", 89_900),
            ("针织毛衣", 19_900),
            ("纯棉T恤", 3_990),
        ],
        topics: &[APPAREL_SIZE, APPAREL_SIZE, APPAREL_MATERIAL],
        sizes: &["S", "M", "L", "XL", "XXL"],
    },
    Category {
        name: "数码",
        products: &[
            ("蓝牙耳机", 29_900),
            ("智能手表", 129_900),
            ("平板电脑", 259_900),
            ("充电宝", 9_900),
            ("机械键盘", 34_900),
        ],
        topics: &[DIGITAL_SPEC, DIGITAL_COMPAT],
        sizes: &["标准版"],
    },
    Category {
        name: "美妆",
        products: &[
            ("保湿面霜", 26_800),
            ("丝绒口红", 12_900),
            ("修护精华液", 45_900),
            ("氨基酸洗面奶", 5_990),
            ("补水面膜", 8_900),
        ],
        topics: &[BEAUTY_SKIN, BEAUTY_DATE],
        sizes: &["50ml"],
    },
    Category {
        name: "食品",
        products: &[
            ("坚果礼盒", 12_900),
            ("每日坚果", 6_990),
            ("风干牛肉干", 3_990),
            ("茶叶礼盒", 29_900),
            ("土蜂蜜", 5_990),
        ],
        topics: &[FOOD_FRESH],
        sizes: &["500g"],
    },
    Category {
        name: "家居",
        products: &[
            ("纯棉四件套", 29_900),
            ("乳胶枕", 15_900),
            ("电热毯", 12_900),
            ("收纳箱", 3_990),
            ("保温杯", 8_900),
        ],
        topics: &[HOME_SPEC],
        sizes: &["1.8m"],
    },
];

/// Fictional brand words for store names.
pub const BRANDS: &[&str] = &[
    "暖阳",
    "森屿",
    "云朵",
    "青禾",
    "拾光",
    "柚子",
    "星河",
    "木棉",
    "初见",
    "南风",
    "半夏",
    "晴川",
    "北极熊",
    "小鹿",
    "橘猫",
    "山茶",
    "月白",
    "知岛",
    "麦田",
    "鲸落",
    "栗子",
    "白桃",
    "青柠",
    "远山",
];

/// Agent nicknames (a prime count, so stepping through them visits all).
pub const AGENT_NICKS: &[&str] = &[
    "小美", "阿杰", "小雨", "可可", "小新", "糖糖", "阿飞", "小鹿", "七七", "豆豆", "乐乐", "小北",
    "安安", "芒果", "小满", "阿宁", "嘟嘟", "小夏", "阿哲", "米粒", "西西", "小橙", "阿文", "果果",
    "小舟", "朵朵", "阿琪", "小桃", "十一", "阿远", "小柒", "皮皮", "小羽", "阿澄", "暖暖", "小星",
    "阿南", "奶糖", "小川", "阿月", "布丁", "小禾", "阿青", "甜甜", "小野", "阿楠", "小九",
];

/// Buyer nickname stems for platform-like buyer ids.
pub const BUYER_NICKS: &[&str] = &[
    "小王",
    "阿花",
    "大白",
    "糖糖",
    "木子",
    "小鱼儿",
    "橙子",
    "七七",
    "阿甘",
    "小熊",
    "兔兔",
    "星星",
    "小李",
    "阿珍",
    "胖虎",
    "喵喵",
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_empty() {
        assert_eq!(AGENT_NICKS.len(), 47);
        for c in CATEGORIES {
            assert!(!c.products.is_empty() && !c.topics.is_empty() && !c.sizes.is_empty());
            for t in c.topics {
                assert!(!t.q.is_empty() && !t.a.is_empty());
            }
            assert!(c.products.iter().all(|&(_, p)| p > 0));
        }
    }
}
