"""The instances of `wfm.py`, generated from a seed (standard library).

- `shift_problem(...)`: `pyworkforce`'s shift-scheduling problem as JSON
  (days, periods, required[day][period], shifts {name: [0/1 …]},
  max_period_concurrency, max_shift_concurrency, objective): 48 half hours a
  day, a chat curve from 08:00 to 24:00 (low morning, midday and evening
  peaks, weekends +15 %, a promotion day ×2.2), templates = start times
  (every half hour from 08:00) × lengths, each ending by 24:00 and covering
  consecutive periods.
- `roster_instance(...)`: a roster problem in the TOML + CSV of wfm.md §5:
  150 agents over 28 days, five stores, both skills, leave (single days and
  a week of annual leave), dedicated seats, one store of priority 2, the
  four shifts of the spec (two with an unpaid break), a 双12 promotion day,
  at a load where not every interval can be covered.
"""

from __future__ import annotations

import random
from datetime import date, timedelta

HOURLY = {8: .35, 9: .6, 10: .9, 11: 1.0, 12: .8, 13: .85, 14: .95, 15: 1.0, 16: .95, 17: .85,
          18: .8, 19: .95, 20: 1.15, 21: 1.2, 22: 1.0, 23: .6}


def templates(lengths: tuple[int, ...]) -> dict[str, list[int]]:
    """Every half-hour start from 08:00 × each length in hours, ending by 24:00."""
    out = {}
    for h in lengths:
        for start in range(16, 48 - 2 * h + 1):
            name = f"{start // 2:02}:{'30' if start % 2 else '00'}+{h}h"
            out[name] = [int(start <= q < start + 2 * h) for q in range(48)]
    return out


def shift_problem(days: int, lengths: tuple[int, ...], peak: int, max_period: int, max_shift: int,
                  objective: str, seed: int, promo: tuple[int, ...] = ()) -> dict:
    r = random.Random(seed)
    required = []
    for d in range(days):
        f = (1.15 if d % 7 >= 5 else 1.0) * (2.2 if d in promo else 1.0)
        required.append([0 if q < 16 else max(0, round(peak * HOURLY[q // 2] * f * r.uniform(.92, 1.08)))
                         for q in range(48)])
    return {"days": days, "periods": 48, "required": required, "shifts": templates(lengths),
            "max_period_concurrency": max_period, "max_shift_concurrency": max_shift, "objective": objective}


SHIFT_PROBLEMS = {
    # name: (days, lengths, peak, max_period_concurrency, max_shift_concurrency, promotion days)
    "7 days × 48, 42 templates": (7, (4, 8), 40, 60, 30, ()),
    "28 days × 48, 91 templates": (28, (4, 6, 8, 9, 10), 40, 140, 40, (5,)),
}

START = date(2026, 12, 7)  # a Monday
SHIFTS = """
[[shift]]
code = "E"
start = "08:00"
end = "16:30"
breaks = [ { start = "12:00", end = "12:30" } ]

[[shift]]
code = "M"
start = "11:00"
end = "20:00"
breaks = [ { start = "15:00", end = "15:30" } ]

[[shift]]
code = "L"
start = "15:30"
end = "24:00"

[[shift]]
code = "P"
start = "19:00"
end = "24:00"
"""
STORES = ["dy-1001", "dy-1002", "tm-2001", "jd-3001", "pdd-4001"]
SKILLS = ["presale", "aftersale"]
ROSTER_HOURLY = {8: .5, 9: .75, 10: .95, 11: 1.0, 12: .8, 13: .9, 14: 1.0, 15: 1.0, 16: .95, 17: .9,
                 18: .85, 19: 1.0, 20: 1.3, 21: 1.35, 22: 1.05, 23: .65}


def roster_instance(agents: int, days: int, load: float, seed: int) -> tuple[str, str, dict]:
    """The TOML, the requirements CSV and what the checks need: {agent:
    (skills, stores, leave, dedicated)}."""
    r = random.Random(seed)
    day = [START + timedelta(days=d) for d in range(days)]
    toml = [f'start = "{START}"\ndays = {days}\ninterval_minutes = 30\nrequirements = "required.csv"\n\n'
            '[rules]\nmax_week_hours = 44\nmin_rest_hours = 12\nmax_consecutive_days = 6\n' + SHIFTS]
    people = {}
    qualified = {(s, k): 0.0 for s in STORES for k in SKILLS}
    for a in range(agents):
        x = r.random()
        skills = ["presale"] if x < .55 else ["aftersale"] if x < .8 else ["presale", "aftersale"]
        stores = sorted(r.sample(STORES, r.choice([1, 1, 2, 2, 3])))
        dedicated = r.choice(stores) if r.random() < .12 else None
        leave = {day[r.randrange(days)] for _ in range(r.choice([0, 0, 1, 2, 3]))}
        if r.random() < .08:  # a week of annual leave
            first = r.randrange(days - 6)
            leave |= {day[first + i] for i in range(7)}
        prefer = {day[r.randrange(days)] for _ in range(r.choice([0, 1, 2]))} - leave
        name = f"客服{a + 1:03}"
        people[name] = (skills, stores, leave, dedicated)
        posts = [(s, k) for s in ([dedicated] if dedicated else stores) for k in skills]
        for p in posts:
            qualified[p] += (1 - len(leave) / days) / len(posts)
        toml.append(f'\n[[agent]]\nname = "{name}"\nskills = [{", ".join(f"{chr(34)}{k}{chr(34)}" for k in skills)}]\n'
                    f'stores = [{", ".join(f"{chr(34)}{s}{chr(34)}" for s in stores)}]\n'
                    f'contract_hours = {40 if r.random() < .85 else 24}\n'
                    f'leave = [{", ".join(f"{chr(34)}{d}{chr(34)}" for d in sorted(leave))}]\n'
                    f'prefer_off = [{", ".join(f"{chr(34)}{d}{chr(34)}" for d in sorted(prefer))}]\n'
                    + (f'dedicated = "{dedicated}"\n' if dedicated else ""))
    toml.append(f'\n[[store]]\ncode = "{STORES[0]}"\npriority = 2\n')
    # An agent is on duty about 85 intervals a week (of 336 in the plan's
    # service hours): spread what the agents qualified for a post can give.
    per_day = sum(ROSTER_HOURLY.values()) * 2
    csv = ["store,skill,date,interval,agents"]
    for (s, k), n in qualified.items():
        level = load * n * 85 / 7 / per_day
        for d, dt in enumerate(day):
            f = 1.0
            if dt.weekday() >= 5:
                f *= 1.2 if k == "presale" else 0.9
            if dt == date(2026, 12, 12):  # 双12
                f *= 2.0 if k == "presale" else 1.3
            elif dt == date(2026, 12, 13):
                f *= 1.4 if k == "aftersale" else 1.0
            for q in range(16, 48):
                v = level * ROSTER_HOURLY[q // 2] * f * r.uniform(.9, 1.1)
                csv.append(f"{s},{k},{dt},{q // 2:02}:{'30' if q % 2 else '00'},{max(0, round(v))}")
    return "".join(toml), "\n".join(csv) + "\n", people
