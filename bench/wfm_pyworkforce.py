#!/usr/bin/env python3
"""The peer of `kefu wfm shifts` in `wfm.py`: reads the same problem JSON
(days, periods, required, shifts, max_period_concurrency,
max_shift_concurrency, objective, costs) and solves it with
`pyworkforce`'s MinAbsDifference or MinRequiredResources (CP-SAT). Prints
JSON: status, cost, solve_seconds (the solve() call alone) and
resources[day][shift] in the problem's template order.

    python3 bench/wfm_pyworkforce.py PROBLEM.json [--max-search-time 240] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import sys
import time


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("problem")
    ap.add_argument("--max-search-time", type=float, default=240.0)
    ap.add_argument("--workers", type=int, default=2)
    a = ap.parse_args()
    from pyworkforce.scheduling import MinAbsDifference, MinRequiredResources

    with open(a.problem, encoding="utf-8") as fh:
        p = json.load(fh)
    kind = p.get("objective", "min_abs_difference")
    args = dict(num_days=p["days"], periods=p["periods"], shifts_coverage=p["shifts"],
                required_resources=p["required"], max_period_concurrency=p["max_period_concurrency"],
                max_shift_concurrency=p["max_shift_concurrency"], max_search_time=a.max_search_time,
                num_search_workers=a.workers)
    if kind == "min_abs_difference":
        model = MinAbsDifference(**args)
    else:
        model = MinRequiredResources(cost_dict=p.get("costs"), **args)
    t0 = time.monotonic()
    solution = model.solve()
    took = time.monotonic() - t0
    names = list(p["shifts"])
    resources = [[0] * len(names) for _ in range(p["days"])]
    for r in solution["resources_shifts"]:
        if r["day"] >= 0:
            resources[r["day"]][names.index(r["shift"])] = r["resources"]
    json.dump({"status": solution["status"], "cost": solution["cost"], "solve_seconds": took,
               "resources": resources}, sys.stdout)
    print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
