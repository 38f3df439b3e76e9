#!/usr/bin/env python3
"""Tests of bench/duckdb_kpi.py: the hand-made fixtures and a few invariants.

    python3 bench/test_duckdb_kpi.py
"""
import csv
import json
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.join(HERE, "duckdb_kpi.py")
FIXTURES = os.path.join(HERE, "fixtures")
sys.path.insert(0, HERE)
sys.dont_write_bytecode = True  # no __pycache__ in bench/

import duckdb_kpi  # noqa: E402

ADDITIVE = ["sessions", "manual_sessions", "bot_sessions", "unanswered_sessions", "slow_rounds",
            "unanswered_rounds", "buyer_messages", "agent_messages", "after_sales_sessions", "ratings"]


def run(input_dir, *args, settings=True, check=True):
    cmd = [sys.executable, SCRIPT, "--input", input_dir]
    st = os.path.join(input_dir, "settings.toml")
    if settings and os.path.exists(st):
        cmd += ["--settings", st]
    cmd += list(args)
    p = subprocess.run(cmd, capture_output=True, text=True)
    if check and p.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{p.stderr}")
    return p if not check else json.loads(p.stdout)


def same(a, b, path=""):
    """Equal JSON values, floats to 1e-9, object keys in the same order."""
    if isinstance(a, float) or isinstance(b, float):
        if a is None or b is None or isinstance(a, (str, bool)) or isinstance(b, (str, bool)):
            return f"{path}: {a!r} != {b!r}"
        return None if abs(a - b) <= 1e-9 else f"{path}: {a!r} != {b!r}"
    if isinstance(a, dict) and isinstance(b, dict):
        if list(a) != list(b):
            return f"{path}: keys {list(a)} != {list(b)}"
        for k in a:
            e = same(a[k], b[k], f"{path}.{k}")
            if e:
                return e
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path}: {len(a)} rows != {len(b)} rows"
        for i, (x, y) in enumerate(zip(a, b)):
            e = same(x, y, f"{path}[{i}]")
            if e:
                return e
        return None
    if type(a) is not type(b) or a != b:
        return f"{path}: {a!r} != {b!r}"
    return None


class Fixtures(unittest.TestCase):
    def check(self, name, expected_file, *args):
        d = os.path.join(FIXTURES, name)
        with open(os.path.join(d, expected_file), encoding="utf-8") as f:
            expected = json.load(f)
        got = run(d, *args)
        err = same(got, expected)
        self.assertIsNone(err, f"{name}/{expected_file}: {err}")

    def test_sessions(self):
        self.check("sessions", "expected-by-store-agent-date.json", "--by", "store,agent,date")

    def test_rounds(self):
        self.check("rounds", "expected-by-store-agent-date.json", "--by", "store,agent,date")

    def test_attribution(self):
        self.check("attribution", "expected-by-store-agent-date.json", "--by", "store,agent,date")

    def test_attribution_by_store_in_range(self):
        self.check("attribution", "expected-by-store-from-2026-11-10-to-2026-11-11.json",
                   "--by", "store", "--from", "2026-11-10", "--to", "2026-11-11")

    def test_ratings_timezones(self):
        self.check("ratings-timezones", "expected-by-store-agent-date.json", "--by", "store,agent,date")

    def test_sessions_by_hour_counts_a_buyer_once(self):
        rows = run(os.path.join(FIXTURES, "sessions"), "--by", "hour")
        self.assertEqual([r["hour"] for r in rows], [7, 9, 10, 11, 12, 13, 14, 15, 23])
        h10 = rows[2]
        self.assertEqual(list(h10)[:2], ["hour", "consult_buyers"])
        self.assertEqual((h10["consult_buyers"], h10["sessions"]), (1, 2))
        self.assertAlmostEqual(h10["first_response_s"], 314.5)
        self.assertAlmostEqual(h10["reply_3min_rate"], 0.5)
        self.assertEqual(h10["silent_sales"], "0.00")

    def test_every_fixture_has_its_files(self):
        for name in sorted(os.listdir(FIXTURES)):
            d = os.path.join(FIXTURES, name)
            if os.path.isdir(d):
                for f in ("messages.csv", "orders.csv", "ratings.csv", "settings.toml",
                          "expected-by-store-agent-date.json", "README.md"):
                    self.assertTrue(os.path.exists(os.path.join(d, f)), f"{name}/{f}")


class Invariants(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.dir = cls.tmp.name
        subprocess.run([sys.executable, os.path.join(HERE, "gen_data.py"), "--out", cls.dir,
                        "--messages", "40000", "--stores", "5", "--days", "6"], check=True)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def test_groupings_add_up(self):
        by_store = run(self.dir, "--by", "store")
        fine = run(self.dir, "--by", "store,agent,date,hour")
        totals = {}
        for r in fine:
            t = totals.setdefault(r["store"], {k: 0 for k in ADDITIVE + ["sales", "silent_sales"]})
            for k in ADDITIVE:
                t[k] += r[k]
            t["sales"] += round(float(r["sales"]) * 100)
            t["silent_sales"] += round(float(r.get("silent_sales", "0")) * 100)
        self.assertEqual(sorted(totals), [r["store"] for r in by_store])
        for r in by_store:
            t = totals[r["store"]]
            for k in ADDITIVE:
                self.assertEqual(r[k], t[k], f"{r['store']} {k}")
            self.assertEqual(round(float(r["sales"]) * 100), t["sales"])
            self.assertEqual(round(float(r["silent_sales"]) * 100), t["silent_sales"])
            self.assertNotIn("agent", r)
        for r in fine:
            self.assertEqual("silent_sales" in r, r["agent"] is None)

    def test_date_range_is_a_filter_on_days(self):
        all_days = run(self.dir, "--by", "store,date")
        days = sorted({r["date"] for r in all_days})
        part = run(self.dir, "--by", "store,date", "--from", days[1], "--to", days[2])
        self.assertIsNone(same(part, [r for r in all_days if days[1] <= r["date"] <= days[2]]))

    def test_store_filter(self):
        all_rows = run(self.dir, "--by", "store,agent")
        one = run(self.dir, "--by", "store,agent", "--store", "dy-1002")
        self.assertIsNone(same(one, [r for r in all_rows if r["store"] == "dy-1002"]))

    def test_deterministic_whatever_the_threads(self):
        a = run(self.dir, "--by", "store,agent,date", "--threads", "1")
        b = run(self.dir, "--by", "store,agent,date", "--threads", "2")
        self.assertEqual(a, b)

    def test_rows_sorted_agent_null_last(self):
        rows = run(self.dir, "--by", "store,agent,date")
        keys = [(r["store"], r["agent"] is None, r["agent"] or "", r["date"]) for r in rows]
        self.assertEqual(keys, sorted(keys))


class Input(unittest.TestCase):
    def test_arrival_is_file_order_in_a_big_file(self):
        # Big enough for DuckDB to read the file in parallel; quoted newlines.
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "messages.csv")
            with open(path, "w", newline="", encoding="utf-8") as f:
                w = csv.writer(f)
                w.writerow(["store", "message_id", "buyer", "sender", "agent", "sent_at", "content", "kind"])
                for i in range(400_000):
                    w.writerow(["s", f"m{i}", f"b{i % 977}", "buyer", "", "2026-11-10 10:00:00",
                                "line one,\n\"two\" " + "x" * (i % 90), ""])
            import argparse
            args = argparse.Namespace(store=None, messages=path)
            hdr = {"messages": duckdb_kpi.csv_columns(path, "messages")}
            named, default = duckdb_kpi.load_settings(None)
            st = duckdb_kpi.build_sql(args, False, False, hdr, named, default)
            import duckdb
            con = duckdb.connect()
            for s in st[:3]:
                con.execute(s)
            ids = [r[0] for r in con.execute("SELECT mid FROM mp ORDER BY rowid").fetchall()]
            self.assertEqual(ids, [f"m{i}" for i in range(400_000)])

    def test_bad_time_is_an_error_naming_file_record_and_field(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "messages.csv"), "w", encoding="utf-8") as f:
                f.write("store,message_id,buyer,sender,agent,sent_at,content,kind\n"
                        "s,m1,b1,buyer,,2026-11-10 10:00:00,hi,\n"
                        "s,m2,b1,buyer,,2026-11-10 25:00:00,hi,\n")
            p = run(d, check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("messages.csv: record 2", p.stderr)
            self.assertIn("sent_at", p.stderr)

    def test_agent_message_without_agent_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "messages.csv"), "w", encoding="utf-8") as f:
                f.write("store,message_id,buyer,sender,agent,sent_at,content,kind\n"
                        "s,m1,b1,agent,,2026-11-10 10:00:00,hi,\n")
            p = run(d, check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("agent", p.stderr)

    def test_amount_with_three_places_is_an_error(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "messages.csv"), "w", encoding="utf-8") as f:
                f.write("store,message_id,buyer,sender,agent,sent_at,content,kind\n"
                        "s,m1,b1,buyer,,2026-11-10 10:00:00,hi,\n")
            with open(os.path.join(d, "orders.csv"), "w", encoding="utf-8") as f:
                f.write("store,order_id,buyer,created_at,paid_at,amount,refund_amount,refunded_at\n"
                        "s,o1,b1,2026-11-10 10:00:00,,1.005,,\n")
            p = run(d, check=False)
            self.assertEqual(p.returncode, 2)
            self.assertIn("orders.csv: record 1", p.stderr)
            self.assertIn("amount", p.stderr)

    def test_trimmed_fields_and_time_forms(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "messages.csv"), "w", encoding="utf-8") as f:
                f.write("store,message_id,buyer,sender,agent,sent_at,content,kind\n"
                        " s ,m1, b1 ,Buyer,,2026/11/10 10:00,hi,\n"
                        "s,m2,b1,agent, a1 ,2026-11-10T02:00:30.999+0000,ok, TEXT \n")
            rows = run(d, "--by", "store,agent")
            self.assertEqual([(r["store"], r["agent"]) for r in rows], [("s", "a1")])
            self.assertAlmostEqual(rows[0]["avg_response_s"], 30.999)

    def test_no_orders_or_ratings_files(self):
        with tempfile.TemporaryDirectory() as d:
            with open(os.path.join(d, "messages.csv"), "w", encoding="utf-8") as f:
                f.write("store,message_id,buyer,sender,agent,sent_at,content,kind\n"
                        "s,m1,b1,buyer,,2026-11-10 10:00:00,hi,\n")
            rows = run(d)
            self.assertEqual(len(rows), 1)
            self.assertEqual(rows[0]["silent_sales"], "0.00")
            self.assertEqual((rows[0]["inquiry_buyers"], rows[0]["order_conversion"]), (1, 0.0))


if __name__ == "__main__":
    unittest.main(verbosity=2)
