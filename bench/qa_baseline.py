#!/usr/bin/env python3
"""Python baseline of `kefu qa check`: the text rules of a rule set applied
to DIR/messages.csv as kefu applies them (spec/qa.md §1), with pyahocorasick
and Python's `re`, printing the JSON of `kefu qa check --format json`.

    python3 bench/qa_baseline.py --input DIR [--rules FILE] [--processes 2] [--dump FILE]

What it does, as kefu does it:

- reads messages.csv (spec names or the importer's Chinese header aliases;
  sender buyer/agent/bot/system and their aliases, kind text/image/card/auto/
  transfer/invite_rating), groups the messages by (store, buyer) and gives
  each its effective role: agent messages of kind `auto` are bot messages,
  transfers and rating invitations are events (kefu-kpi Role::of; no store
  settings, so no auto-reply prefixes);
- splits each conversation, sorted by (time, arrival), into sessions at gaps
  of 10 minutes or more (the default `session_idle_minutes`) and reads only
  the messages of sessions that have a buyer message (qa.md §1 "Which
  sessions"; outbound sessions are not inspected);
- folds each message one character at a time (NFKC, then full Unicode
  lower case), keeping the way back to the characters as sent;
- `keyword` rules: every occurrence of every phrase (pyahocorasick, all
  overlapping matches), in the folded text, or for a rule with `skip`
  characters in the folded text without them (phrases folded and without
  them too); allow phrases in the folded text without skipping; the finding
  is the first candidate by (start, longest first) that no allow occurrence
  of the same rule contains (spans compared in characters as sent);
- `pattern` rules: the successive non-overlapping matches of the expression
  on the folded text (group 1 when it has groups; empty ones skipped), the
  same allow test;
- `buyer_repeat` and `complaint_risk`: keyword rules of sender buyer without
  allow phrases or skip characters;
- one finding per rule and message; `sender` agent reads effective agent
  messages, bot bot messages (auto replies included), buyer buyer messages,
  any all three.

The session rules (slow_reply, unanswered, no_greeting, no_closing,
follow_up_missed) are not implemented; `by_rule` has the text rules only and
`findings` is their sum. `sessions_inspected` is the number of sessions read
(those with a buyer message), which kefu counts the same way.

The patterns are Rust `regex` expressions. Python's `re` reads them the same
except for two things, translated before compiling: `\\s` (Python's also
matches U+001C..U+001F, which are not Unicode White_Space; it becomes the
class of the 25 White_Space characters) and `$` (Python's also matches before
a final newline; it becomes `\\Z`). `\\z` becomes `\\Z` and `(?<name>` becomes
`(?P<name>`. Anything else Rust-only (`\\p{..}`, nested classes, `&&`, `--`,
`(?u)`…) is refused with a message rather than read differently.

`--processes N` (default 2, the machine's cores, as kefu's 2 threads) forks N
workers after the read; each inspects a share of the conversations.
`read_seconds` runs from the start (rules compiled, file read and grouped),
`inspect_seconds` from the first fork to the last result, as kefu measures its
own. `--dump FILE` writes every finding (message_id, rule, span, matched) as
tab-separated lines, for comparing with kefu's findings.

Python 3.11, standard library plus pyahocorasick (`pip install pyahocorasick`).
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing as mp
import os
import re
import sys
import time
import tomllib
import unicodedata
from datetime import date
from operator import itemgetter
from pathlib import Path

try:
    import ahocorasick
except ImportError:  # pragma: no cover
    raise SystemExit("qa_baseline.py needs pyahocorasick: pip install pyahocorasick")

REPO = Path(__file__).resolve().parent.parent
DEFAULT_RULES = REPO / "crates" / "kefu-qa" / "rules" / "default.toml"

# Effective roles (kefu-kpi Role).
BUYER, AGENT, BOT, SYSTEM, EVENT = range(5)
READ_ROLES = (AGENT, BOT, BUYER)
SENDERS = {"agent": (AGENT,), "bot": (BOT,), "buyer": (BUYER,), "any": (AGENT, BOT, BUYER)}
TEXT_KINDS = ("keyword", "pattern", "buyer_repeat", "complaint_risk")

IDLE_MS = 10 * 60_000  # session_idle_minutes default
TZ_OFFSET_MS = 8 * 3_600_000  # Asia/Shanghai, the default time zone (no DST since 1991)

# Header names and aliases of the importer (kefu-import columns.rs).
FIELDS = {
    "store": ("店铺编码", "店铺id", "店铺", "店铺名称"),
    "message_id": ("消息id", "消息编号"),
    "buyer": ("买家账号", "买家id", "买家", "买家昵称", "顾客"),
    "sender": ("发送方", "发送者", "角色"),
    "agent": ("客服账号", "客服", "接待客服", "客服昵称"),
    "sent_at": ("发送时间", "消息时间", "时间"),
    "content": ("消息内容", "内容"),
    "kind": ("消息类型", "类型"),
}
SENDER_NAMES = {
    "buyer": "buyer", "买家": "buyer", "顾客": "buyer", "customer": "buyer",
    "agent": "agent", "客服": "agent", "seller": "agent",
    "bot": "bot", "机器人": "bot", "robot": "bot",
    "system": "system", "系统": "system",
}
KINDS = ("", "text", "image", "card", "auto", "transfer", "invite_rating")

# Unicode White_Space, which Rust regex's \s is; Python's \s adds U+001C..U+001F.
WHITE_SPACE = "\\t\\n\\x0b\\x0c\\r \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000"


# ------------------------------------------------------------------ folding


class FoldTable(dict):
    """str.translate table of kefu's folding, filled as characters are met:
    NFKC of the character, then each character of that lower-cased (full
    mapping, per character: no final-sigma context)."""

    def __missing__(self, code: int) -> str:
        f = "".join(c.lower() for c in unicodedata.normalize("NFKC", chr(code)))
        if not f:  # never happens with Unicode 15; would break the length test below
            raise ValueError(f"U+{code:04X} folds to nothing")
        self[code] = f
        return f


FOLD = FoldTable()


def fold(s: str) -> str:
    return s.translate(FOLD)


def origin_of(text: str) -> list[int]:
    """For each folded character, the index of the original character it came from."""
    out: list[int] = []
    for i, ch in enumerate(text):
        n = len(FOLD[ord(ch)])
        if n == 1:
            out.append(i)
        else:
            out.extend([i] * n)
    return out


# ------------------------------------------------------------------ regexes


def rust_to_python(pattern: str) -> str:
    """A Rust `regex` expression as a Python `re` one with the same meaning
    on folded text (see the module's doc); raises ValueError on syntax that
    would read differently."""
    out: list[str] = []
    i, n = 0, len(pattern)
    in_class = False
    class_start = -1
    while i < n:
        c = pattern[i]
        if c == "\\":
            if i + 1 >= n:
                raise ValueError("trailing backslash")
            e = pattern[i + 1]
            if e == "s":
                out.append(WHITE_SPACE if in_class else f"[{WHITE_SPACE}]")
            elif e == "S":
                if in_class:
                    raise ValueError("\\S inside a class")
                out.append(f"[^{WHITE_SPACE}]")
            elif e == "z":
                out.append("\\Z")
            elif e in "pPwWbB":
                # \w and \b differ between the two (Rust: Unicode word
                # characters with marks and Join_Control); \p has no Python form.
                raise ValueError(f"\\{e} is not translated")
            else:
                out.append(c + e)
            i += 2
            continue
        if in_class:
            if c == "]" and i >= class_start:
                in_class = False
            elif c == "[":
                raise ValueError("nested character class")
            elif pattern.startswith("&&", i) or pattern.startswith("--", i) or pattern.startswith("~~", i):
                raise ValueError("class set operation")
            out.append(c)
            i += 1
            continue
        if c == "[":
            in_class = True
            j = i + 1
            if j < n and pattern[j] == "^":
                j += 1
            class_start = j + 1 if j < n and pattern[j] == "]" else j  # a leading ] is literal
            out.append(pattern[i:j])
            i = j
            continue
        if c == "$":
            out.append("\\Z")
        elif pattern.startswith("(?<", i) and not pattern.startswith(("(?<=", "(?<!"), i):
            out.append("(?P<")
            i += 3
            continue
        elif pattern.startswith("(?", i) and i + 2 < n and pattern[i + 2] not in ":=!P<#":
            raise ValueError("inline flags are not translated")
        else:
            out.append(c)
        i += 1
    if in_class:
        raise ValueError("unclosed character class")
    return "".join(out)


# -------------------------------------------------------------------- rules


class Rules:
    """The text rules of a rule set, compiled per effective role: one
    automaton for the folded text (phrases of rules without skip characters,
    and every allow phrase), one per distinct skip set, the patterns."""

    def __init__(self, text: str):
        doc = tomllib.loads(text)
        self.ids: list[str] = []
        self.translated: dict[str, str] = {}
        plain: dict[int, dict[str, dict]] = {r: {} for r in READ_ROLES}
        skipped: dict[int, dict[frozenset, dict[str, set]]] = {r: {} for r in READ_ROLES}
        self.patterns: dict[int, list] = {r: [] for r in READ_ROLES}

        def use(table: dict, phrase: str, rule: int, allow: bool) -> None:
            if phrase:
                table.setdefault(phrase, set()).add((rule, allow))

        for raw in doc.get("rule", []):
            kind = raw.get("kind")
            if kind not in TEXT_KINDS or raw.get("disabled"):
                continue
            rule = len(self.ids)
            self.ids.append(raw["id"])
            if kind in ("buyer_repeat", "complaint_risk"):
                roles, skip, allow = SENDERS["buyer"], "", []
            else:
                roles = SENDERS[raw.get("sender", "agent")]
                skip, allow = raw.get("skip", ""), raw.get("allow", [])
            for role in roles:
                for a in allow:
                    use(plain[role], fold(a), rule, True)
                if kind == "pattern":
                    expr = rust_to_python(raw["pattern"])
                    if expr != raw["pattern"]:
                        self.translated[raw["id"]] = expr
                    rx = re.compile(expr)
                    self.patterns[role].append((rule, rx, rx.groups > 0))
                    continue
                skips = frozenset(fold(skip))
                table = plain[role] if not skips else skipped[role].setdefault(skips, {})
                for p in raw.get("phrases", []):
                    f = "".join(c for c in fold(p) if c not in skips)
                    if not f:
                        raise SystemExit(f"rule {raw['id']}: the phrase {p!r} is only skip characters")
                    use(table, f, rule, False)

        def automaton(table: dict):
            if not table:
                return None
            a = ahocorasick.Automaton()
            for phrase, uses in table.items():
                a.add_word(phrase, (len(phrase), tuple(sorted(uses))))
            a.make_automaton()
            return a

        self.plain = {r: automaton(plain[r]) for r in READ_ROLES}
        # (automaton, str.translate table that removes the skip set, the set)
        self.skipped = {
            r: [(automaton(t), {ord(c): None for c in s}, s) for s, t in sorted(
                skipped[r].items(), key=lambda x: sorted(x[0]))]
            for r in READ_ROLES
        }
        self.phrase_count = sum(len(t) for t in plain.values()) + sum(
            len(t) for d in skipped.values() for t in d.values())

    def scan(self, text: str, role: int) -> list[tuple[int, int, int]]:
        """The findings of one message: (rule, start, end), span in
        characters of the text as sent."""
        folded = text.translate(FOLD)
        cands: dict[int, list] = {}
        allows: dict[int, list] = {}
        a = self.plain[role]
        if a is not None:
            for end, (length, uses) in a.iter(folded):
                span = (end - length + 1, end + 1)
                for rule, allow in uses:
                    (allows if allow else cands).setdefault(rule, []).append(span)
        for a, strip, skips in self.skipped[role]:
            stripped = folded.translate(strip)
            pos = None
            for end, (length, uses) in a.iter(stripped):
                s, e = end - length + 1, end + 1
                if len(stripped) != len(folded):
                    if pos is None:
                        pos = [i for i, c in enumerate(folded) if c not in skips]
                    s, e = pos[s], pos[e - 1] + 1
                for rule, _ in uses:
                    cands.setdefault(rule, []).append((s, e))
        for rule, rx, group in self.patterns[role]:
            for m in rx.finditer(folded):
                s, e = m.span(1) if group else m.span()
                if s < e:  # not empty, and the group took part (else -1, -1)
                    cands.setdefault(rule, []).append((s, e))
        if not cands:
            return []
        if len(folded) != len(text):
            origin = origin_of(text)

            def back(sp):
                return origin[sp[0]], origin[sp[1] - 1] + 1

            cands = {r: [back(x) for x in v] for r, v in cands.items()}
            allows = {r: [back(x) for x in v] for r, v in allows.items()}
        out = []
        for rule, spans in cands.items():
            covers = allows.get(rule, ())
            spans.sort(key=lambda x: (x[0], -x[1]))
            for s, e in spans:
                if not any(a <= s and e <= b for a, b in covers):
                    out.append((rule, s, e))
                    break
        return out


# --------------------------------------------------------------------- read


_DAYS: dict[str, int] = {}


def parse_ms(t: str) -> int:
    """kefu's RecordTime: `YYYY-MM-DD HH:MM[:SS[.fff]]` (or / and T), local
    time of the default zone, or RFC 3339 with Z or an offset; UTC ms."""
    t = t.strip()
    d = t[:10]
    days = _DAYS.get(d)
    if days is None:
        if len(t) < 16 or t[4] not in "-/" or t[7] != t[4] or t[10] not in " T" or t[13] != ":":
            raise ValueError(f"'{t}' is not a time (YYYY-MM-DD HH:MM:SS or RFC 3339)")
        days = date(int(d[0:4]), int(d[5:7]), int(d[8:10])).toordinal() - 719163
        _DAYS[d] = days
    ms = (days * 86400 + int(t[11:13]) * 3600 + int(t[14:16]) * 60) * 1000
    rest = t[16:]
    if not rest:
        return ms - TZ_OFFSET_MS
    i = 0
    if rest[0] == ":":
        ms += int(rest[1:3]) * 1000
        i = 3
        if i < len(rest) and rest[i] in ".,":
            j = i + 1
            while j < len(rest) and rest[j].isdigit():
                j += 1
            ms += int((rest[i + 1:j] + "000")[:3])
            i = j
    zone = rest[i:].strip()
    if not zone:
        return ms - TZ_OFFSET_MS
    if zone in ("Z", "z"):
        return ms
    sign = -1 if zone[0] == "-" else 1
    hh, mm = zone[1:].replace(":", "")[:2], zone[1:].replace(":", "")[2:4] or "0"
    return ms - sign * (int(hh) * 3600 + int(mm) * 60) * 1000


def columns(header: list[str]) -> dict[str, int]:
    names = [h.strip(" \t\r\n\ufeff").lower() for h in header]
    cols: dict[str, int] = {}
    ranks: dict[str, int] = {}
    for c, name in enumerate(names):
        for f, aliases in FIELDS.items():
            rank = 1 if name == f else (2 + aliases.index(name) if name in aliases else None)
            if rank is not None and rank < ranks.get(f, 99):
                cols[f], ranks[f] = c, rank
    missing = [f for f in ("store", "message_id", "buyer", "sender", "sent_at") if f not in cols]
    if missing:
        raise SystemExit(f"messages.csv: no column for {', '.join(missing)} (header {header})")
    return cols


# Filled before the workers fork (they inherit it): conversations, each a
# list of (ms, role, text, message_id or None), in order of arrival.
CONVS: list[list[tuple]] = []
RULES: Rules | None = None


def read(path: Path, keep_ids: bool) -> tuple[int, int]:
    """Reads messages.csv into CONVS; (messages, UTF-8 bytes of the contents)."""
    index: dict[tuple[str, str], int] = {}
    messages = text_bytes = 0
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = csv.reader(f)
        cols = columns(next(rows))
        ci = {k: cols.get(k) for k in FIELDS}
        c_store, c_buyer, c_sender, c_at = ci["store"], ci["buyer"], ci["sender"], ci["sent_at"]
        c_content, c_kind, c_agent, c_id = ci["content"], ci["kind"], ci["agent"], ci["message_id"]
        for line, row in enumerate(rows, start=2):
            if not row:
                continue
            sender = row[c_sender]
            sender = SENDER_NAMES.get(sender) or SENDER_NAMES.get(sender.strip().lower())
            if sender is None:
                raise SystemExit(f"messages.csv line {line}: sender {row[c_sender]!r} is not buyer, agent, bot, system")
            kind = row[c_kind] if c_kind is not None else ""
            if kind not in KINDS:
                kind = kind.strip().lower()
                if kind not in KINDS:
                    raise SystemExit(f"messages.csv line {line}: kind {row[c_kind]!r} is not a message kind")
            store, buyer = row[c_store].strip(), row[c_buyer].strip()
            if not store or not buyer or not row[c_id].strip():
                raise SystemExit(f"messages.csv line {line}: store, buyer and message_id are required")
            if sender == "agent" and (c_agent is None or not row[c_agent].strip()):
                raise SystemExit(f"messages.csv line {line}: an agent message must name its agent")
            text = row[c_content] if c_content is not None else ""
            if kind in ("transfer", "invite_rating"):
                role = EVENT
            elif sender == "buyer":
                role = BUYER
            elif sender == "agent":
                role = BOT if kind == "auto" else AGENT
            elif sender == "bot":
                role = BOT
            else:
                role = SYSTEM
            messages += 1
            text_bytes += len(text.encode("utf-8"))
            key = (store, buyer)
            conv = index.get(key)
            if conv is None:
                conv = index[key] = len(CONVS)
                CONVS.append([])
            CONVS[conv].append((parse_ms(row[c_at]), role, text, row[c_id].strip() if keep_ids else None))
    return messages, text_bytes


# ------------------------------------------------------------------ inspect


def inspect(bounds: tuple[int, int, bool]) -> tuple[list[int], int, list[tuple]]:
    """Inspects CONVS[lo:hi]: (findings by rule, sessions read, the findings
    themselves when dumping)."""
    lo, hi, dump = bounds
    rules = RULES
    by_rule = [0] * len(rules.ids)
    sessions = 0
    found: list[tuple] = []
    key = itemgetter(0)
    for conv in CONVS[lo:hi]:
        conv.sort(key=key)  # stable: ties keep the order of arrival
        first = 0
        n = len(conv)
        for i in range(1, n + 1):
            if i < n and conv[i][0] - conv[i - 1][0] < IDLE_MS:
                continue
            session = conv[first:i]
            first = i
            if not any(m[1] == BUYER for m in session):
                continue  # outbound: not inspected
            sessions += 1
            for _, role, text, mid in session:
                if role > BOT or not text:
                    continue
                for rule, s, e in rules.scan(text, role):
                    by_rule[rule] += 1
                    if dump:
                        found.append((mid, rules.ids[rule], s, e, text[s:e]))
    return by_rule, sessions, found


def main() -> int:
    global RULES
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--input", type=Path, required=True, help="directory with messages.csv")
    ap.add_argument("--rules", type=Path, default=DEFAULT_RULES, help="rule set TOML (default: kefu's default.toml)")
    ap.add_argument("--processes", type=int, default=2, help="worker processes for the inspection (default 2)")
    ap.add_argument("--dump", type=Path, help="write every finding (message_id, rule, span, matched) here")
    args = ap.parse_args()

    started = time.perf_counter()
    RULES = Rules(args.rules.read_text(encoding="utf-8"))
    if RULES.translated:
        print(f"qa_baseline: patterns translated for Python re (\\s as Unicode White_Space, $ as \\Z): "
              f"{', '.join(RULES.translated)}", file=sys.stderr)
    path = args.input / "messages.csv"
    if not path.exists():
        raise SystemExit(f"{path} does not exist")
    messages, text_bytes = read(path, keep_ids=args.dump is not None)
    read_seconds = time.perf_counter() - started

    inspecting = time.perf_counter()
    n = len(CONVS)
    procs = max(1, args.processes)
    dump = args.dump is not None
    if procs == 1:
        results = [inspect((0, n, dump))]
    else:
        # More shares than workers, so that one slow share does not leave a core idle.
        shares = procs * 4
        bounds = [(n * k // shares, n * (k + 1) // shares, dump) for k in range(shares)]
        with mp.get_context("fork").Pool(procs) as pool:
            results = pool.map(inspect, bounds, chunksize=1)
    inspect_seconds = time.perf_counter() - inspecting

    counts = [sum(r[0][i] for r in results) for i in range(len(RULES.ids))]
    by_rule = dict(sorted(zip(RULES.ids, counts)))
    if dump:
        with open(args.dump, "w", encoding="utf-8") as f:
            for r in results:
                for mid, rid, s, e, matched in r[2]:
                    f.write(f"{mid}\t{rid}\t{s}\t{e}\t{matched}\n")
    print(json.dumps({
        "messages": messages,
        "text_bytes": text_bytes,
        "conversations": n,
        "sessions_inspected": sum(r[1] for r in results),
        "findings": sum(counts),
        "by_rule": by_rule,
        "read_seconds": read_seconds,
        "inspect_seconds": inspect_seconds,
        "processes": procs,
        "phrases": RULES.phrase_count,
    }, indent=2, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
