#!/usr/bin/env python3
"""Synthetic canonical-format CSV data for benchmarking bench/duckdb_kpi.py.

    python3 bench/gen_data.py --out DIR --messages 10000000 [--seed 1]

Writes DIR/messages.csv, DIR/orders.csv, DIR/ratings.csv and DIR/settings.toml.
Messages arrive roughly, not exactly, in time order (so ties and arrival order
matter), a few times carry an RFC 3339 offset, a few contents hold commas,
quotes and newlines. It is not the Rust `kefu demo` generator; it only gives the
SQL something of the right shape and size to chew on.
"""
import argparse
import csv
import datetime as dt
import os
import random

BASE = dt.datetime(2026, 10, 1)


def fmt_local(t: dt.datetime) -> str:
    return t.strftime("%Y-%m-%d %H:%M:%S")


def fmt_offset(t: dt.datetime) -> str:
    # local Shanghai time -> UTC with Z
    return (t - dt.timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M:%SZ")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--stores", type=int, default=40)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    os.makedirs(a.out, exist_ok=True)
    stores = [f"dy-{1000 + i}" for i in range(a.stores)]
    agents = {s: [f"{s}:客服{j}" for j in range(rnd.randint(3, 15))] for s in stores}
    n_buyers = max(10, a.messages // 25)
    per_day = a.messages / a.days
    mid = 0
    oid = 0
    mf = open(os.path.join(a.out, "messages.csv"), "w", newline="", encoding="utf-8")
    of = open(os.path.join(a.out, "orders.csv"), "w", newline="", encoding="utf-8")
    rf = open(os.path.join(a.out, "ratings.csv"), "w", newline="", encoding="utf-8")
    mw, ow, rw = csv.writer(mf), csv.writer(of), csv.writer(rf)
    mw.writerow(["store", "message_id", "buyer", "sender", "agent", "sent_at", "content", "kind"])
    ow.writerow(["store", "order_id", "buyer", "created_at", "paid_at", "amount", "refund_amount", "refunded_at"])
    rw.writerow(["store", "buyer", "agent", "rated_at", "score"])
    written = 0
    for day in range(a.days):
        if written >= a.messages:
            break
        day_msgs = []
        target = min(int(per_day * (day + 1)), a.messages) - written
        count = 0
        while count < target:
            s = rnd.choice(stores)
            b = f"u{rnd.randrange(n_buyers)}"
            ag = agents[s]
            recv = rnd.choice(ag)
            t = BASE + dt.timedelta(days=day, seconds=rnd.randrange(86400))
            n = rnd.randint(2, 18)
            outbound = rnd.random() < 0.04
            for k in range(n):
                r = rnd.random()
                if outbound:
                    sender, agent, kind = "agent", recv, "text"
                elif k == 0 or r < 0.45:
                    sender, agent, kind = "buyer", "", rnd.choice(["text", "text", "text", "image", "card"])
                elif r < 0.85:
                    sender = "agent"
                    agent = recv if rnd.random() < 0.9 else rnd.choice(ag)
                    kind = "auto" if rnd.random() < 0.05 else "text"
                elif r < 0.93:
                    sender, agent, kind = "bot", "", "text"
                elif r < 0.96:
                    sender, agent, kind = "system", rnd.choice(ag), "transfer"
                elif r < 0.98:
                    sender, agent, kind = "agent", recv, "invite_rating"
                else:
                    sender, agent, kind = "system", "", "text"
                if rnd.random() < 0.02:
                    content = "您好,\"亲\"\n在吗"
                elif sender == "agent" and rnd.random() < 0.03:
                    content = "【自动回复】欢迎光临"
                else:
                    content = rnd.choice(["在吗", "hello", "发货了吗", "", "好的，马上为您处理"])
                ts = fmt_offset(t) if rnd.random() < 0.01 else fmt_local(t)
                mid += 1
                key = t + dt.timedelta(seconds=rnd.randrange(30))
                day_msgs.append((key, mid, [s, f"m{mid}", b, sender, agent, ts, content, kind]))
                step = rnd.choice([0, 1, 5, 20, 45, 90, 150, 300, 600, 900])
                t = t + dt.timedelta(seconds=step)
            count += n
            if not outbound and rnd.random() < 0.12:
                oid += 1
                c = t + dt.timedelta(minutes=rnd.randrange(-30, 3000))
                paid = c + dt.timedelta(minutes=rnd.randrange(0, 60)) if rnd.random() < 0.8 else None
                amt = f"{rnd.randrange(100, 100000) / 100:.2f}"
                ow.writerow([s, f"o{oid}", b, fmt_local(c), fmt_local(paid) if paid else "", amt, "", ""])
            if not outbound and rnd.random() < 0.08:
                rw.writerow([s, b, recv, fmt_local(t + dt.timedelta(minutes=rnd.randrange(1, 120))), rnd.randint(1, 5)])
        day_msgs.sort(key=lambda x: (x[0], x[1]))
        for _, _, row in day_msgs:
            mw.writerow(row)
        written += count
    # silent orders of buyers who never asked
    for _ in range(max(1, a.messages // 500)):
        oid += 1
        s = rnd.choice(stores)
        c = BASE + dt.timedelta(days=rnd.randrange(a.days), seconds=rnd.randrange(86400))
        ow.writerow([s, f"o{oid}", f"x{rnd.randrange(n_buyers)}", fmt_local(c), fmt_local(c), "19.90", "", ""])
    for f in (mf, of, rf):
        f.close()
    with open(os.path.join(a.out, "settings.toml"), "w", encoding="utf-8") as f:
        f.write('[stores."dy-1001"]\nauto_reply_prefixes = ["【自动回复】"]\n')
        f.write('[stores."dy-1002"]\nattribution = "payment"\nservice_hours = "09:00-21:00"\n')
        f.write('[stores."dy-1003"]\nsession_idle_minutes = 30\nslow_response_seconds = 60\n')


if __name__ == "__main__":
    main()
