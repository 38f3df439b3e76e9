//! Chat text templates shared by every store, and their rendering.
//!
//! Placeholders are one letter in braces: `{t}` store name, `{a}` agent
//! nickname, `{p}` product, `{n}` price in yuan, `{s}` size, `{h}` height
//! (cm), `{w}` weight (斤), `{k}` courier, `{d}` a small number of days,
//! `{c}` coupon, `{y}` city. A few templates contain ASCII commas, double
//! quotes or line breaks on purpose, to exercise CSV quoting.

/// A question a buyer may ask and the answers an agent may give.
pub struct Topic {
    /// Buyer question templates.
    pub q: &'static [&'static str],
    /// Agent answer templates.
    pub a: &'static [&'static str],
}

/// The values placeholders stand for in one conversation.
pub struct Vars<'a> {
    /// Store display name.
    pub store: &'a str,
    /// Nickname of the agent speaking.
    pub agent: &'a str,
    /// Product the buyer is interested in.
    pub product: &'static str,
    /// Its price in fen.
    pub price: i64,
    /// Recommended size.
    pub size: &'static str,
    /// Buyer height in cm.
    pub height: i64,
    /// Buyer weight in 斤.
    pub weight: i64,
    /// Courier company.
    pub courier: &'static str,
    /// A small number of days.
    pub days: i64,
    /// Coupon wording.
    pub coupon: &'static str,
    /// Buyer city.
    pub city: &'static str,
}

/// Renders `tpl` with `v` into `out` (cleared first).
pub fn render(tpl: &str, v: &Vars, out: &mut String) {
    out.clear();
    let mut rest = tpl;
    while let Some(i) = rest.find('{') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        let b = after.as_bytes();
        if b.len() >= 2 && b[1] == b'}' {
            match b[0] {
                b't' => out.push_str(v.store),
                b'a' => out.push_str(v.agent),
                b'p' => out.push_str(v.product),
                b'n' => push_price(out, v.price),
                b's' => out.push_str(v.size),
                b'h' => push_int(out, v.height),
                b'w' => push_int(out, v.weight),
                b'k' => out.push_str(v.courier),
                b'd' => push_int(out, v.days),
                b'c' => out.push_str(v.coupon),
                b'y' => out.push_str(v.city),
                _ => out.push_str(&rest[i..i + 3]),
            }
            rest = &after[2..];
        } else {
            out.push('{');
            rest = after;
        }
    }
    out.push_str(rest);
}

fn push_int(out: &mut String, v: i64) {
    use std::fmt::Write;
    let _ = write!(out, "{v}");
}

/// A price as people write it in chat: `129`, `39.9`, `12.35`.
fn push_price(out: &mut String, fen: i64) {
    push_int(out, fen / 100);
    let f = fen % 100;
    if f != 0 {
        out.push('.');
        push_int(out, f / 10);
        if f % 10 != 0 {
            push_int(out, f % 10);
        }
    }
}

/// Couriers named in shipping answers.
pub const COURIERS: &[&str] = &["中通", "圆通", "韵达", "申通", "顺丰", "极兔", "京东物流"];
/// Coupons named in answers.
pub const COUPONS: &[&str] = &[
    "满199减20",
    "满99减10",
    "满299减30",
    "无门槛5元",
    "满399减50",
];
/// Cities buyers mention.
pub const CITIES: &[&str] = &[
    "北京",
    "上海",
    "广州",
    "成都",
    "武汉",
    "西安",
    "哈尔滨",
    "乌鲁木齐",
    "昆明",
    "厦门",
];

/// Buyer openers that only say hello.
pub const BUYER_HELLO: &[&str] = &[
    "在吗",
    "在吗？",
    "你好",
    "您好",
    "亲，在不在",
    "老板在吗",
    "你好，想咨询一下",
    "客服在吗？",
    "hello",
    "有人吗",
];
/// Agent answers to a hello.
pub const AGENT_HELLO: &[&str] = &[
    "亲，在的，请问有什么可以帮您？",
    "您好，欢迎光临{t}，请问有什么可以帮您的呢？",
    "在的亲，您说~",
    "亲亲您好，我是客服{a}，很高兴为您服务",
    "您好，在的哦，看中哪款宝贝了呢？",
];
/// Robot greetings (sender `bot`).
pub const BOT_HELLO: &[&str] = &[
    "您好，我是{t}的智能助手，请问有什么可以帮您？",
    "亲，欢迎光临{t}！智能客服为您服务，人工客服马上就来哦~",
    "您好，欢迎光临！双11爆款清单已更新，请问有什么可以帮您？",
];
/// Automatic greetings sent from an agent account (`kind = auto`).
pub const AUTO_HELLO: &[&str] = &[
    "您好，欢迎光临{t}，客服{a}很高兴为您服务~",
    "亲，在的哦，客服{a}为您服务，请稍等片刻马上回复您",
    "【自动回复】亲，欢迎光临{t}，请问有什么可以帮您？",
];
/// Robot answers to frequent questions.
pub const BOT_ANSWER: &[&str] = &[
    "亲，付款后48小时内发货，默认发{k}快递哦",
    "亲，本店支持7天无理由退换货，详情请查看商品详情页",
    "亲，双11活动期间跨店每满300减50，可叠加店铺优惠券哦",
    "您可以点击下方卡片查看尺码表和商品详情哦",
    "亲，您的问题已记录，稍后会有人工客服为您处理",
];
/// Robot note before handing a buyer to a human.
pub const BOT_TRANSFER: &[&str] = &[
    "亲，正在为您转接人工客服，请稍候~",
    "已为您转接人工客服，请耐心等待",
];
/// Robot answers outside working hours.
pub const BOT_NIGHT: &[&str] = &[
    "亲，现在是非工作时间（客服工作时间08:00-24:00），您可以先留言，客服上线后第一时间回复您~",
    "您好，客服已下班，明早8点后为您处理，给您带来不便敬请谅解",
];
/// Buyer messages of a night with no answer.
pub const BUYER_NIGHT_MORE: &[&str] = &[
    "人呢？",
    "在吗？？",
    "明天再说吧",
    "好吧",
    "？",
    "问了好几遍了，人呢",
];
/// Agent messages answering last night's messages in the morning.
pub const AGENT_MORNING: &[&str] = &[
    "亲，早上好，看到您昨晚的留言了，请问还需要什么帮助吗？",
    "您好，抱歉昨晚客服已下班，您咨询的{p}目前有现货，今天下单今天发哦",
];
/// Opener of a buyer back within hours.
pub const FOLLOWUP_SOON: &[&str] = &[
    "还在吗？刚才忘了问",
    "再问一下",
    "刚才那个{p}，我想再确认一下",
];
/// Opener of a buyer back after days.
pub const FOLLOWUP_LATER: &[&str] = &[
    "你好，我之前咨询过{p}",
    "你好，前几天问过的{p}还有吗？",
    "在吗，想再问一下{p}",
];
/// Extra buyer message right after a question.
pub const BUYER_EXTRA: &[&str] = &[
    "急",
    "在线等",
    "？",
    "麻烦快点回复一下",
    "就是这个",
    "谢谢",
    "我刚才说了，能快点吗",
    "再不回复我就投诉了",
];
/// Buyer acknowledgements.
pub const BUYER_ACK: &[&str] = &[
    "好的",
    "嗯嗯",
    "明白了",
    "哦哦",
    "行",
    "那我再看看",
    "好的我考虑一下",
    "好",
];
/// Agent closing questions.
pub const AGENT_CLOSING: &[&str] = &[
    "还有什么可以帮您的吗？",
    "亲，还有其他问题吗？",
    "请问还有其他需要帮助的吗？",
];
/// Buyer thanks at the end.
pub const BUYER_THANKS: &[&str] = &[
    "没有了，谢谢",
    "好的，谢谢",
    "嗯嗯，谢谢亲",
    "好的,谢谢",
    "OK",
    "好嘞",
    "谢谢[微笑]",
];
/// Agent goodbyes.
pub const AGENT_BYE: &[&str] = &[
    "不客气亲，祝您购物愉快~",
    "感谢您的支持，祝您生活愉快！",
    "好的亲，有问题随时联系我们哦",
    "亲，满意的话麻烦给个五星好评哦，谢谢~",
];
/// Rating invitations.
pub const INVITE: &[&str] = &["邀请您对本次服务做出评价", "亲，麻烦对{a}的服务进行评价哦"];
/// Pre-sales agent note before a transfer.
pub const TRANSFER_NOTE: &[&str] = &[
    "亲，售后问题这边帮您转接售后同事处理哦，请稍等~",
    "好的亲，这边为您转接专属售后客服",
];
/// Transfer event texts (the new agent's nickname in `{a}`).
pub const TRANSFER_EVENT: &[&str] = &["会话已转接给{a}", "系统：会话已由售前转接至售后（{a}）"];
/// After-sales agent taking over.
pub const AFTER_HELLO: &[&str] = &[
    "您好，我是售后客服{a}，请问订单遇到什么问题了呢？",
    "亲，您好，售后{a}为您服务，麻烦提供一下订单号哦",
];
/// Outbound: unpaid order reminder (催付).
pub const OUT_UNPAID: &[&str] = &[
    "亲，您拍下的{p}还没有付款哦，现在付款今天就能发货~",
    "亲，看到您的订单还未支付，{c}的优惠券快过期了哦，有什么疑问可以随时问我",
];
/// Outbound: shipping notice and follow-up (回访).
pub const OUT_SHIPPED: &[&str] = &[
    "亲，您购买的{p}已经发出啦，{k}快递，请注意查收~",
    "亲，收到货还满意吗？有任何问题随时联系我们哦",
];
/// Outbound: promotion to earlier customers.
pub const OUT_PROMO: &[&str] = &[
    "亲，双11预售已开启，{p}定金50抵100，点击链接即可预定哦~",
    "亲，您加购的{p}降价啦，现在下单到手价{n}元",
    "亲，店铺上新啦，老客专享{c}优惠券已发放到您的账户~",
];
/// System notice: order created.
pub const SYS_ORDERED: &[&str] = &["买家已下单"];
/// System notice: order paid.
pub const SYS_PAID: &[&str] = &["买家已付款"];
/// System notice: refund requested.
pub const SYS_REFUND: &[&str] = &["买家已申请退款"];

/// Shipping questions.
pub static SHIPPING: Topic = Topic {
    q: &[
        "今天下单什么时候发货？",
        "什么时候能发货啊",
        "发什么快递？",
        "能发顺丰吗？",
        "几天能到？我在{y}",
    ],
    a: &[
        "亲，付款后48小时内发货哦，默认发{k}",
        "今天16点前付款当天发货，一般{d}天左右到哦",
        "亲，可以发顺丰的，需要补一下运费差价哦",
        "亲，现货的话今天就能安排发出",
    ],
};
/// Price and coupon questions.
pub static COUPON: Topic = Topic {
    q: &[
        "有优惠券吗？",
        "能便宜点吗",
        "有没有赠品？",
        "老顾客有优惠吗",
        "这个价格还能再少点吗？",
    ],
    a: &[
        "亲，店铺首页可以领取{c}的优惠券哦",
        "亲，目前已经是活动价了，下单还送运费险哦",
        "亲，拍下自动改价，到手价{n}元",
    ],
};
/// 双11 promotion questions (until 11-11).
pub static PROMO: Topic = Topic {
    q: &[
        "双11满减怎么算？",
        "定金什么时候付尾款？",
        "现在买和双11买哪个便宜？",
        "预售的什么时候发货？",
        "付了定金可以退吗？",
        "双11当天还会降价吗？",
    ],
    a: &[
        "亲，双11跨店每满300减50，还可以叠加店铺券{c}哦",
        "亲，定金付款后，11月10日20:00开始支付尾款哦",
        "亲，现在下单享双11同价，保价到11月11日哦",
        "亲，预售商品付尾款后3天内发货",
        "亲，尾款未支付的话定金是不退的哦，请谅解",
    ],
};
/// Stock and variant questions, with quotes and a comma on purpose.
pub static STOCK: Topic = Topic {
    q: &[
        "{p}还有货吗？",
        "这款有现货吗",
        "\"{p}\"和\"{p}（升级款）\"有什么区别？",
        "我要这个,有货就拍",
    ],
    a: &[
        "亲，有现货的，放心拍哦",
        "亲，升级款是今年的新款，做工和用料都升级了，\"性价比\"更高哦",
        "亲，这款库存不多了，喜欢的话建议尽快下单",
    ],
};
/// Address changes, with a line break on purpose.
pub static ADDRESS: Topic = Topic {
    q: &[
        "地址写错了，帮我改一下：\n某某省某某市某某区幸福路88号",
        "能改地址吗？",
    ],
    a: &[
        "好的亲，已经帮您备注修改地址了",
        "亲，订单还未发货，可以在订单页面自行修改地址哦",
    ],
};
/// After-sales: logistics (物流).
pub static LOGISTICS: Topic = Topic {
    q: &[
        "我的快递怎么还没到？",
        "物流三天没更新了",
        "快递显示签收了但我没收到",
        "能帮我催一下发货吗",
    ],
    a: &[
        "亲，这边帮您查询一下物流哦，请稍等",
        "已经帮您联系快递加急处理了，预计明天送达",
        "亲，双11期间快递量比较大，可能会有延迟，请您耐心等待一下",
        "亲，已经帮您登记催发货了",
    ],
};
/// After-sales: damaged or missing goods (破损).
pub static DAMAGE: Topic = Topic {
    q: &["收到的东西破损了", "盒子压坏了，里面也碎了", "少发了一件"],
    a: &[
        "非常抱歉给您带来不便，麻烦提供一下外包装和破损处的照片哦",
        "亲，看到照片了，这边给您补发一个新的，或者退款{n}元，您看可以吗？",
        "抱歉亲，这边帮您核实一下仓库发货记录",
    ],
};
/// After-sales: returns and exchanges (退换货).
pub static RETURN: Topic = Topic {
    q: &[
        "尺码不合适可以换吗？",
        "不想要了，怎么退货？",
        "退货地址是哪里？",
        "可以换个颜色吗",
    ],
    a: &[
        "可以的亲，支持7天无理由退换，请在订单页面申请退货哦",
        "亲，申请退货后系统会自动发送退货地址，寄回时请备注订单号",
        "亲，换货的话麻烦先申请退货，再重新拍一下需要的款式哦",
    ],
};
/// After-sales: refunds (退款).
pub static REFUND: Topic = Topic {
    q: &[
        "退款什么时候到账？",
        "我已经寄回了，什么时候退款",
        "申请了退款怎么还没处理？",
    ],
    a: &[
        "亲，退款审核通过后1-3个工作日原路退回哦",
        "亲，仓库收到退货后24小时内为您处理退款",
        "已经帮您加急处理了，请留意退款通知",
    ],
};
/// After-sales: quality complaints.
pub static QUALITY: Topic = Topic {
    q: &["用了两天就坏了", "跟图片不一样", "颜色有色差"],
    a: &[
        "非常抱歉亲，麻烦拍个视频或照片给我们看一下",
        "亲，由于拍摄光线不同可能会有轻微色差，介意的话可以申请退货哦",
        "亲，这边给您申请{d}0元的补偿红包，您看可以吗？",
    ],
};

/// Further questions in an after-sales session.
pub static AFTER_SALES_MORE: [&Topic; 4] = [&LOGISTICS, &REFUND, &RETURN, &COUPON];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_placeholders() {
        let v = Vars {
            store: "云朵服饰旗舰店",
            agent: "小美",
            product: "加绒卫衣",
            price: 3990,
            size: "L",
            height: 170,
            weight: 120,
            courier: "中通",
            days: 3,
            coupon: "满99减10",
            city: "成都",
        };
        let mut out = String::new();
        render("您好{a}，{p}到手价{n}元，{x}{", &v, &mut out);
        assert_eq!(out, "您好小美，加绒卫衣到手价39.9元，{x}{");
        render("我{h}cm{w}斤选{s}码，{d}天{k}{c}{y}{t}", &v, &mut out);
        assert_eq!(out, "我170cm120斤选L码，3天中通满99减10成都云朵服饰旗舰店");
    }
}
