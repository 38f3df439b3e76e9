#!/usr/bin/env python3
"""The quality-inspection benchmark (issue 10): kefu's inspection against a
Python baseline, and what inspecting costs the import.

On a demo month (`kefu demo --messages N`, 10 million by default), with the
default rule set plus a 5,000-phrase keyword list (`qa_phrases.py`), in one
run:

1. inspection throughput: `kefu qa check --input DIR --rules FILE --format
   json` against `python3 bench/qa_baseline.py --input DIR --rules FILE`
   (pyahocorasick and `re`, the same text rules, --processes 2 by default:
   the same two cores as kefu's two threads), alternating, --repeat runs
   each; the medians of the inspection time each reports (`inspect_seconds`:
   the CSV read is timed apart), MB/s of message text, messages/s and
   sessions/s, the ratio baseline / kefu (target >= 10), wall time and peak
   memory of each process; and the findings of each text rule, which must
   be the same in both (a difference fails the run);
2. the import with and without inspection: `kefu --db NEW.db import messages
   DIR/messages.csv` with this binary and with `--kefu-without PATH`, a kefu
   built before quality inspection existed (commit 6688e15), each into a new
   SQLite file; the ratio of the median wall times (target <= 1.3), once with
   the default rule set a new database holds, once with the benchmark's rule
   file imported first (see the README for why both files are then created
   before the timed import); the findings the import stored must equal
   `kefu qa check`'s on the same rules;
3. the rules page's "try before publishing" over the last 7 days of the
   month (target < 5 s): `kefu --db DB qa rules try FILE --days 7` (the
   same service call as the page's button) with the benchmark's rule file
   as the draft, on the database part 2 imported with the default rules
   (imported here when part 2 is skipped), --repeat runs, the median wall
   time of the whole process; once for all stores and once for one store's
   overrides (info).

Ends with a table: target, measured, PASS / FAIL ("info" for figures without
a target). Progress goes to stderr, the results and the table to stdout; exit
status 1 when a target is missed or the counts differ.

    python3 bench/qa.py [--messages 10000000] [--data bench/data] [--kefu PATH] [--kefu-without PATH]

Python 3.11, standard library; pyahocorasick only inside qa_baseline.py
(installed with pip when missing).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import shutil
import sqlite3
import tomllib
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from common import Line, REPO, Report, build_kefu, demo_data, git_head, load, log
from qa_phrases import RULE_ID, write_rules
from run import Run, StepFailed, fmt_mem, fmt_rate, import_file, run

BASELINE = REPO / "bench" / "qa_baseline.py"

# Targets of the issue.
SPEEDUP_MIN = 10.0  # kefu at least 10x the baseline's inspection speed
IMPORT_RATIO_MAX = 1.3  # import with inspection at most 1.3x the import without
TRY_MAX_S = 5.0  # "try before publishing" over 7 days

# The text rules of the default set and the benchmark's list: the rules the
# baseline implements, whose counts must agree.
TEXT_RULES = ("offplatform", "abuse", "absolute_terms", "paid_review", "mobile", "wechat_id",
              "url", "id_card", "buyer_repeat", "complaint", RULE_ID)


def ensure_pyahocorasick() -> None:
    if importlib.util.find_spec("ahocorasick") is not None:
        return
    log("pyahocorasick is missing: pip install pyahocorasick")
    r = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "pyahocorasick"])
    if r.returncode != 0 or importlib.util.find_spec("ahocorasick") is None:
        raise SystemExit("cannot install pyahocorasick (pip install pyahocorasick)")


def read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise StepFailed(f"cannot read {path}: {e}")


def fmt_mb(n: float) -> str:
    return f"{n / 1e6:,.1f} MB/s"


def remove_db(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(str(path) + suffix).unlink(missing_ok=True)


# ------------------------------------------------------------------- part 1


def stage_inspect(kefu: Path, data: Path, rules: Path, out: Path, repeat: int, processes: int,
                  env, rep: Report) -> dict | None:
    """Part 1; kefu's last JSON (its counts are part 2's reference), or None."""
    log(f"== 1. inspection: kefu qa check vs qa_baseline.py ({repeat} alternating runs each), load {load()}")
    with open(data / "messages.csv", "rb") as fh:  # page cache warm for both
        while fh.read(1 << 24):
            pass
    k_path, b_path = out / "qa_kefu.json", out / "qa_baseline.json"
    k_runs: list[tuple[Run, dict]] = []
    b_runs: list[tuple[Run, dict]] = []
    load_before = load()
    try:
        for _ in range(repeat):
            r = run([str(kefu), "qa", "check", "--input", str(data), "--rules", str(rules), "--format", "json"],
                    env=env, stdout=k_path)
            k_runs.append((r, read_json(k_path)))
            log(f"  kefu: read {k_runs[-1][1]['read_seconds']:.2f} s, inspect {k_runs[-1][1]['inspect_seconds']:.2f} s")
            r = run([sys.executable, str(BASELINE), "--input", str(data), "--rules", str(rules),
                     "--processes", str(processes)], env=env, stdout=b_path)
            b_runs.append((r, read_json(b_path)))
            if r.stderr.strip():
                log("  qa_baseline.py: " + r.stderr.strip().splitlines()[-1])
            log(f"  baseline: read {b_runs[-1][1]['read_seconds']:.2f} s, inspect {b_runs[-1][1]['inspect_seconds']:.2f} s")
    except StepFailed as e:
        who = "qa_baseline.py" if len(k_runs) > len(b_runs) else "kefu qa check"
        rep.lines.append(Line(f"1. {who}", "runs", str(e), "FAIL"))
        print(f"  1. {who}: {e} [FAIL]", flush=True)
        return None
    load_after = load()
    k, b = k_runs[-1][1], b_runs[-1][1]
    kt = statistics.median(j["inspect_seconds"] for _, j in k_runs)
    bt = statistics.median(j["inspect_seconds"] for _, j in b_runs)
    kw = statistics.median(r.wall for r, _ in k_runs)
    bw = statistics.median(r.wall for r, _ in b_runs)
    kr = statistics.median(j["read_seconds"] for _, j in k_runs)
    br = statistics.median(j["read_seconds"] for _, j in b_runs)
    mb, msgs, sess = k["text_bytes"], k["messages"], k["sessions_inspected"]
    times = lambda rs, f: ", ".join(f"{f(x):.2f}" for x in rs)  # noqa: E731
    print(f"\n1. inspection, {msgs:,} messages, {mb / 1e6:,.1f} MB of text, {k['conversations']:,} conversations, "
          f"{sess:,} sessions (load before {load_before}, after {load_after})", flush=True)
    print(f"  kefu inspect_seconds: {times(k_runs, lambda x: x[1]['inspect_seconds'])}; "
          f"baseline ({processes} processes): {times(b_runs, lambda x: x[1]['inspect_seconds'])}", flush=True)
    n = f"median of {repeat}"
    rep.add(f"1. kefu qa check: inspection ({n})", "-",
            f"{kt:.2f} s: {fmt_mb(mb / kt)}, {fmt_rate(msgs / kt)} messages, {fmt_rate(sess / kt)} sessions", None)
    rep.add(f"1. baseline, {processes} processes: inspection ({n})", "-",
            f"{bt:.2f} s: {fmt_mb(mb / bt)}, {fmt_rate(msgs / bt)} messages, {fmt_rate(sess / bt)} sessions", None)
    ratio = bt / kt
    rep.add("1. speed kefu / baseline (baseline time / kefu time)", f">= {SPEEDUP_MIN:g}", f"{ratio:.1f}x",
            ratio >= SPEEDUP_MIN)
    rep.add(f"1. kefu qa check: wall, whole process ({n})", "-",
            f"{kw:.2f} s (read {kr:.2f} s; peak {fmt_mem(max(r.maxrss_kb for r, _ in k_runs))})", None)
    rep.add(f"1. baseline: wall, whole process ({n})", "-",
            f"{bw:.2f} s (read {br:.2f} s; peak {fmt_mem(max(r.maxrss_kb for r, _ in b_runs))}, largest process)", None)

    # The counts of the text rules, and the data both read.
    print("  findings by text rule (kefu / baseline):", flush=True)
    diffs = []
    for rule in TEXT_RULES:
        kn, bn = k["by_rule"].get(rule), b["by_rule"].get(rule)
        same = kn == bn and kn is not None
        print(f"    {rule:<15} {kn if kn is not None else 'missing':>10} {bn if bn is not None else 'missing':>10}"
              f"{'' if same else '   <-- MISMATCH'}", flush=True)
        if not same:
            diffs.append(f"{rule} {kn}/{bn}")
    extra = sorted(set(b["by_rule"]) - set(TEXT_RULES))
    if extra:
        diffs.append(f"baseline rules not compared: {', '.join(extra)}")
    total = sum(k["by_rule"].get(r, 0) for r in TEXT_RULES)
    rep.add("1. text-rule findings kefu = baseline", "equal",
            f"equal, {total:,} findings in {len(TEXT_RULES)} rules" if not diffs
            else "MISMATCH: " + "; ".join(diffs), not diffs)
    same_input = all(k[f] == b[f] for f in ("messages", "text_bytes", "conversations", "sessions_inspected"))
    rep.add("1. messages, bytes, conversations, sessions read: kefu = baseline", "equal",
            "equal" if same_input else
            "; ".join(f"{f} {k[f]:,}/{b[f]:,}" for f in ("messages", "text_bytes", "conversations",
                                                          "sessions_inspected") if k[f] != b[f]),
            same_input)
    rep.notes.append(f"inspection load average before/after: {load_before} / {load_after}")
    return k


# ------------------------------------------------------------------- part 2


def stored_totals(kefu: Path, db: Path, env, out: Path) -> tuple[int, int]:
    """Sessions inspected and findings the database holds (`qa scores`)."""
    path = out / "qa_import_scores.json"
    run([str(kefu), "--db", str(db), "qa", "scores", "--format", "json"], env=env, stdout=path, quiet=True)
    rows = read_json(path)
    return sum(r["sessions_inspected"] for r in rows), sum(r["findings"] for r in rows)


def stage_import(kefu: Path, without: Path, data: Path, rules: Path, out: Path, repeat: int, env,
                 rep: Report, phrases_check: dict | None) -> None:
    log(f"== 2. import with and without inspection ({repeat} alternating runs each), load {load()}")
    load_before = load()
    path = data / "messages.csv"
    modes = [
        ("default rules", None),
        (f"default + {RULE_ID}", rules),
    ]
    for label, rule_file in modes:
        step = f"2. import messages.csv, {label}"
        with_runs: list[Run] = []
        without_runs: list[Run] = []
        stored = None
        try:
            for i in range(repeat):
                for binary, runs in ((kefu, with_runs), (without, without_runs)):
                    tag = "with" if binary is kefu else "without"
                    db = data / f"qa_import_{tag}.db"
                    remove_db(db)
                    if rule_file is not None:
                        # Creates the file first (write-ahead log) with the rule set in
                        # force; the old binary's file is created as well, by a query.
                        pre = ([str(binary), "--db", str(db), "qa", "rules", "import", str(rule_file)]
                               if binary is kefu else
                               [str(binary), "--db", str(db), "kpi", "--format", "json"])
                        run(pre, env=env, stdout=out / "qa_import_pre.log", quiet=True)
                    r, n = import_file(binary, str(db), "messages", path, env, out / f"qa_import_{tag}.log")
                    runs.append(r)
                    if binary is kefu and i == repeat - 1:
                        stored = stored_totals(kefu, db, env, out)
                        if rule_file is None:
                            # Part 3 tries the draft on this database.
                            remove_db(data / TRY_DB)
                            db.rename(data / TRY_DB)
                    remove_db(db)
        except StepFailed as e:
            rep.lines.append(Line(step, "runs", str(e), "FAIL"))
            print(f"  {step}: {e} [FAIL]", flush=True)
            for tag in ("with", "without"):
                remove_db(data / f"qa_import_{tag}.db")
            continue
        tw = statistics.median(r.wall for r in with_runs)
        to = statistics.median(r.wall for r in without_runs)
        walls = lambda rs: ", ".join(f"{r.wall:.1f}" for r in rs)  # noqa: E731
        print(f"\n{step}: with inspection {walls(with_runs)} s, without {walls(without_runs)} s", flush=True)
        rep.add(f"{step}: with inspection", "-",
                f"{tw:.1f} s, {fmt_rate(n / tw)} (peak {fmt_mem(max(r.maxrss_kb for r in with_runs))})", None)
        rep.add(f"{step}: without (--kefu-without)", "-",
                f"{to:.1f} s, {fmt_rate(n / to)} (peak {fmt_mem(max(r.maxrss_kb for r in without_runs))})", None)
        rep.add(f"{step}: ratio with / without", f"<= {IMPORT_RATIO_MAX:g}", f"{tw / to:.3f}",
                tw / to <= IMPORT_RATIO_MAX)
        # What the import stored must be what `kefu qa check` finds with the same rules.
        if rule_file is None:
            ref_path = out / "qa_kefu_default.json"
            try:
                run([str(kefu), "qa", "check", "--input", str(data), "--format", "json"], env=env,
                    stdout=ref_path, quiet=True)
                ref = read_json(ref_path)
            except StepFailed as e:
                ref = None
                print(f"  kefu qa check with the default rules failed: {e}", flush=True)
        else:
            ref = phrases_check
        if stored is not None and ref is not None:
            want = (ref["sessions_inspected"], ref["findings"])
            rep.add(f"{step}: sessions, findings stored = qa check", "equal",
                    f"{stored[0]:,} sessions, {stored[1]:,} findings"
                    + ("" if stored == want else f" (qa check: {want[0]:,}, {want[1]:,})"), stored == want)
    rep.notes.append(f"import load average before/after: {load_before} / {load()}")


# ------------------------------------------------------------------- part 3

TRY_DB = "qa_try.db"  # the month imported with the default rules, for part 3


def stage_try(kefu: Path, data: Path, rules: Path, out: Path, repeat: int, env, rep: Report) -> None:
    log(f"== 3. try before publishing ({repeat} runs each), load {load()}")
    db = data / TRY_DB
    if not db.exists():
        log("  importing the month with the default rules first (not timed)")
        import_file(kefu, str(db), "messages", data / "messages.csv", env, out / "qa_try_import.log")
    with sqlite3.connect(db) as c:
        first = c.execute("SELECT code FROM stores ORDER BY code LIMIT 1").fetchone()[0]
    # A store's draft overrides: 500 of the benchmark's phrases added to a keyword rule.
    bench = next(r for r in tomllib.loads(rules.read_text(encoding="utf-8"))["rule"] if r["id"] == RULE_ID)
    overrides = out / "qa_try_overrides.toml"
    overrides.write_text('[[override]]\nrule = "absolute_terms"\nadd_phrases = ['
                         + ", ".join(json.dumps(p, ensure_ascii=False) for p in bench["phrases"][:500])
                         + "]\n", encoding="utf-8")
    for label, draft, extra in (("all stores, provider draft = the benchmark's rule file", rules, []),
                                (f"one store ({first}), overrides draft adding 500 phrases", overrides,
                                 ["--store", first])):
        step = f"3. 'try before publishing', 7 days, {label}"
        runs: list[Run] = []
        try:
            for _ in range(repeat):
                runs.append(run([str(kefu), "--db", str(db), "qa", "rules", "try", str(draft), "--days", "7",
                                 *extra], env=env, stdout=out / "qa_try.log", quiet=True))
        except StepFailed as e:
            rep.lines.append(Line(step, f"< {TRY_MAX_S:g} s", str(e), "FAIL"))
            continue
        text = (out / "qa_try.log").read_text(encoding="utf-8", errors="replace")
        summary = next((x for x in reversed(text.splitlines()) if "conversations" in x), "")
        wall = statistics.median(r.wall for r in runs)
        walls = ", ".join(f"{r.wall:.2f}" for r in runs)
        print(f"\n{step}: {walls} s; {summary}", flush=True)
        rep.add(step, f"< {TRY_MAX_S:g} s" if not extra else "-",
                f"{wall:.2f} s ({summary.strip()})", wall < TRY_MAX_S if not extra else None)
    remove_db(db)


# --------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=10_000_000, help="demo size (default 10000000)")
    ap.add_argument("--seed", type=int, default=1, help="demo seed (default 1, kefu demo's default)")
    ap.add_argument("--data", type=Path, default=REPO / "bench" / "data",
                    help="directory of the demo files, reused when its stamp matches (default bench/data)")
    ap.add_argument("--kefu", type=Path, help="kefu binary (default: cargo build --release, target/release/kefu)")
    ap.add_argument("--kefu-without", type=Path,
                    help="kefu binary built before quality inspection (commit 6688e15), for part 2")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each contender in part 1, alternating; the median counts (default 3)")
    ap.add_argument("--import-repeat", type=int, default=3,
                    help="runs of each binary per line of part 2, alternating; the median counts "
                         "(default 3: single imports move by 10 s on a shared host)")
    ap.add_argument("--processes", type=int, default=2,
                    help="worker processes of the baseline's inspection (default 2: kefu's 2 threads)")
    ap.add_argument("--skip-import", action="store_true", help="only part 1")
    args = ap.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "KEFU_DATABASE_URL"}
    env["KEFU_LANG"] = "en"

    started = time.monotonic()
    ensure_pyahocorasick()
    kefu = args.kefu.resolve() if args.kefu else build_kefu()
    if not kefu.exists():
        raise SystemExit(f"no kefu binary at {kefu}")
    without = args.kefu_without.resolve() if args.kefu_without else None
    if without is not None and not without.exists():
        raise SystemExit(f"no kefu binary at {without} (--kefu-without)")
    data = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    out = data / "out"
    out.mkdir(exist_ok=True)
    # Others may rebuild target/release/kefu during the run: use copies.
    kefu_copy = out / "kefu"
    if kefu_copy.resolve() != kefu:
        shutil.copy2(kefu, kefu_copy)
    without_copy = None
    if without is not None:
        without_copy = out / "kefu-without"
        if without_copy.resolve() != without:
            shutil.copy2(without, without_copy)

    head, dirty = git_head()
    print(f"kefu quality-inspection benchmark {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, "
          f"load {load()}", flush=True)
    if args.kefu:
        built = datetime.fromtimestamp(kefu.stat().st_mtime)
        print(f"kefu: {kefu} (given with --kefu, file dated {built:%Y-%m-%d %H:%M}; HEAD is {head})", flush=True)
    else:
        print(f"kefu: built from commit {head}{' + uncommitted changes in crates/' if dirty else ''}", flush=True)
    if without is not None:
        built = datetime.fromtimestamp(without.stat().st_mtime)
        print(f"kefu without inspection: {without} (file dated {built:%Y-%m-%d %H:%M})", flush=True)

    rep = Report()
    rep.notes.append(f"load average at start: {load()}")
    summary = demo_data(kefu_copy, data, args.messages, args.seed, env)
    print(f"data: {data}: {re.sub(r'^wrote [^:]*: ', '', summary)}", flush=True)
    rules = out / "qa_rules_bench.toml"
    n = write_rules(rules)
    print(f"rules: {rules}: the default set + {RULE_ID}, {n:,} phrases", flush=True)

    k_json = stage_inspect(kefu_copy, data, rules, out, max(1, args.repeat), max(1, args.processes), env, rep)

    if args.skip_import:
        rep.lines.append(Line("2. import with / without inspection", f"<= {IMPORT_RATIO_MAX:g}",
                              "--skip-import", "skipped"))
    elif without_copy is None:
        rep.lines.append(Line("2. import with / without inspection", f"<= {IMPORT_RATIO_MAX:g}",
                              "not measured: no --kefu-without binary (build commit 6688e15)", "skipped"))
        print("\n2. import with / without inspection: skipped, no --kefu-without binary "
              "(a release build of commit 6688e15)", flush=True)
    else:
        stage_import(kefu_copy, without_copy, data, rules, out, max(1, args.import_repeat), env, rep, k_json)

    stage_try(kefu_copy, data, rules, out, max(1, args.repeat), env, rep)
    rep.notes.append(f"load average at end: {load()}")
    rep.lines.sort(key=lambda x: x.name.split(".", 1)[0])
    return rep.finish(f"--messages {args.messages}, --seed {args.seed}, {os.cpu_count()} cores, "
                      f"{time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    sys.exit(main())
