#!/usr/bin/env python3
"""The workforce benchmark (issue 12): kefu against `pyworkforce` (CP-SAT)
on the same shift-scheduling problems in one run, then a whole roster.

1. `pyworkforce`'s shift-scheduling problem (how many agents start each
   template on each day): 7 days × 48 half hours with 42 templates, and 28
   days × 48 with 91 templates (`wfm_instances.py`), each with both of its
   objectives, MinAbsDifference and MinRequiredResources. For each, `kefu
   wfm shifts --input P.json --format json` and `python3
   bench/wfm_pyworkforce.py P.json` alternate --repeat times; the medians of
   the wall times of the processes (and of the solve calls alone, as each
   reports them) are compared. Both objective values must be equal, and
   each plan is checked here: its value recomputed from the counts, every
   bound kept. Target: kefu reaches the same optimum in less time.
2. A roster of 150 agents over 28 days (wfm.md §5, TOML + CSV, written to
   DIR/roster/): `kefu wfm roster --instance … --format json`, whole
   process timed (target < 10 s). kefu's validator keeps every hard rule;
   this script checks them again from the JSON (44 h a week, 12 h rest, at
   most 6 days in a row, one shift a day, leave, store, skill, dedicated
   seat) and recomputes the coverage. Its coverage is compared with the
   lower bound of `kefu wfm shifts --roster … --format json
   --bound-iterations 20000`: target covered ≥ 0.98 × (required − the least
   any roster leaves uncovered), agent-intervals weighted by the store's
   priority as the objective of §3 weighs them (the roster minimises that
   sum; the same share unweighted is printed beside it), and again with
   every store at priority 1, where the objective is the plain count, against
   the plain bound.

    python3 bench/wfm.py [--kefu PATH] [--repeat 3] [--out bench/data/wfm] [--iterations N]

Progress on stderr, results and the table on stdout; exit status 1 when a
target is missed. Needs `pip install pyworkforce` for part 1 (else
--skip-pyworkforce).
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import statistics
import sys
import tomllib
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import REPO, Report, build_kefu, git_head, load, log  # noqa: E402
from run import StepFailed, run  # noqa: E402
from wfm_instances import SHIFT_PROBLEMS, START, roster_instance, shift_problem  # noqa: E402

PEER = REPO / "bench" / "wfm_pyworkforce.py"
ROSTER_MAX_S = 10.0
SHARE_MIN = 0.98
OBJECTIVES = ("min_abs_difference", "min_required_resources")


def plan_value(p: dict, resources: list[list[int]]) -> int | None:
    """The objective of a plan, None when it breaks a bound (as both tools
    state the problem)."""
    names = list(p["shifts"])
    if len(resources) != p["days"]:
        return None
    most, per = p["max_period_concurrency"], p["max_shift_concurrency"]
    total = 0
    for d in range(p["days"]):
        row = resources[d]
        if len(row) != len(names) or any(x < 0 or x > per for x in row):
            return None
        for q in range(p["periods"]):
            on = sum(x * p["shifts"][n][q] for x, n in zip(row, names))
            need = p["required"][d][q]
            if on > most:
                return None
            if p["objective"] == "min_abs_difference":
                if abs(on - need) > most:
                    return None
                total += abs(on - need)
            elif on < need:
                return None
        if p["objective"] == "min_required_resources":
            total += sum(row)
    return total


def part1(kefu: Path, out: Path, repeat: int, env: dict, rep: Report) -> None:
    for label, (days, lengths, peak, most, per, promo) in SHIFT_PROBLEMS.items():
        for objective in OBJECTIVES:
            p = shift_problem(days, lengths, peak, most, per, objective, seed=days, promo=promo)
            tag = f"{days}d_{len(p['shifts'])}t_{objective}"
            path = out / f"shifts_{tag}.json"
            path.write_text(json.dumps(p))
            log(f"== {label}, {objective} ({len(p['shifts'])} templates), load {load()}")
            k_runs, p_runs = [], []
            for i in range(repeat):
                k_runs.append(run([str(kefu), "wfm", "shifts", "--input", str(path), "--format", "json"],
                                  env=env, stdout=out / f"kefu_{tag}.json"))
                p_runs.append(run([sys.executable, str(PEER), str(path)], env=env,
                                  stdout=out / f"pyworkforce_{tag}.json"))
            k = json.loads((out / f"kefu_{tag}.json").read_text())
            w = json.loads((out / f"pyworkforce_{tag}.json").read_text())
            kv, wv = plan_value(p, k["resources"]), plan_value(p, w["resources"])
            same = (k["status"] == "optimal" and w["status"] == "OPTIMAL" and k["objective"] == kv
                    and kv == wv == round(w["cost"])) or (k["status"] == "infeasible" and w["status"] == "INFEASIBLE")
            kw = statistics.median(r.wall for r in k_runs)
            pw = statistics.median(r.wall for r in p_runs)
            name = f"1. {label}, {objective}"
            rep.add(f"{name}: objective kefu / pyworkforce", "equal, both optimal",
                    f"{k['objective']} ({k['status']}) / {w['cost']:.0f} ({w['status']})"
                    + ("" if kv == k["objective"] else f"; kefu's plan recomputed {kv}"), same)
            rep.add(f"{name}: wall kefu / pyworkforce (median of {repeat})", "< 1",
                    f"{kw:.3f} s / {pw:.3f} s = {kw / pw:.4f}", kw < pw)
            rep.add(f"{name}: solve call kefu / CP-SAT", "-",
                    f"{k['solve_seconds'] * 1000:.2f} ms / {w['solve_seconds'] * 1000:.0f} ms"
                    f" = {k['solve_seconds'] / max(w['solve_seconds'], 1e-9):.5f}", None)


SHIFT_TIMES = {"E": (480, 990, 30), "M": (660, 1200, 30), "L": (930, 1440, 0), "P": (1140, 1440, 0)}
BREAKS = {"E": (720, 750), "M": (900, 930)}


def check_roster(answer: dict, people: dict, days: int) -> list[str]:
    """The hard rules broken, checked from the JSON alone."""
    bad = []
    by_agent = defaultdict(list)
    for a in answer["assignments"]:
        by_agent[a["agent"]].append(a)
    for name, shifts in by_agent.items():
        if name not in people:
            bad.append(f"{name}: unknown agent")
            continue
        skills, stores, leave, dedicated = people[name]
        shifts.sort(key=lambda a: a["date"])
        dates = [date.fromisoformat(a["date"]) for a in shifts]
        if len(set(dates)) != len(dates):
            bad.append(f"{name}: two shifts on a day")
        hours = defaultdict(float)
        for a, d in zip(shifts, dates):
            start, end, unpaid = SHIFT_TIMES[a["shift"]]
            hours[(d - START).days // 7] += (end - start - unpaid) / 60
            if d in leave:
                bad.append(f"{name} {d}: on leave")
            if a["store"] not in stores or a["skill"] not in skills:
                bad.append(f"{name} {d}: not qualified for {a['store']} {a['skill']}")
            if dedicated and a["store"] != dedicated:
                bad.append(f"{name} {d}: dedicated to {dedicated}, worked {a['store']}")
        bad += [f"{name} week {w}: {h} h" for w, h in hours.items() if h > 44]
        for (a, d), (b, e) in zip(zip(shifts, dates), zip(shifts[1:], dates[1:])):
            rest = (e - d).days * 1440 + SHIFT_TIMES[b["shift"]][0] - SHIFT_TIMES[a["shift"]][1]
            if rest < 12 * 60:
                bad.append(f"{name} {e}: {rest / 60} h rest")
        run_len, prev = 0, None
        for d in dates:
            run_len = run_len + 1 if prev is not None and (d - prev).days == 1 else 1
            prev = d
            if run_len > 6:
                bad.append(f"{name} {d}: {run_len} days in a row")
    return bad


def scheduled_from(answer: dict) -> dict:
    """Agents on duty per (store, skill, date, interval), from the assignments."""
    on = defaultdict(int)
    for a in answer["assignments"]:
        start, end, _ = SHIFT_TIMES[a["shift"]]
        b = BREAKS.get(a["shift"])
        for m in range(start, end, 30):
            if b and b[0] <= m < b[1]:
                continue
            on[(a["store"], a["skill"], a["date"], f"{m // 60:02}:{m % 60:02}")] += 1
    return on


def part2(kefu: Path, out: Path, repeat: int, iterations: int | None, env: dict, rep: Report) -> None:
    agents, days = 150, 28
    toml, csv, people = roster_instance(agents, days, load=1.0, seed=12)
    d = out / "roster"
    d.mkdir(parents=True, exist_ok=True)
    (d / "instance.toml").write_text(toml, encoding="utf-8")
    (d / "required.csv").write_text(csv, encoding="utf-8")
    log(f"== roster: {agents} agents × {days} days, {d / 'instance.toml'}, load {load()}")
    cmd = [str(kefu), "wfm", "roster", "--instance", str(d / "instance.toml"), "--format", "json"]
    if iterations:
        cmd += ["--iterations", str(iterations)]
    runs = [run(cmd, env=env, stdout=d / "answer.json") for _ in range(repeat)]
    wall = statistics.median(r.wall for r in runs)
    answer = json.loads((d / "answer.json").read_text())
    rep.add(f"2. kefu wfm roster, {agents} agents × {days} days (median of {repeat})", f"< {ROSTER_MAX_S:.0f} s",
            f"{wall:.2f} s, {len(answer['assignments'])} shifts", wall < ROSTER_MAX_S)
    bad = check_roster(answer, people, days)
    rep.add("2. hard rules checked from the JSON (44 h, 12 h rest, 6 days, leave, store, skill, seat)",
            "none broken", "none broken" if not bad else f"{len(bad)}: " + "; ".join(bad[:3]), not bad)
    on = scheduled_from(answer)
    mismatched = [c for c in answer["coverage"]
                  if on.get((c["store"], c["skill"], c["date"], c["interval"]), 0) != c["scheduled"]]
    required = sum(c["required"] for c in answer["coverage"])
    uncovered = sum(c["gap"] for c in answer["coverage"])
    rep.add("2. coverage recomputed from the assignments", "equal",
            "equal" if not mismatched else f"{len(mismatched)} rows differ", not mismatched)
    bound_runs = run([str(kefu), "wfm", "shifts", "--roster", str(d / "instance.toml"), "--format", "json",
                      "--bound-iterations", "20000"], env=env, stdout=d / "bound.json")
    b = json.loads((d / "bound.json").read_text())
    priority = {s["code"]: s.get("priority", 1) for s in tomllib.loads(toml).get("store", [])}
    weighted_required = sum(c["required"] * priority.get(c["store"], 1) for c in answer["coverage"])
    weighted_uncovered = sum(c["gap"] * priority.get(c["store"], 1) for c in answer["coverage"])
    rep.add("2. lower bound on uncovered agent-intervals (kefu wfm shifts --roster), plain / weighted", "-",
            f"{b['uncovered_at_least']:,} of {required:,} / {b['weighted_uncovered_at_least']:,} of "
            f"{weighted_required:,} ({bound_runs.wall:.1f} s)", None)
    best = weighted_required - b["weighted_uncovered_at_least"]
    share = (weighted_required - weighted_uncovered) / best if best else 1.0
    rep.add("2. covered / (required − lower bound), weighted by store priority (the objective)", f"≥ {SHARE_MIN}",
            f"{weighted_required - weighted_uncovered:,} / {best:,} = {share:.4f} "
            f"(uncovered {weighted_uncovered:,})", share >= SHARE_MIN)
    plain_best = required - b["uncovered_at_least"]
    plain = (required - uncovered) / plain_best if plain_best else 1.0
    rep.add("2. the same unweighted (this roster minimises the weighted sum)", "-",
            f"{required - uncovered:,} / {plain_best:,} = {plain:.4f} (uncovered {uncovered:,})", None)
    # The unweighted reading with an objective that counts the same way:
    # every store at priority 1 (the plain bound does not depend on them).
    flat = re.sub(r"(?m)^priority = \d+$", "priority = 1", toml)
    (d / "instance_flat.toml").write_text(flat, encoding="utf-8")
    cmd = [str(kefu), "wfm", "roster", "--instance", str(d / "instance_flat.toml"), "--format", "json"]
    if iterations:
        cmd += ["--iterations", str(iterations)]
    flat_run = run(cmd, env=env, stdout=d / "answer_flat.json")
    flat_answer = json.loads((d / "answer_flat.json").read_text())
    bad = check_roster(flat_answer, people, days)
    flat_uncovered = sum(c["gap"] for c in flat_answer["coverage"])
    flat_share = (required - flat_uncovered) / plain_best if plain_best else 1.0
    rep.add("2. every store at priority 1: covered / (required − lower bound), unweighted", f"≥ {SHARE_MIN}",
            f"{required - flat_uncovered:,} / {plain_best:,} = {flat_share:.4f} (uncovered {flat_uncovered:,}, "
            f"{flat_run.wall:.2f} s, {'no rule broken' if not bad else f'{len(bad)} broken'})",
            flat_share >= SHARE_MIN and not bad)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kefu", type=Path, help="kefu binary (default: cargo build --release -p kefu)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", type=Path, default=REPO / "bench" / "data" / "wfm")
    ap.add_argument("--iterations", type=int, help="--iterations of kefu wfm roster (its default otherwise)")
    ap.add_argument("--skip-pyworkforce", action="store_true")
    a = ap.parse_args()
    kefu = (a.kefu or build_kefu(package_only=True)).resolve()
    a.out.mkdir(parents=True, exist_ok=True)
    copy = a.out / "kefu"
    if copy.resolve() != kefu:
        shutil.copy2(kefu, copy)
    head, dirty = git_head()
    env = {"KEFU_LANG": "en", "PATH": "/usr/bin:/bin"}
    rep = Report()
    log(f"load average at start: {load()}")
    try:
        if not a.skip_pyworkforce:
            part1(copy, a.out, max(1, a.repeat), env, rep)
        part2(copy, a.out, max(1, min(a.repeat, 3)), a.iterations, env, rep)
    except StepFailed as e:
        print(f"step failed: {e}", file=sys.stderr)
        return 1
    rep.notes.append(f"kefu: {kefu} ({head}{', with uncommitted changes' if dirty else ''})")
    rep.notes.append(f"load average at end: {load()}")
    return rep.finish("kefu wfm against pyworkforce; a roster of 150 agents × 28 days")


if __name__ == "__main__":
    sys.exit(main())
