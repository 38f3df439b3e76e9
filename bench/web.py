#!/usr/bin/env python3
"""The web benchmark of `kefu serve` (issue 3).

With the demo month (`kefu demo --messages N`, 10 million by default)
imported into a new SQLite file, in one run:

1. the overview page `/` (logged in through the login form, session cookie)
   and the KPI API `/api/v1/kpi?by=store` (API token) under wrk with 32
   concurrent connections on loopback: 50th and 99th percentile latency and
   requests/s, after one cold request (empty KPI cache) and a warm-up;
2. API ingestion: batches of 1,000 new messages (another demo month with
   new store codes) POSTed to `/api/v1/messages`, first by one client
   sequentially, then by several clients at once: messages/s.

Ends with a table: target, measured, PASS / FAIL (or "info"). The targets
are absolute (there is no peer tool to run on the same data): p99 < 100 ms
for both reads, >= 50,000 messages/s for ingestion. Progress goes to
stderr, the results and the table to stdout; exit status 1 when a target
is missed.

    python3 bench/web.py [--messages 10000000] [--data bench/data] [--kefu PATH] [--keep]

Python 3.11, standard library, and wrk (Debian's package) on the PATH.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import queue
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from datetime import datetime
from pathlib import Path

from common import REPO, Line, Report, build_kefu, demo_data, git_head, load, log

HOST = "127.0.0.1"

# Targets of the issue.
P99_MAX_MS = 100.0
INGEST_MSGS_PER_S = 50_000
BATCH = 1_000


# ---------------------------------------------------------------- utilities


def fmt_ms(ms: float) -> str:
    return f"{ms:.2f} ms" if ms < 10 else f"{ms:.1f} ms"


def cpu_seconds(pid: int) -> float:
    """User + system CPU of a process so far (from /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return float("nan")


def run(cmd: list[str], *, env, stdin: bytes | None = None) -> tuple[float, str, str]:
    """Runs cmd to completion; returns (wall seconds, stdout, stderr); exits on failure."""
    log("running: " + " ".join(cmd))
    t0 = time.monotonic()
    p = subprocess.run(cmd, input=stdin, capture_output=True, env=env)
    wall = time.monotonic() - t0
    out = p.stdout.decode("utf-8", "replace")
    err = p.stderr.decode("utf-8", "replace")
    if p.returncode != 0:
        tail = "\n".join((out + err).strip().splitlines()[-20:])
        raise SystemExit(f"failed (exit {p.returncode}) after {wall:.1f} s: {' '.join(cmd)}\n{tail}")
    log(f"  {wall:.2f} s, load {load()}")
    return wall, out, err


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


# ------------------------------------------------------------------ data


def ingest_batches(csv_path: Path, prefix: str, limit: int) -> tuple[list[bytes], int]:
    """The first `limit` messages of a demo file as JSON batches of BATCH,
    moved to new stores (`prefix` + code, agents likewise) so that they are
    new to the database."""
    batches: list[bytes] = []
    cur: list[dict] = []
    n = 0
    with open(csv_path, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if n >= limit:
                break
            rec = {k: (row[k] if row[k] != "" else None)
                   for k in ("store", "message_id", "buyer", "sender", "agent", "sent_at", "content", "kind")}
            rec["store"] = prefix + rec["store"]
            if rec["agent"]:
                rec["agent"] = prefix + rec["agent"]
            cur.append(rec)
            n += 1
            if len(cur) == BATCH:
                batches.append(json.dumps(cur, ensure_ascii=False).encode("utf-8"))
                cur = []
    if cur:
        batches.append(json.dumps(cur, ensure_ascii=False).encode("utf-8"))
    return batches, n


# ---------------------------------------------------------------- server


class Server:
    """`kefu serve` as a child process; its log (one line per request) goes to a file."""

    def __init__(self, kefu: Path, db: Path, port: int, log_path: Path, env):
        self.port = port
        self.log_path = log_path
        self.log_f = open(log_path, "wb")
        cmd = [str(kefu), "--db", str(db), "serve", "--listen", f"{HOST}:{port}"]
        log("starting: " + " ".join(cmd))
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=self.log_f,
                                     stderr=self.log_f, env=env)
        t0 = time.monotonic()
        while True:
            if self.proc.poll() is not None:
                raise SystemExit(f"kefu serve exited ({self.proc.returncode}); see {log_path}")
            try:
                st, _, _ = self.request("GET", "/healthz")
                if st == 200:
                    break
            except OSError:
                pass
            if time.monotonic() - t0 > 120:
                raise SystemExit(f"kefu serve did not answer /healthz in 120 s; see {log_path}")
            time.sleep(0.1)
        log(f"  serving on port {port} after {time.monotonic() - t0:.2f} s (pid {self.proc.pid})")

    def request(self, method: str, path: str, body: bytes | None = None,
                headers: dict | None = None, conn=None) -> tuple[int, http.client.HTTPMessage, bytes]:
        c = conn or http.client.HTTPConnection(HOST, self.port, timeout=600)
        try:
            c.request(method, path, body=body, headers=headers or {})
            r = c.getresponse()
            return r.status, r.headers, r.read()
        finally:
            if conn is None:
                c.close()

    def cpu(self) -> float:
        return cpu_seconds(self.proc.pid)

    def log_offset(self) -> int:
        self.log_f.flush()
        return self.log_path.stat().st_size

    def log_requests(self, since: int) -> list[tuple[str, int, float]]:
        """(path, status, ms) of the requests logged after offset `since`."""
        with open(self.log_path, "rb") as f:
            f.seek(since)
            text = f.read().decode("utf-8", "replace")
        pat = re.compile(r"path=(\S+) status=(\d+) ms=([\d.]+)")
        return [(m[1], int(m[2]), float(m[3])) for m in pat.finditer(text)]

    def stop(self) -> int:
        if self.proc.poll() is None:
            log(f"stopping kefu serve (SIGTERM to {self.proc.pid})")
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                log("  still running after 60 s: SIGKILL")
                self.proc.kill()
                self.proc.wait()
        self.log_f.close()
        return self.proc.returncode


def login(srv: Server, username: str, password: str) -> str:
    """Logs in through the form; returns the kefu_session cookie's value."""
    st, h, body = srv.request("GET", "/login")
    if st != 200:
        raise SystemExit(f"GET /login: {st}")
    cookies = dict(c.split(";", 1)[0].split("=", 1) for c in h.get_all("Set-Cookie") or [])
    m = re.search(rb'name="csrf" value="([^"]*)"', body)
    if "kefu_pre" not in cookies or not m:
        raise SystemExit("GET /login: no kefu_pre cookie or csrf field")
    form = urllib.parse.urlencode({"username": username, "password": password,
                                   "csrf": m[1].decode(), "next": "/"}).encode()
    st, h, body = srv.request("POST", "/login", body=form, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Cookie": f"kefu_pre={cookies['kefu_pre']}"})
    session = next((c.split(";", 1)[0].split("=", 1)[1] for c in h.get_all("Set-Cookie") or []
                    if c.startswith("kefu_session=")), None)
    if st not in (302, 303) or not session:
        raise SystemExit(f"POST /login: {st}, no session cookie: {body[:300]!r}")
    return session


# ------------------------------------------------------------------- wrk

UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def parse_wrk(text: str) -> dict:
    def ms(v: str) -> float:
        m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", v)
        if not m:
            raise ValueError(v)
        return float(m[1]) * UNITS[m[2]]

    out: dict = {"pct": {}}
    for m in re.finditer(r"^\s+(50|75|90|99)(?:\.000)?%\s+(\S+)", text, re.M):
        out["pct"][int(m[1])] = ms(m[2])
    m = re.search(r"^\s+Latency\s+(\S+)\s+(\S+)\s+(\S+)", text, re.M)
    if m:
        out["mean"], out["max"] = ms(m[1]), ms(m[3])
    m = re.search(r"(\d+) requests in ([\d.]+\w+), ([\d.]+\w+) read", text)
    if m:
        out["requests"] = int(m[1])
        out["read"] = m[3]
    m = re.search(r"Requests/sec:\s+([\d.]+)", text)
    if m:
        out["rps"] = float(m[1])
    m = re.search(r"Socket errors: (.*)", text)
    out["socket_errors"] = m[1].strip() if m else ""
    m = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    out["non2xx"] = int(m[1]) if m else 0
    if 99 not in out["pct"] or "rps" not in out:
        raise SystemExit(f"cannot read wrk's output:\n{text}")
    return out


def wrk(srv: Server, path: str, header: str, *, threads: int, conns: int, seconds: int) -> dict:
    cmd = ["wrk", f"-t{threads}", f"-c{conns}", f"-d{seconds}s", "--latency", "--timeout", "10s",
           "-H", header, f"http://{HOST}:{srv.port}{path}"]
    shown = [c if not c.startswith(("Cookie:", "Authorization:")) else c.split(":")[0] + ": …" for c in cmd]
    log("running: " + " ".join(shown))
    since, cpu0, t0 = srv.log_offset(), srv.cpu(), time.monotonic()
    with open(os.devnull, "wb") as null, tempfile.TemporaryFile() as out_f:
        p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out_f, stderr=null)
        _, status, ru = os.wait4(p.pid, 0)
        wall, cpu1 = time.monotonic() - t0, srv.cpu()
        out_f.seek(0)
        text = out_f.read().decode("utf-8", "replace")
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"wrk failed: {text}")
    r = parse_wrk(text)
    r["wrk_cpu"] = (ru.ru_utime + ru.ru_stime) / wall  # cores used by wrk
    time.sleep(0.3)  # the last log lines
    reqs = [x for x in srv.log_requests(since) if x[0] == path.split("?")[0]]
    r["statuses"] = {}
    for _, st, _ in reqs:
        r["statuses"][st] = r["statuses"].get(st, 0) + 1
    server_ms = sorted(x[2] for x in reqs)
    if server_ms:
        r["server_p99"] = server_ms[min(len(server_ms) - 1, int(len(server_ms) * 0.99))]
        r["server_max"] = server_ms[-1]
    r["server_cpu"] = (cpu1 - cpu0) / wall  # cores used by kefu
    r["load"] = load()
    log(f"  p50 {fmt_ms(r['pct'].get(50, float('nan')))}, p99 {fmt_ms(r['pct'][99])}, "
        f"{r['rps']:.0f} req/s, statuses {r['statuses']}, kefu {r['server_cpu']:.2f} cores, "
        f"wrk {r['wrk_cpu']:.2f} cores, load {r['load']}")
    return r


# ------------------------------------------------------------- ingestion


def post_batches(srv: Server, batches: list[bytes], token: str, clients: int) -> tuple[float, int, float]:
    """POSTs every batch (clients connections, each sending its next batch
    when the previous one is answered); returns (seconds, messages imported,
    kefu's CPU cores)."""
    work: queue.Queue = queue.Queue()
    for b in batches:
        work.put(b)
    imported = [0] * clients
    errors: list[str] = []
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}

    def client(i: int) -> None:
        conn = http.client.HTTPConnection(HOST, srv.port, timeout=600)
        try:
            while not errors:
                try:
                    b = work.get_nowait()
                except queue.Empty:
                    return
                st, _, body = srv.request("POST", "/api/v1/messages", body=b, headers=headers, conn=conn)
                if st != 200:
                    errors.append(f"{st}: {body[:300]!r}")
                    return
                o = json.loads(body)
                if o.get("imported") != o.get("read") or o.get("conflicts"):
                    errors.append(f"not all imported: {body[:300]!r}")
                    return
                imported[i] += o["imported"]
        except OSError as e:
            errors.append(str(e))
        finally:
            conn.close()

    cpu0, t0 = srv.cpu(), time.monotonic()
    ts = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    wall = time.monotonic() - t0
    if errors:
        raise SystemExit(f"ingestion failed: {errors[0]}")
    return wall, sum(imported), (srv.cpu() - cpu0) / wall


# --------------------------------------------------------------------- main


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--messages", type=int, default=10_000_000, help="demo size (default 10000000)")
    ap.add_argument("--seed", type=int, default=1, help="demo seed (default 1)")
    ap.add_argument("--data", type=Path, default=REPO / "bench" / "data",
                    help="directory of the demo files: reused when its stamp.json matches, or when it "
                         "has all three files and no stamp (then only read); written otherwise "
                         "(default bench/data)")
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "data" / "web",
                    help="working directory: database, ingestion data, logs (default bench/data/web)")
    ap.add_argument("--kefu", type=Path, help="kefu binary (default: cargo build --release -p kefu)")
    ap.add_argument("--db", type=Path,
                    help="SQLite file: used as it is when it exists (no import; kept), else imported into "
                         "and kept (default: OUT/web.db, new, deleted at the end unless --keep)")
    ap.add_argument("--keep", action="store_true", help="keep the SQLite file")
    ap.add_argument("--connections", type=int, default=32, help="wrk connections (32)")
    ap.add_argument("--threads", type=int, default=2, help="wrk threads (2)")
    ap.add_argument("--duration", type=int, default=20, help="seconds of each wrk run (20)")
    ap.add_argument("--warmup", type=int, default=3, help="seconds of wrk warm-up per URL (3)")
    ap.add_argument("--ingest", type=int, default=200_000, help="messages per ingestion run (200000)")
    ap.add_argument("--clients", default="1,4",
                    help="ingestion runs, by concurrent clients, comma-separated (1,4)")
    args = ap.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed (apt-get install wrk)")

    env = {k: v for k, v in os.environ.items() if k not in ("KEFU_DATABASE_URL", "KEFU_LOG")}
    env["KEFU_LANG"] = "en"
    started = time.monotonic()
    kefu = args.kefu.resolve() if args.kefu else build_kefu(package_only=True)
    if not kefu.exists():
        raise SystemExit(f"no kefu binary at {kefu}")
    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    kefu_copy = out / "kefu"  # others may rebuild target/release/kefu during the run
    if kefu_copy.resolve() != kefu:
        shutil.copy2(kefu, kefu_copy)
    head, dirty = git_head(("crates", "Cargo.lock"))
    print(f"kefu web benchmark {datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, load {load()}",
          flush=True)
    print(f"kefu: {kefu} (dated {datetime.fromtimestamp(kefu.stat().st_mtime):%Y-%m-%d %H:%M}); "
          f"HEAD {head}{' + uncommitted changes in crates/' if dirty else ''}", flush=True)
    rep = Report()
    rep.notes.append(f"load average at start: {load()}")

    # ---- the database
    data = args.data.resolve()
    db = (args.db or out / "web.db").resolve()
    reuse_db = args.db is not None and db.exists()
    keep = args.keep or args.db is not None
    data_desc = f"database {db}"
    if reuse_db:
        log(f"using the database {db} as it is (no import)")
        print(f"database: {db} (given, not imported)", flush=True)
    else:
        summary = demo_data(kefu_copy, data, args.messages, args.seed, env)
        data_desc = f"{data}: {re.sub(r'^wrote [^:]*: ', '', summary)}"
        print(f"data: {data_desc}", flush=True)
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(str(db) + suffix).unlink(missing_ok=True)
        wall, o, e = run([str(kefu_copy), "--db", str(db), "import", "dir", str(data)], env=env)
        line = next((x for x in reversed((o + "\n" + e).splitlines()) if x.startswith("read ")), "")
        log(f"  kefu: {line}")
        rep.add("0. import dir (messages, orders, ratings)", "-", f"{wall:.1f} s ({line})", None)
    size = sum(Path(str(db) + s).stat().st_size for s in ("", "-wal") if Path(str(db) + s).exists())
    print(f"  SQLite file: {size / 1e9:.2f} GB", flush=True)

    # ---- an account and a token
    user, password = f"bench{os.getpid()}", "bench-password-1234"
    run([str(kefu_copy), "--db", str(db), "user", "add", user, "--role", "manager", "--password-stdin"],
        env=env, stdin=(password + "\n").encode())
    _, o, _ = run([str(kefu_copy), "--db", str(db), "token", "add", "--user", user, "--name", "bench"], env=env)
    m = re.search(r"(kefu_\S+)", o)
    if not m:
        raise SystemExit(f"no token in the output of kefu token add: {o!r}")
    token = m[1]

    srv = Server(kefu_copy, db, free_port(), out / "serve.log", env)
    failed_early = None
    try:
        session = login(srv, user, password)
        cookie = f"Cookie: kefu_session={session}"
        bearer = f"Authorization: Bearer {token}"
        targets = [("1. overview page /", "/", cookie), ("1. KPI API /api/v1/kpi?by=store", "/api/v1/kpi?by=store",
                                                         bearer)]
        # Cold: the first request of each, with the KPI cache empty.
        for name, path, hdr in targets:
            k, v = hdr.split(": ", 1)
            t0 = time.monotonic()
            st, _, body = srv.request("GET", path, headers={k: v})
            ms = (time.monotonic() - t0) * 1000
            if st != 200:
                raise SystemExit(f"GET {path}: {st} {body[:300]!r}")
            rep.add(f"{name}: first request (KPI cache empty)", "-", f"{fmt_ms(ms)} ({len(body):,} bytes)", None)
        # Warm-up, then the measured runs.
        for name, path, hdr in targets:
            if args.warmup > 0:
                wrk(srv, path, hdr, threads=args.threads, conns=args.connections, seconds=args.warmup)
        print(f"\n1. reads: wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency", flush=True)
        for name, path, hdr in targets:
            r = wrk(srv, path, hdr, threads=args.threads, conns=args.connections, seconds=args.duration)
            ok200 = r["statuses"].get(200, 0)
            others = {k: v for k, v in r["statuses"].items() if k != 200}
            all_ok = not others and not r["non2xx"] and not r["socket_errors"] and ok200 >= r["requests"]
            p99 = r["pct"][99]
            rep.add(f"{name}: p99 ({args.connections} connections)", f"< {P99_MAX_MS:.0f} ms",
                    f"{fmt_ms(p99)} (p50 {fmt_ms(r['pct'][50])}, p90 {fmt_ms(r['pct'][90])}, max {fmt_ms(r['max'])})",
                    p99 < P99_MAX_MS and all_ok)
            rep.add(f"{name}: throughput", "-",
                    f"{r['rps']:,.0f} req/s ({r['requests']:,} in {args.duration} s, {r['read']}; "
                    f"kefu {r['server_cpu']:.2f} cores, wrk {r['wrk_cpu']:.2f}; server-side p99 {fmt_ms(r.get('server_p99', 0))}, "
                    f"max {fmt_ms(r.get('server_max', 0))}; load {r['load']})", None)
            if not all_ok:
                rep.notes.append(f"{path}: statuses {r['statuses']}, non-2xx {r['non2xx']}, "
                                 f"socket errors {r['socket_errors'] or 'none'}")

        # ---- ingestion
        ingest_dir = out / "ingest"
        clients = [int(c) for c in args.clients.split(",") if c.strip()]
        demo_data(kefu_copy, ingest_dir, max(args.ingest, 10_000), 2, env)
        print(f"\n2. ingestion: POST /api/v1/messages, batches of {BATCH:,}", flush=True)
        for i, n_clients in enumerate(clients):
            prefix = f"w{os.getpid() % 10000}{chr(ord('a') + i)}-"  # new stores each run
            batches, n = ingest_batches(ingest_dir / "messages.csv", prefix, args.ingest)
            log(f"ingesting {n:,} messages in {len(batches)} batches, {n_clients} client(s), "
                f"stores {prefix}*, load {load()}")
            wall, imported, cores = post_batches(srv, batches, token, n_clients)
            rate = imported / wall
            log(f"  {imported:,} in {wall:.2f} s: {rate:,.0f}/s, kefu {cores:.2f} cores, load {load()}")
            rep.add(f"2. API ingestion, {n_clients} client{'s' if n_clients > 1 else ''} "
                    f"({'sequential' if n_clients == 1 else 'concurrent'})", f">= {INGEST_MSGS_PER_S:,}/s",
                    f"{rate:,.0f}/s ({imported:,} in {wall:.2f} s; kefu {cores:.2f} cores; load {load()})",
                    rate >= INGEST_MSGS_PER_S)
    except SystemExit as e:
        failed_early = str(e)
    finally:
        rc = srv.stop()
        log(f"  kefu serve exited with {rc}")
        if not keep:
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(str(db) + suffix).unlink(missing_ok=True)
    if failed_early:
        log(f"FAILED: {failed_early}")
        rep.lines.append(Line("run", "completes", failed_early.splitlines()[0], "FAIL"))
    if rc != 0:
        rep.notes.append(f"kefu serve exited with {rc} after SIGTERM (log: {srv.log_path})")
    rep.notes.append(f"load average at end: {load()}")

    return rep.finish(f"{data_desc}; {os.cpu_count()} cores, {time.monotonic() - started:.0f} s in all")


if __name__ == "__main__":
    sys.exit(main())
