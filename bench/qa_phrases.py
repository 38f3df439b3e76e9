#!/usr/bin/env python3
"""The rule file of the quality-inspection benchmark: kefu's default rule set
(`crates/kefu-qa/rules/default.toml`) with one more `keyword` rule,
`bench_keywords` (基准词表, sender agent, minor, 1 point), of 5,000 distinct
phrases drawn from a seeded RNG (seed 1):

- 34 words of shop chats (尺码, 发货, 优惠, 顺丰, 运费…), so that
  the list has findings in the demo month;
- 4,800 or so phrases of 2 to 4 characters over a few hundred common Chinese
  characters (most of them never occur in the demo's texts: the automaton
  is large, the findings stay few);
- 150 lower-case Latin words (a few real ones, the rest made of random
  letters).

Every phrase is its own folded form (CJK unified ideographs and lower-case
ASCII letters; checked with NFKC + lower case per character), so kefu and
the baseline read the list the same way however they fold it. The output
is the same for the same seed on every machine.

    python3 bench/qa_phrases.py OUT.toml [--count 5000] [--seed 1]

Python 3.11, standard library. `qa.py` calls `write_rules`.
"""

from __future__ import annotations

import argparse
import random
import sys
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_RULES = REPO / "crates" / "kefu-qa" / "rules" / "default.toml"
RULE_ID = "bench_keywords"

# Words that occur in the demo's chats (kefu-demo's texts), so that the rule
# has findings.
SHOP_WORDS = [
    "尺码", "发货", "优惠", "顺丰", "运费", "差价", "快递", "包邮", "退货", "换货", "库存",
    "预售", "颜色", "款式", "面料", "纯棉", "羽绒", "清洗", "机洗", "订单", "地址", "优惠券",
    "满减", "赠品", "发票", "保修", "安装", "充电", "续航", "屏幕", "型号", "质量", "物流",
    "签收",
]

# A few hundred common characters (commerce, chat, everyday words).
COMMON = (
    "的一是了我不人在他有这个上们来到时大地为子中你说生国年着就那和要她出也得里后自以会"
    "家可下而过天去能对小多然于心学么之都好看起发当没成只如事把还用第样道想作种开美总从无"
    "情己面最女但现前些所同日手又行意动方期它头经长儿回位分爱老因很给名法间斯知世什两次使"
    "身者被高已亲其进此话常与活正感见明问力理尔点文几定本公特做外孩相西果走将月十实向声车"
    "全信重三机工物气每并别真打太新比才便夫再书部水像眼等体却加电主界门利海受听表德少克代"
    "员许稿先口由死安写性马光白或住难望教命花结乐色更拉东神记处让母父应直字场平报友关放至"
    "张认接告入笑内英军候民岁往何度山觉路带万男边风解叫任金快原吃妈变通师立象数四失满战远"
    "格士音轻目条呢病始达深完今提求清王化空业思切怎非找片罗钱紧吗语元喜曾离飞科言干流欢约"
    "各即指合反题必该论交终林请医晚制球决窗传画保读运及则房早院量苦火布品近坐产答星精视五"
    "连司巴奇管类未朋且婚台夜青北队久乎越观落尽形影红爸百令周吧识步希亚术留市半热送兴造谈"
    "容极随演收首根讲整式取照办强石古华谊拿计您装似足双妻尼转诉米称丽客南领节衣站黑刻统断"
    "福城故历惊脸选包紫优售货码款价店铺购件单付退换邮寄递签抢券赠礼积分会员"
)

# Real Latin words; the rest are made of random letters.
LATIN_WORDS = [
    "size", "color", "sale", "coupon", "refund", "order", "cotton", "wool", "free", "gift",
    "discount", "return", "express", "logo", "style", "model", "charge", "battery", "screen", "stock",
]
LATIN_COUNT = 150
CJK_LENGTHS = (2, 2, 2, 3, 3, 4)  # mostly two and three characters


def fold(s: str) -> str:
    """kefu's folding: NFKC per character, then full lower case per character."""
    return "".join("".join(c.lower() for c in unicodedata.normalize("NFKC", ch)) for ch in s)


def phrases(count: int = 5000, seed: int = 1) -> list[str]:
    """`count` distinct phrases, the same for the same seed."""
    rng = random.Random(seed)
    chars = sorted(set(COMMON))
    out: list[str] = []
    seen: set[str] = set()

    def add(p: str) -> None:
        if p not in seen and fold(p) == p and len(out) < count:
            seen.add(p)
            out.append(p)

    for w in SHOP_WORDS:
        add(w)
    for w in LATIN_WORDS:
        add(w)
    while len(out) < len(SHOP_WORDS) + LATIN_COUNT:
        add("".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 7))))
    while len(out) < count:
        add("".join(rng.choice(chars) for _ in range(rng.choice(CJK_LENGTHS))))
    rng.shuffle(out)
    return out


def rule_toml(items: list[str]) -> str:
    """The `[[rule]]` table of the list, ten phrases a line."""
    lines = [
        "",
        "# ---------------------------------------------------------------------------",
        f"# The benchmark's keyword list (bench/qa_phrases.py): {len(items):,} phrases.",
        "[[rule]]",
        f'id = "{RULE_ID}"',
        'kind = "keyword"',
        'name = "基准词表"',
        'sender = "agent"',
        'severity = "minor"',
        "points = 1",
        "phrases = [",
    ]
    for i in range(0, len(items), 10):
        lines.append("  " + ", ".join(f'"{p}"' for p in items[i:i + 10]) + ",")
    lines.append("]")
    return "\n".join(lines) + "\n"


def write_rules(out: Path, count: int = 5000, seed: int = 1, base: Path = DEFAULT_RULES) -> int:
    """Writes base + the list to out; the number of phrases."""
    items = phrases(count, seed)
    if len(set(items)) != count:
        raise SystemExit(f"only {len(set(items))} distinct phrases")
    text = base.read_text(encoding="utf-8")
    out.write_text(text.rstrip("\n") + "\n" + rule_toml(items), encoding="utf-8")
    return len(items)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", type=Path, help="TOML file to write")
    ap.add_argument("--count", type=int, default=5000, help="phrases (default 5000)")
    ap.add_argument("--seed", type=int, default=1, help="RNG seed (default 1)")
    ap.add_argument("--base", type=Path, default=DEFAULT_RULES, help="rule set to extend (default: kefu's)")
    args = ap.parse_args()
    n = write_rules(args.out, args.count, args.seed, args.base)
    print(f"wrote {args.out}: {args.base.name} + rule {RULE_ID} of {n:,} phrases", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
