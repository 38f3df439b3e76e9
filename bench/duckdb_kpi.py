#!/usr/bin/env python3
"""Reference implementation of spec/kpi.md in DuckDB SQL.

    python3 bench/duckdb_kpi.py --input DIR [--settings FILE.toml]
        [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--by store,agent,date,hour]
        [--store CODE] [--threads N] [--timing] > out.json

Reads DIR/messages.csv and, when present, DIR/orders.csv and DIR/ratings.csv
(columns as in docs/kpi-notes.md) and prints the KPI rows as a JSON array, in
the form of docs/kpi-notes.md "Output row". It is an independent second
implementation of the spec used to check kefu (differential test) and to
benchmark it. Every rule (sessions, rounds, response times, service hours,
inquiry / after-sales, attribution, silent orders, rating dedup, grouping,
distinct buyers) is computed by DuckDB; Python only reads the settings, builds
the SQL text, runs it and writes the JSON.

Time zones: the DuckDB wheel has ICU statically linked (`duckdb_extensions()`
shows `icu` STATICALLY_LINKED), so zone rules come from ICU (`timezone(tz,
...)`); nothing is downloaded. A store whose zone keeps one offset over the
whole time range of the data (Asia/Shanghai) uses that offset directly; other
zones go through a table of offsets per quarter hour of wall-clock time, with
jiff's "compatible" choice that kefu uses: in a gap the offset before the gap,
in a fold the earlier instant (ICU alone would take the later one).

Order of arrival is the rowid of the table the CSV is loaded into (DuckDB keeps
the file order with preserve_insertion_order; the load has no join, which could
reorder rows; bench/test_duckdb_kpi.py checks it on a 400k-row file).

For speed, strings become 64-bit hashes as they are read ((store, buyer),
(store, message_id), agent) and the windows, aggregates and ASOF joins work on
integers; small dictionaries map them back and check that no two values share
a hash (the run stops if they ever do).
"""
import argparse
import csv
import datetime as dt
import json
import os
import sys
import time
import tomllib

import duckdb

DEFAULTS = {
    "timezone": "Asia/Shanghai",
    "session_idle_minutes": 10,
    "service_hours": "08:00-24:00",
    "slow_response_seconds": 120,
    "after_sales_days": 21,
    "attribution_window_hours": 48,
    "attribution": "order",
    "dissatisfied_max_score": 2,
    "auto_reply_prefixes": [],
}

REQUIRED = {
    "messages": ["store", "message_id", "buyer", "sender", "sent_at"],
    "orders": ["store", "order_id", "buyer", "created_at", "amount"],
    "ratings": ["store", "buyer", "agent", "rated_at", "score"],
}

FIGURES = [
    "consult_buyers", "sessions", "manual_sessions", "bot_sessions", "unanswered_sessions",
    "first_response_s", "avg_response_s", "reply_3min_rate", "slow_rounds", "unanswered_rounds",
    "reply_rate", "buyer_messages", "agent_messages", "answer_ratio", "inquiry_buyers",
    "ordered_buyers", "paid_buyers", "order_conversion", "pay_conversion", "sales",
    "avg_order_value", "silent_sales", "after_sales_sessions", "ratings", "satisfied_rate",
    "dissatisfied_rate", "invite_rate",
]


class KpiError(Exception):
    pass


# ---------------------------------------------------------------- settings

def _hm(text: str):
    h, sep, m = text.strip().partition(":")
    if not sep or not h.isdigit() or not m.isdigit():
        return None
    h, m = int(h), int(m)
    if m < 60 and (h < 24 or (h == 24 and m == 0)):
        return h * 60 + m
    return None


def parse_service_hours(text: str):
    a, sep, b = str(text).strip().partition("-")
    s, e = (_hm(a), _hm(b)) if sep else (None, None)
    if s is None or e is None or s == e or s == 1440:
        raise KpiError(f"setting service_hours: '{text}' is not service hours like 08:00-24:00")
    return s, e


def _int(key, value, lo, hi):
    try:
        n = int(str(value).strip())
    except ValueError:
        raise KpiError(f"setting {key}: '{value}' is not a whole number") from None
    if not lo <= n <= hi:
        raise KpiError(f"setting {key}: {n} is outside {lo}-{hi}")
    return n


def store_settings(raw: dict) -> dict:
    """One store's settings, checked, in the units the SQL uses."""
    s = dict(DEFAULTS)
    for k, v in raw.items():
        if k not in DEFAULTS:
            raise KpiError(f"setting `{k}` is not a setting; known: {', '.join(DEFAULTS)}")
        s[k] = v
    tz = str(s["timezone"]).strip()
    try:
        import zoneinfo
        zoneinfo.ZoneInfo(tz)
    except Exception:
        raise KpiError(f"setting timezone: '{tz}' is not a known time zone") from None
    sh = parse_service_hours(s["service_hours"])
    attr = str(s["attribution"]).strip()
    if attr in ("order", "下单"):
        pay = False
    elif attr in ("payment", "付款"):
        pay = True
    else:
        raise KpiError(f"setting attribution: '{attr}' is not one of order, payment")
    pre = s["auto_reply_prefixes"]
    if isinstance(pre, str):
        pre = pre.split(",")
    pre = [str(p).strip() for p in pre if str(p).strip()]
    return {
        "tz": tz,
        "idle_ms": _int("session_idle_minutes", s["session_idle_minutes"], 1, 1440) * 60_000,
        "sh_start": sh[0],
        "sh_end": sh[1],
        "slow_ms": _int("slow_response_seconds", s["slow_response_seconds"], 1, 86_400) * 1000,
        "as_ms": _int("after_sales_days", s["after_sales_days"], 0, 3650) * 86_400_000,
        "win_ms": _int("attribution_window_hours", s["attribution_window_hours"], 0, 24 * 365) * 3_600_000,
        "attr_pay": pay,
        "dissat": _int("dissatisfied_max_score", s["dissatisfied_max_score"], 1, 3),
        "prefixes": pre,
    }


def load_settings(path):
    named = {}
    if path:
        with open(path, "rb") as f:
            doc = tomllib.load(f)
        stores = doc.get("stores", {})
        if not isinstance(stores, dict):
            raise KpiError(f"{path}: [stores] must be a table of stores")
        for code, raw in stores.items():
            if not isinstance(raw, dict):
                raise KpiError(f"{path}: stores.{code} must be a table")
            try:
                named[code] = store_settings(raw)
            except KpiError as e:
                raise KpiError(f"{path}: store {code}: {e}") from None
    return named, store_settings({})


def sql_str(v: str) -> str:
    return "'" + v.replace("'", "''") + "'"


def settings_values(named: dict, default: dict) -> str:
    """A VALUES list: one row per named store, and a row with store NULL for the defaults."""
    rows = []
    for code, s in list(named.items()) + [(None, default)]:
        pre = "[" + ", ".join(sql_str(p) for p in s["prefixes"]) + "]::VARCHAR[]"
        rows.append(
            f"({'NULL' if code is None else sql_str(code)}, {sql_str(s['tz'])}, {s['idle_ms']}, "
            f"{s['sh_start']}, {s['sh_end']}, {s['slow_ms']}, {s['as_ms']}, {s['win_ms']}, "
            f"{'TRUE' if s['attr_pay'] else 'FALSE'}, {s['dissat']}, {pre})"
        )
    return ",\n  ".join(rows)


# ---------------------------------------------------------------- input

def csv_columns(path: str, table: str):
    with open(path, newline="", encoding="utf-8-sig") as f:
        header = next(csv.reader(f), None)
    if not header:
        raise KpiError(f"{path}: empty file, expected a header line")
    header = [h.strip() for h in header]
    missing = [c for c in REQUIRED[table] if c not in header]
    if missing:
        raise KpiError(f"{path}: missing column(s) {', '.join(missing)}")
    return header


def read_csv_sql(path: str, header: list) -> str:
    cols = ", ".join(f"{sql_str('c' + str(i))}: 'VARCHAR'" for i in range(len(header)))
    return (
        f"read_csv({sql_str(path)}, header=true, auto_detect=false, delim=',', quote='\"', "
        f"escape='\"', columns={{{cols}}}, nullstr='', strict_mode=true, encoding='utf-8')"
    )


def col(header: list, name: str) -> str:
    """The column of `name` (trimmed, empty = NULL), or NULL when the file lacks it."""
    if name in header:
        return f"kpi_trim(c{header.index(name)})"
    return "NULL::VARCHAR"


def raw_col(header: list, name: str) -> str:
    if name in header:
        return f"c{header.index(name)}"
    return "NULL::VARCHAR"


# ---------------------------------------------------------------- SQL

# Record times: `YYYY-MM-DD HH:MM[:SS[.fff]]` (also `/` and `T`), optionally
# followed by `Z` or `±HH[:MM]`. The common form (`YYYY-MM-DD HH:MM:SS`) goes
# through strptime, the rest through the regular expression. A time is kept
# as `c`, the wall-clock reading in ms counted as if it were UTC (fractions
# cut to the millisecond), and `o`, the offset in seconds (NULL: local time).
# `c` is NULL when the text is not a time.
# Fields are trimmed like Rust's str::trim; to keep the cost low, only values
# that start with a control character or a space or U+3000, or end with a
# space, tab, CR, LF or U+3000, go through the (complete) regexp trim.
MACROS = r"""
CREATE OR REPLACE TEMP MACRO kpi_ws(s) AS
  unicode(s) <= 32 OR unicode(s) = 12288 OR ends_with(s, ' ') OR ends_with(s, chr(12288))
  OR ends_with(s, chr(9)) OR ends_with(s, chr(10)) OR ends_with(s, chr(13));
CREATE OR REPLACE TEMP MACRO kpi_trim(s) AS
  CASE WHEN kpi_ws(s) THEN nullif(regexp_replace(s,
         '^[\t\n\x0B\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+|[\t\n\x0B\f\r \x{85}\x{A0}\x{1680}\x{2000}-\x{200A}\x{2028}\x{2029}\x{202F}\x{205F}\x{3000}]+$',
         '', 'g'), '')
       ELSE s END;
CREATE OR REPLACE TEMP MACRO kpi_rx(s) AS regexp_extract(s,
  '^[\s\x{3000}]*(\d{4}[-/]\d{2}[-/]\d{2})[ T](\d{2}:\d{2}(?::\d{2})?)(?:[.,](\d+))?([Zz]|[+-]\d{2}(?::?\d{2})?)?[\s\x{3000}]*$',
  ['d', 'hm', 'f', 'o']);
CREATE OR REPLACE TEMP MACRO kpi_off(p) AS
  CASE WHEN p.o = '' THEN NULL
       WHEN p.o IN ('Z', 'z') THEN 0
       WHEN try_cast(substr(p.o, 2, 2) AS INT) > 23
         OR (length(p.o) > 3 AND try_cast(right(p.o, 2) AS INT) > 59) THEN -999999
       ELSE (CASE WHEN left(p.o, 1) = '-' THEN -1 ELSE 1 END)
            * (try_cast(substr(p.o, 2, 2) AS INT) * 3600
               + CASE WHEN length(p.o) > 3 THEN try_cast(right(p.o, 2) AS INT) * 60 ELSE 0 END)
  END;
CREATE OR REPLACE TEMP MACRO kpi_civil(p) AS
  CASE WHEN p.d = '' OR try_cast(substr(p.hm, 1, 2) AS INT) > 23 OR kpi_off(p) = -999999 THEN NULL
       ELSE epoch_ms(try_cast(replace(p.d, '/', '-') || ' ' || p.hm AS TIMESTAMP))
            + CASE WHEN p.f = '' THEN 0 ELSE try_cast(rpad(left(p.f, 3), 3, '0') AS BIGINT) END
  END;
CREATE OR REPLACE TEMP MACRO kpi_local(utc, fixed_off, tz) AS
  CASE WHEN fixed_off IS NOT NULL THEN make_timestamp((utc + fixed_off) * 1000)
       ELSE timezone(tz, make_timestamp(utc * 1000)::TIMESTAMPTZ) END;
"""


def time_cols(raw: str, name: str) -> tuple:
    """Select items, for three nested levels (inner first), turning the raw
    text `raw` into `{name}_c` and `{name}_o`. The common form goes through
    strptime, the others through the regular expression."""
    inner = (f"{raw} AS {name}_s, epoch_ms(try_strptime({raw}, '%Y-%m-%d %H:%M:%S')) AS {name}_f")
    mid = f"CASE WHEN {name}_f IS NULL AND {name}_s IS NOT NULL THEN kpi_rx({name}_s) END AS {name}_x"
    outer = (f"coalesce({name}_f, kpi_civil({name}_x)) AS {name}_c, "
             f"CASE WHEN {name}_f IS NULL THEN kpi_off({name}_x) END AS {name}_o")
    return inner, mid, outer


SENDER = """CASE {r} WHEN 'buyer' THEN 1 WHEN 'agent' THEN 2 WHEN 'bot' THEN 3 WHEN 'system' THEN 4 ELSE
  CASE lower({e})
    WHEN 'buyer' THEN 1 WHEN '买家' THEN 1 WHEN '顾客' THEN 1 WHEN 'customer' THEN 1
    WHEN 'agent' THEN 2 WHEN '客服' THEN 2 WHEN 'seller' THEN 2
    WHEN 'bot' THEN 3 WHEN '机器人' THEN 3 WHEN 'robot' THEN 3
    WHEN 'system' THEN 4 WHEN '系统' THEN 4 END END::UTINYINT"""
KIND = """CASE {r} WHEN 'text' THEN 0 WHEN 'image' THEN 1 WHEN 'card' THEN 2 WHEN 'auto' THEN 3
    WHEN 'transfer' THEN 4 WHEN 'invite_rating' THEN 5 ELSE
  CASE coalesce(lower({e}), 'text')
    WHEN 'text' THEN 0 WHEN 'image' THEN 1 WHEN 'card' THEN 2 WHEN 'auto' THEN 3
    WHEN 'transfer' THEN 4 WHEN 'invite_rating' THEN 5 END END::UTINYINT"""

SID = 4294967296  # session id = buyer id * 2^32 + session number


def build_sql(args, have_orders: bool, have_ratings: bool, hdr: dict, named, default) -> list:
    """The statements, in order. ("CHECK", file, query) items are validations
    whose query returns the first bad record (rowid, reason), if any;
    ("FAIL", query) items return a message when something is wrong."""
    st = ["SET TimeZone = 'UTC'", MACROS]

    # ---- messages. A table's rowid is its insertion order, and with
    # preserve_insertion_order the CSV records are inserted in file order, so
    # mp.rowid is the order of arrival. (No join here: a join could reorder.)
    # Strings are replaced by 64-bit hashes as early as possible: bh for
    # (store, buyer) as written, mh for (store, message_id), ah for the
    # trimmed agent; the dictionaries below check that no two values share one.
    h = hdr["messages"]
    i1, i2, i3 = time_cols(raw_col(h, "sent_at"), "t")
    sf = f"WHERE kpi_trim(q.store) = {sql_str(args.store)}" if args.store else ""
    any_prefix = bool(default["prefixes"]) or any(v["prefixes"] for v in named.values())
    if any_prefix:
        # agent messages starting with one of the store's auto_reply_prefixes
        # are bot messages (a CASE on the store, not a join: see above)
        def lst(v):
            return "[" + ", ".join(sql_str(x) for x in v) + "]::VARCHAR[]"
        whens = " ".join(f"WHEN {sql_str(code)} THEN {lst(v['prefixes'])}" for code, v in named.items())
        plist = (f"CASE kpi_trim(q.store) {whens} ELSE {lst(default['prefixes'])} END"
                 if whens else lst(default["prefixes"]))
        pf_hit = f"coalesce(list_bool_or(list_transform({plist}, lambda x: starts_with(q.content, x))), FALSE)"
    else:
        pf_hit = "FALSE"
    st.append(f"""
CREATE TEMP TABLE mp AS
SELECT bh, mh, store, buyer, mid, sender, agent, CASE WHEN agent IS NOT NULL THEN hash(agent) END AS ah, kind, {i3},
  CASE WHEN kind IN (4, 5) THEN 0
       WHEN sender = 2 AND (kind = 3 OR pfx) THEN 3
       WHEN sender = 4 THEN 0
       ELSE sender END::UTINYINT AS role
FROM (
  SELECT q.* EXCLUDE (content), {i2},
    CASE WHEN q.sender = 2 AND q.kind <> 3 THEN {pf_hit} ELSE FALSE END AS pfx
  FROM (
    SELECT hash({raw_col(h, 'store')}, {raw_col(h, 'buyer')}) AS bh,
      hash({raw_col(h, 'store')}, {raw_col(h, 'message_id')}) AS mh,
      {raw_col(h, 'store')} AS store, {raw_col(h, 'buyer')} AS buyer, {raw_col(h, 'message_id')} AS mid,
      {SENDER.format(r=raw_col(h, 'sender'), e=col(h, 'sender'))} AS sender,
      {col(h, 'agent')} AS agent, {raw_col(h, 'content')} AS content,
      {KIND.format(r=raw_col(h, 'kind'), e=col(h, 'kind'))} AS kind,
      {i1}
    FROM {read_csv_sql(args.messages, h)}
  ) q {sf}
)
""")
    st.append(("CHECK", "messages", """
SELECT rowid, CASE
  WHEN store IS NULL THEN 'field `store` is missing'
  WHEN mid IS NULL THEN 'field `message_id` is missing'
  WHEN buyer IS NULL THEN 'field `buyer` is missing'
  WHEN sender IS NULL THEN 'field `sender` is missing or not one of buyer, agent, bot, system'
  WHEN t_c IS NULL THEN 'field `sent_at` is missing or not a time (YYYY-MM-DD HH:MM:SS or RFC 3339)'
  WHEN kind IS NULL THEN 'field `kind` is not one of text, image, card, auto, transfer, invite_rating'
  ELSE 'field `agent` is missing: an agent message must name its agent'
  END
FROM mp
WHERE store IS NULL OR mid IS NULL OR buyer IS NULL OR sender IS NULL OR t_c IS NULL
   OR kind IS NULL OR (sender = 2 AND agent IS NULL)
ORDER BY rowid LIMIT 1
"""))
    # buyers as written: one row per bh (with the store's range of times)
    st.append("""
CREATE TEMP TABLE braw AS
SELECT bh, min(store) AS s1, max(store) AS s2, min(buyer) AS b1, max(buyer) AS b2,
  min(t_c) AS lo, max(t_c) AS hi, min(rowid) AS first_row
FROM mp GROUP BY bh
""")
    st.append(("FAIL", "SELECT 'two (store, buyer) pairs share a hash; cannot go on' FROM braw WHERE s1 <> s2 OR b1 <> b2 LIMIT 1"))
    st.append(("CHECK", "messages", """
SELECT first_row, CASE WHEN kpi_trim(s1) IS NULL THEN 'field `store` is missing' ELSE 'field `buyer` is missing' END
FROM braw WHERE kpi_trim(s1) IS NULL OR kpi_trim(b1) IS NULL ORDER BY first_row LIMIT 1
"""))
    # A message whose (store, message_id) came before is skipped. Candidates
    # by the hash, then the exact check on those few. (Message ids are
    # compared as written: only values that differ in surrounding blanks
    # would be missed.)
    st.append("""
CREATE TEMP TABLE dup_rows AS
WITH hc AS (SELECT DISTINCT mh FROM (SELECT mh, lag(mh) OVER (ORDER BY mh) AS prev FROM mp) WHERE mh = prev),
c AS (SELECT rowid AS arrival, store, mid FROM mp SEMI JOIN hc USING (mh))
SELECT arrival FROM c
QUALIFY row_number() OVER (PARTITION BY store, mid ORDER BY arrival) > 1
""")

    # ---- orders (few: every field is trimmed). The last version in file
    # order of each (store, order_id) counts.
    if have_orders:
        h = hdr["orders"]
        c1, c2, c3 = time_cols(col(h, "created_at"), "c")
        p1, p2, p3 = time_cols(col(h, "paid_at"), "p")
        sf = f"WHERE store = {sql_str(args.store)}" if args.store else ""
        st.append(f"""
CREATE TEMP TABLE op AS
SELECT store, oid, buyer, p_s IS NOT NULL AS has_paid, {c3}, {p3},
  amount_s, am.w AS am_w, am.f AS am_f
FROM (
  SELECT *, {c2}, {p2},
    regexp_extract(trim(regexp_replace(amount_s, '^[¥￥]', '')), '^\\+?(\\d*)(?:\\.(\\d*))?$', ['w', 'f']) AS am
  FROM (
    SELECT {col(h, 'store')} AS store, {col(h, 'order_id')} AS oid, {col(h, 'buyer')} AS buyer,
      {col(h, 'amount')} AS amount_s, {c1}, {p1}
    FROM {read_csv_sql(args.orders, h)}
  ) {sf}
)
""")
        st.append(("CHECK", "orders", """
SELECT rowid, CASE
  WHEN store IS NULL THEN 'field `store` is missing'
  WHEN oid IS NULL THEN 'field `order_id` is missing'
  WHEN buyer IS NULL THEN 'field `buyer` is missing'
  WHEN c_c IS NULL THEN 'field `created_at` is missing or not a time'
  WHEN has_paid AND p_c IS NULL THEN 'field `paid_at` is not a time'
  WHEN amount_s IS NULL THEN 'field `amount` is missing'
  ELSE 'field `amount`: ''' || amount_s || ''' is not an amount >= 0 with at most 2 decimal places'
  END
FROM op
WHERE store IS NULL OR oid IS NULL OR buyer IS NULL OR c_c IS NULL OR (has_paid AND p_c IS NULL)
   OR amount_s IS NULL OR (am_w = '' AND am_f = '') OR length(am_f) > 2 OR length(am_w) > 15
ORDER BY rowid LIMIT 1
"""))
    else:
        st.append("""CREATE TEMP TABLE op (store VARCHAR, oid VARCHAR, buyer VARCHAR, has_paid BOOLEAN,
  c_c BIGINT, c_o INT, p_c BIGINT, p_o INT, amount_s VARCHAR, am_w VARCHAR, am_f VARCHAR)""")

    if have_ratings:
        h = hdr["ratings"]
        r1, r2, r3 = time_cols(col(h, "rated_at"), "r")
        sf = f"WHERE store = {sql_str(args.store)}" if args.store else ""
        st.append(f"""
CREATE TEMP TABLE rp AS
SELECT store, buyer, agent, score_s,
  CASE WHEN regexp_full_match(score_s, '\\d+') THEN try_cast(score_s AS INT) END AS score, {r3}
FROM (
  SELECT *, {r2} FROM (
    SELECT {col(h, 'store')} AS store, {col(h, 'buyer')} AS buyer, {col(h, 'agent')} AS agent,
      {col(h, 'score')} AS score_s, {r1}
    FROM {read_csv_sql(args.ratings, h)}
  ) {sf}
)
""")
        st.append(("CHECK", "ratings", """
SELECT rowid, CASE
  WHEN store IS NULL THEN 'field `store` is missing'
  WHEN buyer IS NULL THEN 'field `buyer` is missing'
  WHEN agent IS NULL THEN 'field `agent` is missing'
  WHEN r_c IS NULL THEN 'field `rated_at` is missing or not a time'
  ELSE 'field `score`: ''' || coalesce(score_s, '') || ''' is not an integer from 1 to 5'
  END
FROM rp
WHERE store IS NULL OR buyer IS NULL OR agent IS NULL OR r_c IS NULL OR score IS NULL OR score NOT BETWEEN 1 AND 5
ORDER BY rowid LIMIT 1
"""))
    else:
        st.append("""CREATE TEMP TABLE rp (store VARCHAR, buyer VARCHAR, agent VARCHAR, score_s VARCHAR,
  score INT, r_c BIGINT, r_o INT)""")

    # The files are loaded: from here on no result depends on the order of
    # rows in a table, and DuckDB may produce them in any order.
    st.append("SET preserve_insertion_order = false")

    # ---- agents: hash of the trimmed name -> name
    st.append("""
CREATE TEMP TABLE ad AS
SELECT ah, min(agent) AS agent, max(agent) AS agent2 FROM (
  SELECT ah, agent FROM mp WHERE ah IS NOT NULL GROUP BY ALL
  UNION ALL SELECT hash(agent), agent FROM rp WHERE agent IS NOT NULL
) GROUP BY ah
""")
    st.append(("FAIL", "SELECT 'two agents share a hash; cannot go on' FROM ad WHERE agent <> agent2 LIMIT 1"))

    # ---- settings per store (named ones, the defaults for the others), and
    # the store's fixed UTC offset when its zone has one over the whole time
    # range of the data (checked every 3 hours over [first - 2 days, last + 2
    # days]); zones that change their offset in that range go through `zb`.
    st.append(f"""
CREATE TEMP TABLE cfg AS
WITH named(store, tz, idle_ms, sh_start, sh_end, slow_ms, as_ms, win_ms, attr_pay, dissat, prefixes) AS (
  VALUES {settings_values(named, default)}
), rng AS (
  SELECT store, min(lo) AS lo, max(hi) AS hi FROM (
    SELECT kpi_trim(s1) AS store, lo, hi FROM braw
    UNION ALL SELECT store, least(min(c_c), min(p_c)), greatest(max(c_c), max(p_c)) FROM op GROUP BY store
    UNION ALL SELECT store, min(r_c), max(r_c) FROM rp GROUP BY store
  ) WHERE store IS NOT NULL GROUP BY store
), s AS (
  SELECT r.store, r.lo, r.hi,
    coalesce(n.tz, d.tz) AS tz, coalesce(n.idle_ms, d.idle_ms) AS idle_ms,
    coalesce(n.sh_start, d.sh_start) AS sh_start, coalesce(n.sh_end, d.sh_end) AS sh_end,
    coalesce(n.slow_ms, d.slow_ms) AS slow_ms, coalesce(n.as_ms, d.as_ms) AS as_ms,
    coalesce(n.win_ms, d.win_ms) AS win_ms, coalesce(n.attr_pay, d.attr_pay) AS attr_pay,
    coalesce(n.dissat, d.dissat) AS dissat
  FROM rng r
  LEFT JOIN named n ON n.store = r.store
  CROSS JOIN (SELECT * FROM named WHERE store IS NULL) d
), zr AS (
  SELECT tz, coalesce(min(lo), 0) - 172800000 AS lo, coalesce(max(hi), 0) + 172800000 AS hi FROM s GROUP BY tz
), zs AS (
  SELECT tz, epoch_ms(timezone(tz, make_timestamp(x * 1000)::TIMESTAMPTZ)) - x AS off
  FROM zr, LATERAL generate_series(lo // 10800000 * 10800000, hi, 10800000) g(x)
), zf AS (
  SELECT tz, CASE WHEN count(DISTINCT off) = 1 THEN min(off) END AS fixed_off FROM zs GROUP BY tz
)
SELECT row_number() OVER (ORDER BY s.store)::INT AS sidx, s.*, zf.fixed_off
FROM s LEFT JOIN zf USING (tz)
""")

    # ---- buyers: one id (bid) per trimmed (store, buyer); each bh as written
    # maps to one. Orders get the bid of their (store, buyer) when it wrote.
    st.append("""
CREATE TEMP TABLE bd AS
WITH t AS (SELECT bh, kpi_trim(s1) AS store, kpi_trim(b1) AS buyer FROM braw)
SELECT t.bh, dense_rank() OVER (ORDER BY t.store, t.buyer) AS bid, t.store, t.buyer,
  g.sidx, g.idle_ms, g.fixed_off
FROM t JOIN cfg g USING (store)
""")
    st.append("DROP TABLE braw")

    # ---- offsets per quarter hour of wall-clock time (cb = ms // 900000) for
    # stores without a fixed offset. u1: ICU's instant of the wall time (ICU
    # takes the offset before a gap, like jiff); o1 its offset. In a fold ICU
    # takes the later instant: if the offset a day before (o0) is larger and
    # gives back the same wall time, jiff's "compatible" takes the earlier
    # instant, with o0.
    st.append("""
CREATE TEMP TABLE zb AS
WITH ns AS (SELECT sidx, store, tz FROM cfg WHERE fixed_off IS NULL),
b AS (
  SELECT DISTINCT d.sidx, m.t_c // 900000 AS cb
  FROM mp m JOIN (SELECT bh, sidx FROM bd SEMI JOIN ns USING (sidx)) d USING (bh)
  WHERE m.t_o IS NULL AND m.t_c IS NOT NULL
  UNION SELECT DISTINCT ns.sidx, c_c // 900000 FROM op JOIN ns USING (store) WHERE c_o IS NULL AND c_c IS NOT NULL
  UNION SELECT DISTINCT ns.sidx, p_c // 900000 FROM op JOIN ns USING (store) WHERE p_o IS NULL AND p_c IS NOT NULL
  UNION SELECT DISTINCT ns.sidx, r_c // 900000 FROM rp JOIN ns USING (store) WHERE r_o IS NULL AND r_c IS NOT NULL
), u AS (
  SELECT b.sidx, b.cb, ns.tz, b.cb * 900000 AS c,
    epoch_ms(timezone(ns.tz, make_timestamp(b.cb * 900000000))) AS u1
  FROM b JOIN ns USING (sidx)
), o AS (
  SELECT *, c - u1 AS o1,
    epoch_ms(timezone(tz, make_timestamp((u1 - 86400000) * 1000)::TIMESTAMPTZ)) - (u1 - 86400000) AS o0
  FROM u
)
SELECT sidx, cb,
  CASE WHEN o0 > o1 AND epoch_ms(timezone(tz, make_timestamp((c - o0) * 1000)::TIMESTAMPTZ)) = c
       THEN o0 ELSE o1 END AS off_ms
FROM o
""")

    # ---- pass 1: the records of each (store, buyer) by (instant, arrival).
    # role: 1 buyer, 2 agent, 3 bot (auto replies included), 0 system or event.
    st.append("""
CREATE TEMP TABLE m2 AS
SELECT bid, utc, role, kind, ah,
  row_number() OVER w AS pos,
  (utc - lag(utc) OVER w >= idle_ms) IS NOT FALSE AS new_session
FROM (
  SELECT b.bid, p.rowid AS arrival, b.idle_ms, p.kind, p.ah, p.role,
    p.t_c - CASE WHEN p.t_o IS NOT NULL THEN p.t_o * 1000
                 WHEN b.fixed_off IS NOT NULL THEN b.fixed_off ELSE z.off_ms END AS utc
  FROM mp p
  JOIN bd b USING (bh)
  LEFT JOIN zb z ON z.sidx = b.sidx AND z.cb = p.t_c // 900000
  ANTI JOIN dup_rows d ON d.arrival = p.rowid
)
WINDOW w AS (PARTITION BY bid ORDER BY utc, arrival)
""")
    # ---- pass 2: session ids (bid * 2^32 + number) and replies so far.
    st.append(f"""
CREATE TEMP TABLE mt AS
SELECT bid, utc, role, kind, ah, pos,
  (bid * {SID} + sum(new_session::INT) OVER w)::BIGINT AS sid,
  sum((role IN (2, 3))::INT) OVER w AS rc
FROM m2
WINDOW w AS (PARTITION BY bid ORDER BY pos ROWS UNBOUNDED PRECEDING)
""")
    st.append("DROP TABLE m2")

    # ---- orders
    st.append("""
CREATE TEMP TABLE ord AS
SELECT g.sidx, b.bid, g.tz, g.fixed_off, g.win_ms, g.attr_pay,
  o.c_c - CASE WHEN o.c_o IS NOT NULL THEN o.c_o * 1000 WHEN g.fixed_off IS NOT NULL THEN g.fixed_off ELSE zc.off_ms END AS created,
  o.p_c - CASE WHEN o.p_o IS NOT NULL THEN o.p_o * 1000 WHEN g.fixed_off IS NOT NULL THEN g.fixed_off ELSE zp.off_ms END AS paid,
  coalesce(nullif(o.am_w, '')::BIGINT, 0) * 100
    + CASE length(o.am_f) WHEN 0 THEN 0 WHEN 1 THEN o.am_f::BIGINT * 10 ELSE o.am_f::BIGINT END AS fen
FROM (SELECT * FROM (SELECT rowid AS arrival, * FROM op)
      QUALIFY row_number() OVER (PARTITION BY store, oid ORDER BY arrival DESC) = 1) o
JOIN cfg g USING (store)
LEFT JOIN (SELECT DISTINCT store, buyer, bid FROM bd) b ON b.store = o.store AND b.buyer = o.buyer
LEFT JOIN zb zc ON zc.sidx = g.sidx AND zc.cb = o.c_c // 900000
LEFT JOIN zb zp ON zp.sidx = g.sidx AND zp.cb = o.p_c // 900000
""")

    # ---- sessions that have a buyer message; after-sales: a paid order in
    # [start - days, start) and no order created in [start, start + hours]
    # (ASOF: the latest paid_at before the start, the first created_at from it).
    st.append(f"""
CREATE TEMP TABLE ses AS
WITH s0 AS (
  SELECT sid, sid // {SID} AS bid, min(utc) AS start,
    count(*) FILTER (WHERE role = 1) AS n_b,
    count(*) FILTER (WHERE role = 2) AS n_a,
    count(*) FILTER (WHERE role = 3) AS n_bot,
    coalesce(arg_min(ah, pos) FILTER (WHERE role = 2),
             arg_min(ah, pos) FILTER (WHERE kind = 4 AND ah IS NOT NULL)) AS recv,
    coalesce(bool_or(kind = 5), FALSE) AS invite
  FROM mt
  GROUP BY sid
  HAVING count(*) FILTER (WHERE role = 1) > 0
), a AS (
  SELECT s0.*, p.paid AS last_paid
  FROM s0 ASOF LEFT JOIN (SELECT bid, paid FROM ord WHERE paid IS NOT NULL AND bid IS NOT NULL) p
    ON p.bid = s0.bid AND s0.start > p.paid
), b AS (
  SELECT a.*, c.created AS next_created
  FROM a ASOF LEFT JOIN (SELECT bid, created FROM ord WHERE bid IS NOT NULL) c
    ON c.bid = a.bid AND a.start <= c.created
), bs AS (SELECT DISTINCT bid, sidx FROM bd)
SELECT b.sid, b.bid, g.sidx, b.start, b.n_b, b.n_a, b.n_bot, b.recv, b.invite,
  (b.last_paid IS NOT NULL AND b.last_paid >= b.start - g.as_ms
   AND (b.next_created IS NULL OR b.next_created > b.start + g.win_ms)) AS after_sales,
  kpi_local(b.start, g.fixed_off, g.tz) AS local_start,
  g.sh_start, g.sh_end, g.slow_ms, g.fixed_off, g.tz
FROM b JOIN bs USING (bid) JOIN cfg g USING (sidx)
""")

    # ---- rounds. In a session, the buyer messages after the k-th reply and
    # the (k+1)-th reply, when it is in the same session, share the key
    # (sid, rc - is_reply); such a group with a buyer message is a round and
    # its reply (there is at most one) closes it.
    st.append("""
CREATE TEMP TABLE rfact AS
WITH rnd AS MATERIALIZED (
  SELECT sid, rc - (role > 1)::INT AS k,
    min(utc) FILTER (WHERE role = 1) AS rstart,
    max(role) FILTER (WHERE role > 1) AS crole,
    max(ah) FILTER (WHERE role = 2) AS cagent,
    max(utc) FILTER (WHERE role > 1) AS cutc
  FROM mt
  WHERE role IN (1, 2, 3)
  GROUP BY sid, rc - (role > 1)::INT
  HAVING count(*) FILTER (WHERE role = 1) > 0
), fh AS (
  -- the first human round of each session (bot rounds before it skipped)
  SELECT sid, min(k) AS first_h FROM rnd WHERE crole = 2 GROUP BY sid
), r AS (
  SELECT rnd.*, s.bid, s.sidx, s.recv, s.local_start, s.sh_start, s.sh_end, s.slow_ms, fh.first_h,
    kpi_local(rnd.rstart, s.fixed_off, s.tz) AS lt
  FROM rnd JOIN ses s USING (sid) LEFT JOIN fh USING (sid)
)
SELECT sidx, bid,
  CASE WHEN crole = 2 THEN cagent ELSE recv END AS agent,
  local_start, crole = 2 AS human, crole IS NULL AS unanswered,
  CASE WHEN crole = 2 THEN cutc - rstart END AS rt_ms,
  crole = 2 AND k = first_h AS first_h,
  crole = 2 AND cutc - rstart > slow_ms AS slow
FROM r
WHERE (crole IS NULL OR crole = 2)
  AND CASE WHEN sh_start < sh_end
           THEN hour(lt) * 60 + minute(lt) >= sh_start AND hour(lt) * 60 + minute(lt) < sh_end
           ELSE hour(lt) * 60 + minute(lt) >= sh_start OR hour(lt) * 60 + minute(lt) < sh_end END
""")

    # ---- attribution: for each order, the last effective agent message of
    # its (store, buyer) in an inquiry session at or before the reference
    # time (created_at; paid_at under attribution = payment), attributed when
    # it is no more than the window before it. The ASOF key (instant, position)
    # makes the later arrival win a tie of instants.
    st.append(f"""
CREATE TEMP TABLE att AS
WITH cand AS (
  SELECT m.bid, m.utc, m.ah, m.sid, m.utc::HUGEINT * {SID} + m.pos AS k
  FROM mt m SEMI JOIN (SELECT sid FROM ses WHERE NOT after_sales) s USING (sid)
  WHERE m.role = 2
), o AS (
  SELECT *, CASE WHEN attr_pay THEN paid ELSE created END AS ref FROM ord
), j AS (
  SELECT o.*, c.utc AS m_utc, c.ah AS m_agent, c.sid AS m_sid
  FROM o ASOF LEFT JOIN cand c ON c.bid = o.bid AND o.ref::HUGEINT * {SID} + {SID - 1} >= c.k
)
SELECT sidx, bid, paid, fen, tz, fixed_off,
  CASE WHEN m_utc >= ref - win_ms THEN m_agent END AS agent,
  CASE WHEN m_utc >= ref - win_ms THEN m_sid END AS sid
FROM j
""")

    # ---- ratings: one per identity (store, buyer, agent, rated_at as
    # written) with its last score and its first arrival; then the last one
    # per (store, buyer, agent, local day) by instant, ties by arrival.
    st.append("""
CREATE TEMP TABLE rat AS
WITH ident AS (
  SELECT store, buyer, agent, r_c, r_o, min(arrival) AS arrival, arg_max(score, arrival) AS score
  FROM (SELECT rowid AS arrival, * FROM rp) GROUP BY store, buyer, agent, r_c, r_o
), t AS (
  SELECT i.*, g.sidx, g.tz, g.fixed_off, g.dissat,
    i.r_c - CASE WHEN i.r_o IS NOT NULL THEN i.r_o * 1000 WHEN g.fixed_off IS NOT NULL THEN g.fixed_off ELSE z.off_ms END AS utc
  FROM ident i JOIN cfg g USING (store)
  LEFT JOIN zb z ON z.sidx = g.sidx AND z.cb = i.r_c // 900000
), l AS (
  SELECT *, kpi_local(utc, fixed_off, tz) AS lt FROM t
)
SELECT sidx, hash(agent) AS agent, lt, score >= 4 AS sat, score <= dissat AS dis
FROM l
QUALIFY row_number() OVER (PARTITION BY store, buyer, agent, lt::DATE ORDER BY utc DESC, arrival DESC) = 1
""")
    return st


def facts_sql(by: set, d_from, d_to) -> str:
    """Every figure as fact rows: fk (kind), sidx (store), agent (hash),
    lt (local time the figure falls in), bid (buyer), flags b1..b5, numbers n1, n2.
      fk 1 session:  b1 manual, b2 bot, b3 unanswered, b4 after-sales,
                     b5 manual with an invite_rating event, n1 buyer messages, n2 agent messages
      fk 2 round:    b1 human, b2 unanswered, b3 first human round of its session,
                     b4 slow, b5 answered within 180 s, n1 response time (ms)
      fk 3 inquiry:  a buyer of an inquiry session (per agent: one the agent wrote in)
      fk 4 attributed order: b1 paid, n1 amount (fen)
      fk 5 paid silent order: n1 amount (fen)
      fk 6 rating:   b1 satisfied, b2 dissatisfied"""
    if "agent" in by:
        # per agent: the buyers of inquiry sessions in which the agent sent an
        # effective agent message (an inquiry session in which no agent wrote
        # counts for no agent, not even in the row of agent null).
        inquiry = """
  SELECT 3, s.sidx, a.ah, s.local_start, s.bid, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM ses s JOIN (SELECT DISTINCT sid, ah FROM mt WHERE role = 2) a USING (sid)
  WHERE NOT s.after_sales"""
    else:
        inquiry = """
  SELECT 3, sidx, NULL, local_start, bid, NULL, NULL, NULL, NULL, NULL, NULL, NULL
  FROM ses WHERE NOT after_sales"""
    union = f"""
  SELECT 1 AS fk, sidx, recv AS agent, local_start AS lt, bid,
    n_a > 0 AS b1, n_a = 0 AND n_bot > 0 AS b2, n_a = 0 AND n_bot = 0 AS b3, after_sales AS b4,
    n_a > 0 AND invite AS b5, n_b AS n1, n_a AS n2
  FROM ses
  UNION ALL
  SELECT 2, sidx, agent, local_start, bid, human, unanswered, first_h, slow,
    human AND rt_ms <= 180000, rt_ms, NULL
  FROM rfact
  UNION ALL {inquiry}
  UNION ALL
  SELECT 4, a.sidx, a.agent, s.local_start, a.bid, a.paid IS NOT NULL, NULL, NULL, NULL, NULL, a.fen, NULL
  FROM att a JOIN ses s USING (sid)
  WHERE a.agent IS NOT NULL
  UNION ALL
  SELECT 5, sidx, NULL, kpi_local(paid, fixed_off, tz), bid, NULL, NULL, NULL, NULL, NULL, fen, NULL
  FROM att WHERE agent IS NULL AND paid IS NOT NULL
  UNION ALL
  SELECT 6, sidx, agent, lt, NULL, sat, dis, NULL, NULL, NULL, NULL, NULL
  FROM rat"""
    conds = []
    if d_from:
        conds.append(f"lt::DATE >= DATE '{d_from}'")
    if d_to:
        conds.append(f"lt::DATE <= DATE '{d_to}'")
    where = ("WHERE " + " AND ".join(conds)) if conds else ""
    return f"SELECT * FROM ({union}\n) {where}"


def output_sql(by: set, d_from, d_to) -> str:
    keys = []
    if "store" in by:
        keys.append(("store", "sidx", "cfg.store"))
    if "agent" in by:
        keys.append(("agent", "agent", "ad.agent"))
    if "date" in by:
        keys.append(("date", "lt::DATE", "strftime(g.k_date, '%Y-%m-%d')"))
    if "hour" in by:
        keys.append(("hour", "hour(lt)", "g.k_hour"))
    key_sel = ", ".join(f"{e} AS k_{n}" for n, e, _ in keys)
    group = ", ".join(f"k_{n}" for n, _, _ in keys)
    out_keys = ", ".join(f"{o} AS k_{n}" for n, _, o in keys)
    order = ", ".join(f"k_{n} ASC NULLS LAST" for n, _, _ in keys)
    joins = ""
    if "store" in by:
        joins += " JOIN cfg ON cfg.sidx = g.k_store"
    if "agent" in by:
        joins += " LEFT JOIN ad ON ad.ah = g.k_agent"

    def q(num, den):
        return f"CASE WHEN ({den}) = 0 THEN NULL ELSE ({num})::DOUBLE / ({den})::DOUBLE END"

    def money(fen):
        return f"printf('%d.%02d', ({fen}) // 100, ({fen}) % 100)"

    return f"""
WITH f AS ({facts_sql(by, d_from, d_to)}),
g AS (
  SELECT {group},
    count(DISTINCT bid) FILTER (WHERE fk = 1) AS consult_buyers,
    count(*) FILTER (WHERE fk = 1) AS sessions,
    count(*) FILTER (WHERE fk = 1 AND b1) AS manual_sessions,
    count(*) FILTER (WHERE fk = 1 AND b2) AS bot_sessions,
    count(*) FILTER (WHERE fk = 1 AND b3) AS unanswered_sessions,
    sum(n1) FILTER (WHERE fk = 2 AND b3) AS first_sum, count(*) FILTER (WHERE fk = 2 AND b3) AS first_n,
    sum(n1) FILTER (WHERE fk = 2 AND b1) AS rt_sum, count(*) FILTER (WHERE fk = 2 AND b1) AS human_rounds,
    count(*) FILTER (WHERE fk = 2 AND b5) AS within_3min,
    count(*) FILTER (WHERE fk = 2 AND b4) AS slow_rounds,
    count(*) FILTER (WHERE fk = 2 AND b2) AS unanswered_rounds,
    count(DISTINCT bid) FILTER (WHERE fk = 1 AND b1) AS manual_buyers,
    coalesce(sum(n1) FILTER (WHERE fk = 1), 0) AS buyer_messages,
    coalesce(sum(n2) FILTER (WHERE fk = 1), 0) AS agent_messages,
    count(DISTINCT bid) FILTER (WHERE fk = 3) AS inquiry_buyers,
    count(DISTINCT bid) FILTER (WHERE fk = 4) AS ordered_buyers,
    count(DISTINCT bid) FILTER (WHERE fk = 4 AND b1) AS paid_buyers,
    coalesce(sum(n1) FILTER (WHERE fk = 4 AND b1), 0) AS sales_fen,
    coalesce(sum(n1) FILTER (WHERE fk = 5), 0) AS silent_fen,
    count(*) FILTER (WHERE fk = 1 AND b4) AS after_sales_sessions,
    count(*) FILTER (WHERE fk = 6) AS ratings,
    count(*) FILTER (WHERE fk = 6 AND b1) AS satisfied,
    count(*) FILTER (WHERE fk = 6 AND b2) AS dissatisfied,
    count(*) FILTER (WHERE fk = 1 AND b5) AS invited
  FROM (SELECT *, {key_sel} FROM f)
  GROUP BY {group}
)
SELECT {out_keys},
  consult_buyers, sessions, manual_sessions, bot_sessions, unanswered_sessions,
  CASE WHEN first_n = 0 THEN NULL ELSE first_sum::DOUBLE / first_n::DOUBLE / 1000.0 END AS first_response_s,
  CASE WHEN human_rounds = 0 THEN NULL ELSE rt_sum::DOUBLE / human_rounds::DOUBLE / 1000.0 END AS avg_response_s,
  {q('within_3min', 'human_rounds + unanswered_rounds')} AS reply_3min_rate,
  slow_rounds, unanswered_rounds,
  {q('manual_buyers', 'consult_buyers')} AS reply_rate,
  buyer_messages, agent_messages,
  {q('agent_messages', 'buyer_messages')} AS answer_ratio,
  inquiry_buyers, ordered_buyers, paid_buyers,
  {q('ordered_buyers', 'inquiry_buyers')} AS order_conversion,
  {q('paid_buyers', 'inquiry_buyers')} AS pay_conversion,
  {money('sales_fen')} AS sales,
  CASE WHEN paid_buyers = 0 THEN NULL
       ELSE {money('(2 * sales_fen + paid_buyers) // (2 * paid_buyers)')} END AS avg_order_value,
  {money('silent_fen')} AS silent_sales,
  after_sales_sessions, ratings,
  {q('satisfied', 'ratings')} AS satisfied_rate,
  {q('dissatisfied', 'ratings')} AS dissatisfied_rate,
  {q('invited', 'manual_sessions')} AS invite_rate
FROM g{joins}
ORDER BY {order}
"""


FLOAT_FIGURES = {"first_response_s", "avg_response_s", "reply_3min_rate", "reply_rate", "answer_ratio",
                 "order_conversion", "pay_conversion", "satisfied_rate", "dissatisfied_rate", "invite_rate"}


def parse_by(text: str) -> set:
    by = set()
    for k in (text or "store").split(","):
        k = k.strip()
        if not k:
            continue
        if k not in ("store", "agent", "date", "hour"):
            raise KpiError(f"--by: '{k}' is not one of store, agent, date, hour")
        by.add(k)
    if not by:
        by = {"store"}
    if "agent" in by:
        by.add("store")
    return by


def run(args) -> list:
    t0 = time.perf_counter()
    named, default = load_settings(args.settings)
    d = args.input
    args.messages = os.path.join(d, "messages.csv")
    args.orders = os.path.join(d, "orders.csv")
    args.ratings = os.path.join(d, "ratings.csv")
    if not os.path.exists(args.messages):
        raise KpiError(f"{args.messages}: no such file")
    have_orders = os.path.exists(args.orders)
    have_ratings = os.path.exists(args.ratings)
    hdr = {"messages": csv_columns(args.messages, "messages")}
    if have_orders:
        hdr["orders"] = csv_columns(args.orders, "orders")
    if have_ratings:
        hdr["ratings"] = csv_columns(args.ratings, "ratings")
    by = parse_by(args.by)
    for v in (args.date_from, args.date_to):
        if v:
            try:
                dt.date.fromisoformat(v)
            except ValueError:
                raise KpiError(f"'{v}' is not a date (YYYY-MM-DD)") from None

    con = duckdb.connect(":memory:")
    con.execute("SET preserve_insertion_order = true")
    if args.threads:
        con.execute(f"SET threads = {int(args.threads)}")
    t_sql = time.perf_counter()
    files = {"messages": args.messages, "orders": args.orders, "ratings": args.ratings}
    for stmt in build_sql(args, have_orders, have_ratings, hdr, named, default):
        t = time.perf_counter()
        if isinstance(stmt, tuple) and stmt[0] == "FAIL":
            bad = con.execute(stmt[1]).fetchone()
            if bad:
                raise KpiError(bad[0])
            label = "check"
        elif isinstance(stmt, tuple):
            _, table, q = stmt
            bad = con.execute(q).fetchone()
            if bad:
                where = f"a record of store {args.store}" if args.store else f"record {bad[0] + 1} after the header"
                raise KpiError(f"{files[table]}: {where}: {bad[1]}")
            label = f"check {table}"
        else:
            con.execute(stmt)
            label = stmt.strip().splitlines()[0][:70]
        if args.debug:
            print(f"{time.perf_counter() - t:7.3f}s  {label}", file=sys.stderr)
    t = time.perf_counter()
    cur = con.execute(output_sql(by, args.date_from, args.date_to))
    names = [c[0] for c in cur.description]
    rows = cur.fetchall()
    t_end_sql = time.perf_counter()
    if args.debug:
        print(f"{t_end_sql - t:7.3f}s  output", file=sys.stderr)
    out = []
    for r in rows:
        rec = dict(zip(names, r))
        o = {}
        for k in ("store", "agent", "date", "hour"):
            if "k_" + k in rec:
                o[k] = rec["k_" + k]
        for f in FIGURES:
            if f == "silent_sales" and o.get("agent") is not None:
                continue
            v = rec[f]
            if f in FLOAT_FIGURES and v is not None:
                v = float(v)
            elif v is not None and not isinstance(v, str):
                v = int(v)
            o[f] = v
        out.append(o)
    if args.timing:
        print(f"sql: {t_end_sql - t_sql:.3f}s  total: {time.perf_counter() - t0:.3f}s  rows: {len(out)}",
              file=sys.stderr)
    return out


def write_json(out: list, w) -> None:
    w.write("[\n")
    w.write(",\n".join(json.dumps(o, ensure_ascii=False) for o in out))
    w.write("\n]\n" if out else "]\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="KPIs of spec/kpi.md computed by DuckDB")
    ap.add_argument("--input", required=True, help="directory with messages.csv [orders.csv ratings.csv]")
    ap.add_argument("--settings", help="settings TOML ([stores.\"CODE\"] tables)")
    ap.add_argument("--from", dest="date_from", help="first local day, YYYY-MM-DD")
    ap.add_argument("--to", dest="date_to", help="last local day, YYYY-MM-DD")
    ap.add_argument("--by", default="store", help="grouping: any of store,agent,date,hour")
    ap.add_argument("--store", help="only this store")
    ap.add_argument("--threads", type=int, help="DuckDB threads")
    ap.add_argument("--timing", action="store_true", help="print SQL and total wall time to stderr")
    ap.add_argument("--debug", action="store_true", help="print the time of each statement to stderr")
    args = ap.parse_args(argv)
    try:
        out = run(args)
    except KpiError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    write_json(out, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
