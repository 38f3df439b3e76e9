#!/usr/bin/env python3
"""The kefu benchmark: kefu against the DuckDB reference, imports, database queries.

On a demo month (`kefu demo --messages N`), in one run:

1. file mode: `kefu kpi --input DIR --by store,agent --format json` against
   `python3 bench/duckdb_kpi.py --input DIR --by store,agent` on the same CSV
   files: wall time of each (median of --repeat alternating runs), the ratio
   kefu / DuckDB, the peak memory (maxrss) of each, and whether both outputs
   are equal (floats within 1e-9 relative);
2. imports, end to end from the CSV files: messages.csv into a new SQLite file
   and into a new PostgreSQL database (messages/s), then orders.csv and
   ratings.csv (timed separately);
3. `kefu --db … kpi --by store,agent --format json` from each database: the
   median of 3 runs after one warm-up (and whether it equals file mode).

Ends with a table: target, measured, PASS / FAIL (or "info" for figures
without a target). Progress goes to stderr, the results to stdout.

    python3 bench/run.py [--messages 10000000] [--data bench/data] [--skip-postgres] [--kefu PATH]

Python 3.11, standard library; DuckDB only inside bench/duckdb_kpi.py.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from common import FILES, REPO, Line, Report, build_kefu, demo_data, git_head, load, log

DUCKDB_SCRIPT = REPO / "bench" / "duckdb_kpi.py"
BY = "store,agent"
REL_TOL = 1e-9

# Targets of the issue.
RATIO_MAX = 0.5  # kefu at most half DuckDB's time
MEM_MAX_KB = 2 * 1024 * 1024  # peak memory under 2 GB (kB as maxrss)
SQLITE_MSGS_PER_S = 200_000
PG_MSGS_PER_S = 100_000
DB_KPI_MAX_S = 1.0


# ---------------------------------------------------------------- utilities


def fmt_mem(kb: int | None) -> str:
    if kb is None:
        return "-"
    if kb >= 1024 * 1024:
        return f"{kb / 1024 / 1024:.2f} GB"
    return f"{kb / 1024:.0f} MB"


def fmt_rate(r: float) -> str:
    return f"{r:,.0f}/s"


class StepFailed(Exception):
    """A measured command failed; the stage records it and the run goes on."""


def describe_rc(rc: int) -> str:
    if rc < 0:
        try:
            return f"killed by signal {-rc} ({signal.Signals(-rc).name})"
        except ValueError:
            return f"killed by signal {-rc}"
    return f"exit {rc}"


@dataclass
class Run:
    """One finished child process."""

    cmd: list[str]
    wall: float  # seconds
    maxrss_kb: int  # peak resident set of the child (and its waited-for children)
    cpu: float  # user + system seconds of the child
    rc: int
    stdout: Path | None
    stderr: str


def run(cmd: list[str], *, env: dict[str, str], stdout: Path | None = None,
        check: bool = True, quiet: bool = False) -> Run:
    """Runs cmd, timing it and taking its peak memory from wait4's rusage."""
    if not quiet:
        log("running: " + " ".join(cmd) + (f" > {stdout}" if stdout else ""))
    err_path = Path(os.environ.get("TMPDIR", "/tmp")) / f"kefu-bench-{os.getpid()}.stderr"
    out_f = open(stdout, "wb") if stdout else open(os.devnull, "wb")
    with out_f, open(err_path, "w+b") as err_f:
        t0 = time.monotonic()
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out_f, stderr=err_f, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        wall = time.monotonic() - t0
        p.returncode = os.waitstatus_to_exitcode(status)
        err_f.seek(0)
        err = err_f.read().decode("utf-8", "replace")
    err_path.unlink(missing_ok=True)
    r = Run(cmd, wall, ru.ru_maxrss, ru.ru_utime + ru.ru_stime, p.returncode, stdout, err)
    if not quiet:
        log(f"  {wall:.2f} s wall, {r.cpu:.2f} s CPU, peak {fmt_mem(r.maxrss_kb)}, exit {r.rc}, load {load()}")
    if check and r.rc != 0:
        tail = "\n".join(err.strip().splitlines()[-20:])
        log(f"FAILED ({describe_rc(r.rc)}) after {wall:.1f} s: {' '.join(cmd)}\n{tail}")
        raise StepFailed(f"{describe_rc(r.rc)} after {wall:.1f} s")
    return r


# ------------------------------------------------------------ output checks


def num_equal(a, b) -> bool:
    if a == b:
        return True
    fa, fb = float(a), float(b)
    if math.isnan(fa) or math.isnan(fb):
        return False
    return abs(fa - fb) <= REL_TOL * max(abs(fa), abs(fb))


def value_equal(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, bool) or isinstance(b, bool):
        return a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return num_equal(a, b)
    return a == b


def compare(path_a: Path, path_b: Path, name_a: str, name_b: str) -> tuple[bool, list[str]]:
    """Compares two JSON arrays of KPI rows; returns (equal, differences)."""
    try:
        a = json.loads(path_a.read_text(encoding="utf-8"))
        b = json.loads(path_b.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        return False, [f"cannot parse: {e}"]
    diffs: list[str] = []
    if not isinstance(a, list) or not isinstance(b, list):
        return False, ["an output is not a JSON array"]
    if len(a) != len(b):
        diffs.append(f"{len(a)} rows from {name_a}, {len(b)} from {name_b}")
    for i, (ra, rb) in enumerate(zip(a, b)):
        if list(ra.keys()) != list(rb.keys()):
            only_a = sorted(set(ra) - set(rb))
            only_b = sorted(set(rb) - set(ra))
            if only_a or only_b:
                diffs.append(f"row {i}: keys only in {name_a} {only_a}, only in {name_b} {only_b}")
            else:
                diffs.append(f"row {i}: same keys in another order")
        for k in ra.keys() & rb.keys():
            if not value_equal(ra[k], rb[k]):
                key = {x: ra.get(x) for x in ("store", "agent", "date", "hour") if x in ra}
                diffs.append(f"row {i} {key}: {k} = {ra[k]!r} ({name_a}) vs {rb[k]!r} ({name_b})")
        if len(diffs) > 50:
            diffs.append("…")
            break
    return not diffs, diffs


# ------------------------------------------------------------------- stages


def warm_cache(data: Path) -> None:
    """Reads the CSV files once so that neither contender pays for a cold cache."""
    for f in FILES:
        with open(data / f, "rb") as fh:
            while fh.read(1 << 24):
                pass


def stage_file_mode(kefu: Path, data: Path, out: Path, repeat: int, env, rep: Report) -> bool:
    """Part 1; True when both ran (kefu's output is then the reference of part 3)."""
    log(f"== 1. file mode: kefu kpi --input vs DuckDB ({repeat} alternating runs each), load {load()}")
    warm_cache(data)
    k_json, d_json = out / "kefu_file.json", out / "duckdb.json"
    k_runs: list[Run] = []
    d_runs: list[Run] = []
    load_before = load()
    try:
        for i in range(repeat):
            k_runs.append(run([str(kefu), "kpi", "--input", str(data), "--by", BY, "--format", "json"],
                              env=env, stdout=k_json))
            d_runs.append(run([sys.executable, str(DUCKDB_SCRIPT), "--input", str(data), "--by", BY, "--timing"],
                              env=env, stdout=d_json))
            if d_runs[-1].stderr.strip():
                log("  duckdb_kpi.py: " + d_runs[-1].stderr.strip().splitlines()[-1])
    except StepFailed as e:
        who = "duckdb_kpi.py" if len(k_runs) > len(d_runs) else "kefu kpi --input"
        rep.lines.append(Line(f"1. {who}", "runs", str(e), "FAIL"))
        print(f"  1. {who}: {e} [FAIL]", flush=True)
        return False
    load_after = load()
    kt = statistics.median(r.wall for r in k_runs)
    dt = statistics.median(r.wall for r in d_runs)
    km = max(r.maxrss_kb for r in k_runs)
    dm = max(r.maxrss_kb for r in d_runs)
    ratio = kt / dt
    runs = lambda rs: ", ".join(f"{r.wall:.2f}" for r in rs)  # noqa: E731
    print(f"\n1. file mode, --by {BY} (load before {load_before}, after {load_after})", flush=True)
    print(f"  kefu runs: {runs(k_runs)} s; duckdb runs: {runs(d_runs)} s", flush=True)
    rep.add("1. kefu kpi --input: wall time (median)", "-", f"{kt:.2f} s", None)
    rep.add("1. duckdb_kpi.py: wall time (median)", "-", f"{dt:.2f} s", None)
    rep.add("1. ratio kefu / DuckDB", f"<= {RATIO_MAX}", f"{ratio:.3f}", ratio <= RATIO_MAX)
    rep.add("1. kefu peak memory", "< 2 GB", fmt_mem(km), km < MEM_MAX_KB)
    rep.add("1. DuckDB peak memory", "-", fmt_mem(dm), None)
    eq, diffs = compare(k_json, d_json, "kefu", "duckdb")
    n_rows = len(json.loads(k_json.read_text(encoding="utf-8")))
    rep.add("1. outputs equal (floats 1e-9 rel.)", "equal", f"{'equal' if eq else 'DIFFERENT'} ({n_rows} rows)", eq)
    for d in diffs[:20]:
        print(f"    {d}", flush=True)
    rep.notes.append(f"file mode load average before/after: {load_before} / {load_after}")
    return True


def import_file(kefu: Path, db: str, kind: str, path: Path, env, log_file: Path) -> tuple[Run, int]:
    r = run([str(kefu), "--db", db, "import", kind, str(path)], env=env, stdout=log_file)
    text = (log_file.read_text(encoding="utf-8", errors="replace") + "\n" + r.stderr).strip()
    line = next((x for x in reversed(text.splitlines()) if x.startswith("read ")), text[-300:])
    log(f"  kefu: {line}")
    m = re.search(r"read (\d+) records, imported (\d+)", line)
    if not m:
        raise StepFailed(f"cannot read kefu's import summary: {line!r}")
    read, imported = int(m.group(1)), int(m.group(2))
    if imported != read:
        raise StepFailed(f"not everything imported: {line}")
    return r, read


def stage_database(label: str, db: str, kefu: Path, data: Path, out: Path, msg_target: int,
                   env, rep: Report, file_json: Path | None) -> None:
    log(f"== 2./3. {label}: import and kpi, load {load()}")
    load_before = load()
    step = f"2. {label} import messages.csv"
    try:
        r, n = import_file(kefu, db, "messages", data / "messages.csv", env,
                           out / f"import_{label.lower()}_messages.log")
        rate = n / r.wall
        rep.add(f"{step} ({n:,})", f">= {fmt_rate(msg_target)}",
                f"{fmt_rate(rate)} ({r.wall:.1f} s, peak {fmt_mem(r.maxrss_kb)})", rate >= msg_target)
        for kind in ("orders", "ratings"):
            step = f"2. {label} import {kind}.csv"
            r, n = import_file(kefu, db, kind, data / f"{kind}.csv", env,
                               out / f"import_{label.lower()}_{kind}.log")
            rep.add(f"{step} ({n:,})", "-",
                    f"{r.wall:.1f} s, {fmt_rate(n / r.wall)} (peak {fmt_mem(r.maxrss_kb)})", None)
        load_mid = load()
        step = f"3. kefu --db {label} kpi --by {BY}"
        db_json = out / f"kefu_{label.lower()}.json"
        cmd = [str(kefu), "--db", db, "kpi", "--by", BY, "--format", "json"]
        run(cmd, env=env, stdout=db_json)  # warm-up
        runs = [run(cmd, env=env, stdout=db_json) for _ in range(3)]
    except StepFailed as e:
        rep.lines.append(Line(step, "runs", str(e), "FAIL"))
        print(f"  {step}: {e} [FAIL]; the rest of {label} is not run", flush=True)
        rep.notes.append(f"{label}: {step} failed ({e}); later {label} steps not run")
        return
    t = statistics.median(x.wall for x in runs)
    rep.add(f"{step} (median of 3)", f"< {DB_KPI_MAX_S:.0f} s",
            f"{t:.3f} s ({', '.join(f'{x.wall:.3f}' for x in runs)}; peak {fmt_mem(max(x.maxrss_kb for x in runs))})",
            t < DB_KPI_MAX_S)
    if file_json is not None:
        eq, diffs = compare(db_json, file_json, label, "file mode")
        rep.add(f"3. {label} kpi = file mode kpi", "equal", "equal" if eq else "DIFFERENT", eq)
        for d in diffs[:10]:
            print(f"    {d}", flush=True)
    rep.notes.append(f"{label} load average before import / before kpi / after: "
                     f"{load_before} / {load_mid} / {load()}")


def psql(sql: str, pg_server: str) -> None:
    url = f"{pg_server.rstrip('/')}/test"
    r = subprocess.run(["psql", url, "-v", "ON_ERROR_STOP=1", "-qAtc", sql],
                       capture_output=True, text=True)
    if r.returncode != 0:
        raise SystemExit(f"psql failed: {sql}\n{r.stderr}")


# --------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=10_000_000, help="demo size (default 10000000)")
    ap.add_argument("--seed", type=int, default=1, help="demo seed (default 1, kefu demo's default)")
    ap.add_argument("--data", type=Path, default=REPO / "bench" / "data",
                    help="directory of the demo files, reused when its stamp matches (default bench/data)")
    ap.add_argument("--kefu", type=Path, help="kefu binary (default: cargo build --release, target/release/kefu)")
    ap.add_argument("--skip-postgres", action="store_true", help="no PostgreSQL import and kpi")
    ap.add_argument("--skip-import", action="store_true",
                    help="only part 1 (kefu vs DuckDB in file mode), no databases")
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each contender in part 1, alternating; the median counts (default 3)")
    ap.add_argument("--pg", default="postgres://postgres@127.0.0.1:5432",
                    help="PostgreSQL server (default postgres://postgres@127.0.0.1:5432)")
    ap.add_argument("--keep", action="store_true", help="keep the SQLite file and the PostgreSQL database")
    args = ap.parse_args()

    env = {k: v for k, v in os.environ.items() if k != "KEFU_DATABASE_URL"}
    env["KEFU_LANG"] = "en"

    started = time.monotonic()
    kefu = args.kefu.resolve() if args.kefu else build_kefu()
    if not kefu.exists():
        raise SystemExit(f"no kefu binary at {kefu}")
    data = args.data.resolve()
    data.mkdir(parents=True, exist_ok=True)
    out = data / "out"
    out.mkdir(exist_ok=True)
    # Others may rebuild target/release/kefu during the run: use a copy of it.
    kefu_copy = out / "kefu"
    if kefu_copy.resolve() != kefu:
        shutil.copy2(kefu, kefu_copy)

    head, dirty = git_head()
    print(f"kefu benchmark {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, "
          f"load {load()}", flush=True)
    if args.kefu:
        built = datetime.fromtimestamp(kefu.stat().st_mtime)
        print(f"kefu: {kefu} (given with --kefu, file dated {built:%Y-%m-%d %H:%M}; "
              f"HEAD is {head})", flush=True)
    else:
        print(f"kefu: built from commit {head}{' + uncommitted changes in crates/' if dirty else ''}",
              flush=True)

    rep = Report()
    rep.notes.append(f"load average at start: {load()}")
    summary = demo_data(kefu_copy, data, args.messages, args.seed, env)
    print(f"data: {data}: {re.sub(r'^wrote [^:]*: ', '', summary)}", flush=True)

    file_ok = stage_file_mode(kefu_copy, data, out, max(1, args.repeat), env, rep)
    file_json = out / "kefu_file.json" if file_ok else None

    if not args.skip_import:
        db_file = data / "bench.db"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(db_file) + suffix).unlink(missing_ok=True)
        print(f"\n2./3. SQLite: {db_file}", flush=True)
        try:
            stage_database("SQLite", str(db_file), kefu_copy, data, out, SQLITE_MSGS_PER_S, env, rep, file_json)
            size = sum(Path(str(db_file) + s).stat().st_size for s in ("", "-wal")
                       if Path(str(db_file) + s).exists())
            print(f"  SQLite file: {size / 1e9:.2f} GB", flush=True)
        finally:
            if not args.keep:
                for suffix in ("", "-wal", "-shm", "-journal"):
                    Path(str(db_file) + suffix).unlink(missing_ok=True)

        if args.skip_postgres:
            rep.lines.append(Line("2./3. PostgreSQL", "-", "--skip-postgres", "skipped"))
        else:
            name = f"kefu_bench_{os.getpid()}"
            print(f"\n2./3. PostgreSQL: database {name}", flush=True)
            psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', args.pg)
            psql(f'CREATE DATABASE "{name}"', args.pg)
            try:
                stage_database("PostgreSQL", f"{args.pg.rstrip('/')}/{name}", kefu_copy, data, out,
                               PG_MSGS_PER_S, env, rep, file_json)
            finally:
                if not args.keep:
                    log(f"dropping database {name}")
                    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', args.pg)

    rep.notes.append(f"load average at end: {load()}")
    # By line number of the issue (1., 2., 3.), databases in the order run.
    rep.lines.sort(key=lambda x: x.name.split(".", 1)[0])
    return rep.finish(f"--messages {args.messages}, --seed {args.seed}, {os.cpu_count()} cores, "
                      f"{time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    sys.exit(main())
