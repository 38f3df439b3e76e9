#!/usr/bin/env python3
"""The settlement benchmark (issue 11): `kefu settle --month` for 300
contracts over the 10 M-message demo month, against a Python baseline that
computes the same figures, in one run.

1. The demo month (`kefu demo --messages N`, 10 million by default) is
   imported into a new SQLite file (`kefu import dir`), kept in
   `DATA/out/settle.db` for later runs of the same data.
2. 300 contracts over 300 of the demo's stores (100 clients of 3 stores;
   `DATA/out/contracts_bench.toml`), already running (`state = "formal"`
   from 2026-10-01), in five kinds: dedicated seats with a seat added on 16
   November; low base + 3 % commission; per-inquiry on three graduated
   tiers; a custom mix of seats, a fixed fee and a promotion booking; and
   commission with per-inquiry. A tenth of them get a second version from
   15 November with other prices. `kefu contract import` takes them.
3. `kefu settle --month 2026-11` (target: under 2 s, the whole process),
   on the database with no invoices (drafting every one) and again
   (recomputing each draft), --repeat times each, the invoices removed
   between the drafting runs; the medians.
4. The baseline (`python3`, standard library): the per-inquiry and
   commission amounts of the same contracts computed from `orders.csv`
   (paid and refunded on local days of November, Asia/Shanghai) and the
   manual sessions of `kefu kpi --by store --format json`; every such line
   of kefu's invoices (`kefu invoice list --month 2026-11 --format json`)
   must equal it to the fen (a difference fails the run). Its time is
   printed beside kefu's.

    python3 bench/settle.py [--messages 10000000] [--data bench/data] [--kefu PATH] [--repeat 3]
"""

from __future__ import annotations

import argparse
import csv
import json
import shutil
import sqlite3
import statistics
import sys
import time
from datetime import datetime, timezone, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, Report, build_kefu, demo_data, git_head, load, log  # noqa: E402
from run import StepFailed, fmt_mem, run  # noqa: E402

TARGET_S = 2.0
MONTH = "2026-11"
CST = timezone(timedelta(hours=8))
TIERS = [(1000, Decimal("2.00")), (5000, Decimal("1.50")), (None, Decimal("1.00"))]


def contract_file(stores: list[str]) -> tuple[str, dict]:
    """The TOML of 300 contracts and, per contract, what the baseline
    checks: (kind, stores, rate, tiers per version span)."""
    out, expect = [], {}
    for c in range(100):
        group = stores[3 * c: 3 * c + 3]
        out.append(f'[[client]]\nname = "客户{c:03}"\nstores = [{", ".join(json.dumps(s) for s in group)}]\n')
    for i, store in enumerate(stores[:300]):
        client = f"客户{i // 3:03}"
        kind = i % 5
        cid = f"B-{i:03}"
        if kind == 0:
            charges = '[[contract.charge]]\nkind = "seat"\nrole = "presale"\nmonthly_price = "4500.00"\n\n' \
                      '[[contract.charge]]\nkind = "seat"\nrole = "aftersale"\nmonthly_price = "4000.00"\n'
        elif kind == 1:
            charges = '[[contract.charge]]\nkind = "commission"\nmonthly_base = "3000.00"\nrate = "0.03"\n'
        elif kind == 2:
            charges = '[[contract.charge]]\nkind = "per_inquiry"\ntiers = [ { up_to = 1000, price = "2.00" }, ' \
                      '{ up_to = 5000, price = "1.50" }, { price = "1.00" } ]\n'
        elif kind == 3:
            charges = '[[contract.charge]]\nkind = "seat"\nrole = "presale"\nmonthly_price = "4200.00"\n\n' \
                      '[[contract.charge]]\nkind = "fixed"\nname = "系统使用费"\nmonthly = "500.00"\n\n' \
                      '[[contract.charge]]\nkind = "promotion"\nbookings = [ { from = "2026-11-10", to = "2026-11-12", ' \
                      'seats = 5, seat_day_price = "300.00" } ]\n'
        else:
            charges = '[[contract.charge]]\nkind = "commission"\nmonthly_base = "2000.00"\nrate = "0.02"\n\n' \
                      '[[contract.charge]]\nkind = "per_inquiry"\ntiers = [ { up_to = 1000, price = "2.00" }, ' \
                      '{ up_to = 5000, price = "1.50" }, { price = "1.00" } ]\n'
        head = (f'[[contract]]\nid = "{cid}"\nclient = "{client}"\ntype = "outsourcing"\nstores = ["{store}"]\n'
                f'start = "2026-10-01"\nend = "2027-09-30"\nstate = "formal"\nservice_start = "2026-10-01"\n'
                f'annual_base_fee = "24000.00"\ndeposit = {{ amount = "10000.00", kind = "advance" }}\n'
                f'seats = [ {{ role = "presale", count = 3, from = "2026-10-01" }}, '
                f'{{ role = "aftersale", count = 2, from = "2026-10-01" }}, '
                f'{{ role = "presale", count = 4, from = "2026-11-16" }} ]\n\n')
        out.append(head + charges)
        rate = {1: Decimal("0.03"), 4: Decimal("0.02")}.get(kind)
        expect[cid] = {"store": store, "rate": rate, "tiers": kind in (2, 4), "versions": 1}
        if i % 10 in (6, 9):
            # A second version from 15 November: the same charges at other prices.
            v2 = (head.replace('start = "2026-10-01"\nend', 'start = "2026-10-01"\nversion_from = "2026-11-15"\nend')
                  + charges.replace("4500.00", "4800.00").replace("0.03", "0.035").replace("3000.00", "3300.00"))
            out.append(v2)
            if rate is not None and kind == 1:
                expect[cid]["rate2"] = Decimal("0.035")
            expect[cid]["versions"] = 2
    return "\n".join(out), expect


def local_day(text: str) -> str | None:
    """The Shanghai day (YYYY-MM-DD) of a recorded time, local or with an offset."""
    if not text:
        return None
    t = text.strip().replace("/", "-")
    if "T" in t or "+" in t[10:] or t.endswith("Z"):
        dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
        if dt.tzinfo is not None:
            dt = dt.astimezone(CST)
        return dt.strftime("%Y-%m-%d")
    return t[:10]


def fen(text: str) -> int:
    return int((Decimal(text) * 100).to_integral_value(ROUND_HALF_UP)) if text else 0


def baseline(data: Path, kpi_json: Path, expect: dict) -> tuple[dict, float]:
    """Per contract id, the expected (commission, per_inquiry) amounts in
    fen over the days of November a version covers; and the seconds it took."""
    t0 = time.monotonic()
    wanted = {e["store"] for e in expect.values()}
    # Per store and day of November: paid and refunded fen.
    paid: dict[tuple[str, str], int] = {}
    refunded: dict[tuple[str, str], int] = {}
    with open(data / "orders.csv", encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            s = row["store"]
            if s not in wanted:
                continue
            d = local_day(row["paid_at"])
            if d and d.startswith(MONTH):
                paid[(s, d)] = paid.get((s, d), 0) + fen(row["amount"])
            d = local_day(row.get("refunded_at", ""))
            if d and d.startswith(MONTH) and row.get("refund_amount"):
                refunded[(s, d)] = refunded.get((s, d), 0) + fen(row["refund_amount"])
    sessions = {r["store"]: int(r["manual_sessions"] or 0) for r in json.loads(kpi_json.read_text())}
    out = {}
    for cid, e in expect.items():
        s = e["store"]
        days = [f"{MONTH}-{d:02}" for d in range(1, 31)]
        spans = [(days, e["rate"])] if "rate2" not in e else [(days[:14], e["rate"]), (days[14:], e["rate2"])]
        commission = None
        if e["rate"] is not None:
            commission = 0
            for span, rate in spans:
                base = sum(paid.get((s, d), 0) - refunded.get((s, d), 0) for d in span)
                commission += int((Decimal(base) * rate).to_integral_value(ROUND_HALF_UP))
        per_inquiry = None
        if e["tiers"]:
            n, total, floor = sessions.get(s, 0), Decimal(0), 0
            for up_to, price in TIERS:
                ceiling = up_to if up_to is not None else 10**18
                k = max(0, min(n, ceiling) - floor)
                total += k * price * 100
                floor = ceiling
            per_inquiry = int(total)
        out[cid] = (commission, per_inquiry)
    return out, time.monotonic() - t0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=10_000_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--data", type=Path, default=REPO / "bench" / "data")
    ap.add_argument("--kefu", type=Path, help="kefu binary (default: cargo build --release)")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()
    kefu = a.kefu or build_kefu()
    head, dirty = git_head()
    env = {"KEFU_LANG": "en", "PATH": "/usr/bin:/bin"}
    rep = Report()
    summary = demo_data(kefu, a.data, a.messages, a.seed, env)
    out = a.data / "out"
    out.mkdir(parents=True, exist_ok=True)
    db = out / "settle.db"
    stamp = out / "settle.db.stamp"
    want = (a.data / "stamp.json").read_text() if (a.data / "stamp.json").exists() else summary
    if not db.exists() or not stamp.exists() or stamp.read_text() != want:
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        log("== importing the demo month (kept for later runs)")
        run([str(kefu), "--db", str(db), "import", "dir", str(a.data)], env=env)
        stamp.write_text(want)
    with open(a.data / "orders.csv", encoding="utf-8-sig", newline="") as fh:
        stores = sorted({r["store"] for r in csv.DictReader(fh)})
    if len(stores) < 300:
        raise SystemExit(f"the demo has {len(stores)} stores with orders; 300 are needed")
    text, expect = contract_file(stores)
    contracts = out / "contracts_bench.toml"
    contracts.write_text(text, encoding="utf-8")
    work = out / "settle_work.db"
    for suffix in ("", "-wal", "-shm"):
        Path(str(work) + suffix).unlink(missing_ok=True)
    shutil.copyfile(db, work)
    run([str(kefu), "--db", str(work), "contract", "import", str(contracts)], env=env)
    drafting, recomputing = [], []
    for i in range(a.repeat):
        if i:
            with sqlite3.connect(work) as c:
                c.execute("DELETE FROM invoices")
        log(f"== settle {i + 1}/{a.repeat}, load {load()}")
        drafting.append(run([str(kefu), "--db", str(work), "settle", "--month", MONTH], env=env))
        recomputing.append(run([str(kefu), "--db", str(work), "settle", "--month", MONTH], env=env))
    d = statistics.median(r.wall for r in drafting)
    r = statistics.median(r.wall for r in recomputing)
    peak = max(x.maxrss_kb for x in drafting + recomputing)
    rep.add("kefu settle --month 2026-11, 300 contracts, drafting every invoice (median)", f"< {TARGET_S} s",
            f"{d:.2f} s (peak {fmt_mem(peak)})", d < TARGET_S)
    rep.add("kefu settle again: every draft recomputed (median)", f"< {TARGET_S} s", f"{r:.2f} s", r < TARGET_S)
    invoices = out / "settle_invoices.json"
    run([str(kefu), "--db", str(work), "invoice", "list", "--month", MONTH, "--format", "json"], env=env, stdout=invoices)
    kpi = out / "settle_kpi.json"
    run([str(kefu), "--db", str(work), "kpi", "--by", "store", "--from", f"{MONTH}-01", "--to", f"{MONTH}-30",
         "--format", "json"], env=env, stdout=kpi)
    expected, took = baseline(a.data, kpi, expect)
    got = {i["contract"]: i for i in json.loads(invoices.read_text())}
    diffs = []
    for cid, (commission, per_inquiry) in expected.items():
        inv = got.get(cid)
        if inv is None:
            diffs.append(f"{cid}: no invoice")
            continue
        lines = inv["lines"]
        have_c = sum(fen(l["amount"]) for l in lines if l["charge"] == "commission")
        have_p = sum(fen(l["amount"]) for l in lines if l["charge"] == "per_inquiry")
        if commission is not None and have_c != commission:
            diffs.append(f"{cid}: commission {have_c} fen, baseline {commission}")
        if per_inquiry is not None and have_p != per_inquiry:
            diffs.append(f"{cid}: per_inquiry {have_p} fen, baseline {per_inquiry}")
        total = sum(fen(l["gross"]) for l in lines)
        if total != fen(inv["gross"]):
            diffs.append(f"{cid}: lines sum to {total}, invoice says {inv['gross']}")
    rep.add("invoices: one per contract", "300", str(len(got)), len(got) == 300)
    rep.add("commission and per-inquiry lines = baseline (to the fen); lines sum to the total", "equal",
            "equal" if not diffs else f"{len(diffs)} differ: " + "; ".join(diffs[:3]), not diffs)
    rep.add("baseline (Python: orders.csv + kefu kpi sessions, commission and per-inquiry only)", "-",
            f"{took:.2f} s; kefu settle {d:.2f} s for every charge", None)
    rep.notes.append(f"data: {summary}")
    rep.notes.append(f"kefu: {kefu} ({head}{', with uncommitted changes' if dirty else ''})")
    rep.notes.append(f"load average at end: {load()}")
    try:
        return rep.finish(f"--messages {a.messages}, 300 contracts, {MONTH}")
    except StepFailed as e:
        print(f"step failed: {e}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
