"""What the benchmarks (`run.py`, `web.py`) share: progress lines, the load
average, building kefu, the demo month, the commit measured, and the table
of targets at the end. Python 3.11, standard library."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FILES = ("messages.csv", "orders.csv", "ratings.csv")


def log(msg: str) -> None:
    """A progress line on stderr, with the time."""
    print(f"[{datetime.now():%H:%M:%S}] {msg}", file=sys.stderr, flush=True)


def load() -> str:
    """The load averages over 1, 5 and 15 minutes."""
    a, b, c = os.getloadavg()
    return f"{a:.2f} {b:.2f} {c:.2f}"


def build_kefu(package_only: bool = False) -> Path:
    """`cargo build --release` (only the `kefu` package with package_only);
    the path of the binary."""
    cmd = ["cargo", "build", "--release"] + (["-p", "kefu"] if package_only else [])
    log(f"building kefu: {' '.join(cmd)} (may wait on a lock while others build)")
    if subprocess.run(cmd, cwd=REPO).returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed")
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    return target / "release" / "kefu"


def git_head(paths: tuple[str, ...] = ("crates", "Cargo.toml", "Cargo.lock")) -> tuple[str, bool]:
    """The checkout's commit (short hash and subject), and whether `paths`
    have uncommitted changes."""
    head = subprocess.run(["git", "-C", str(REPO), "log", "-1", "--format=%h %s"],
                          capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(REPO), "status", "--porcelain", "--", *paths],
                           capture_output=True, text=True).stdout.strip()
    return head, bool(dirty)


def demo_data(kefu: Path, data: Path, n: int, seed: int, env) -> str:
    """The demo month in data, and kefu's one-line description of it: reused
    when its stamp matches (or, without a stamp, when all three files are
    there: a directory someone else wrote, which is then only read), written
    with `kefu demo` otherwise."""
    stamp = data / "stamp.json"
    if stamp.exists():
        try:
            have = json.loads(stamp.read_text())
            sizes_ok = all((data / f).exists() and (data / f).stat().st_size == have["sizes"][f]
                           for f in FILES)
            same = have.get("messages") == n and have.get("seed") == seed and have.get("weeks") == 0
            if same and sizes_ok:
                log(f"reusing {data} (stamp: --messages {n} --seed {seed}, made {have.get('made')})")
                return have.get("summary", "") or f"--messages {n} --seed {seed}"
        except (ValueError, KeyError, OSError):
            pass
        log(f"{data}: stamp does not match --messages {n} --seed {seed}; writing the files again")
    elif all((data / f).exists() for f in FILES):
        log(f"reusing {data}: no stamp.json, taking the three files as they are "
            f"(sizes {', '.join(f'{(data / f).stat().st_size:,}' for f in FILES)} bytes)")
        return f"files of {data} (no stamp; messages.csv {(data / FILES[0]).stat().st_size / 1e9:.2f} GB)"
    data.mkdir(parents=True, exist_ok=True)
    stamp.unlink(missing_ok=True)
    # The month alone (no history weeks): the benchmarks measure one month.
    cmd = [str(kefu), "demo", "--out", str(data), "--messages", str(n), "--seed", str(seed),
           "--weeks", "0"]
    log(f"running: {' '.join(cmd)}")
    t0 = time.monotonic()
    r = subprocess.run(cmd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - t0
    if r.returncode != 0:
        raise SystemExit(f"kefu demo failed (exit {r.returncode}):\n{r.stderr.strip()}")
    summary = r.stderr.strip().splitlines()[-1] if r.stderr.strip() else ""
    log(f"  {summary} ({wall:.1f} s)")
    stamp.write_text(json.dumps({
        "messages": n, "seed": seed, "weeks": 0,
        "sizes": {f: (data / f).stat().st_size for f in FILES},
        "summary": summary,
        "made": datetime.now().isoformat(timespec="seconds"),
        "demo_seconds": round(wall, 2),
    }, indent=1) + "\n")
    return summary


@dataclass
class Line:
    """One line of the table: what, its target, what was measured, and the
    result."""
    name: str
    target: str
    measured: str
    result: str  # PASS, FAIL, info, skipped


@dataclass
class Report:
    """The lines and notes of a run, printed as they come and as a table at
    the end."""
    lines: list[Line] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def add(self, name: str, target: str, measured: str, ok: bool | None) -> None:
        """A measured line; ok None for a line with no target ("info")."""
        res = "info" if ok is None else ("PASS" if ok else "FAIL")
        self.lines.append(Line(name, target, measured, res))
        print(f"  {name}: {measured}  [{res}{', target ' + target if target != '-' else ''}]", flush=True)

    def finish(self, title: str) -> int:
        """Prints the table under `Summary (title)`, the notes and the
        targets missed; the exit status (1 when a target is missed)."""
        w = [max(len(h), *(len(getattr(x, a)) for x in self.lines)) for h, a in
             (("line", "name"), ("target", "target"), ("measured", "measured"))]
        print(f"\nSummary ({title})", flush=True)
        print(f"| {'line':<{w[0]}} | {'target':<{w[1]}} | {'measured':<{w[2]}} | result |")
        print(f"|{'-' * (w[0] + 2)}|{'-' * (w[1] + 2)}|{'-' * (w[2] + 2)}|--------|")
        for x in self.lines:
            print(f"| {x.name:<{w[0]}} | {x.target:<{w[1]}} | {x.measured:<{w[2]}} | {x.result:<6} |")
        for n in self.notes:
            print(f"- {n}")
        failed = [x for x in self.lines if x.result == "FAIL"]
        print(f"\n{len(failed)} of {sum(x.result in ('PASS', 'FAIL') for x in self.lines)} targets missed"
              + (": " + "; ".join(x.name for x in failed) if failed else ""), flush=True)
        return 1 if failed else 0
