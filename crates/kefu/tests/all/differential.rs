//! kefu against the second implementation of spec/kpi.md in DuckDB SQL
//! (`bench/duckdb_kpi.py`) on demo data, and against the hand-computed
//! expectations of `bench/fixtures/` in file and database mode.
//! Needs `python3` with the `duckdb` package (`./scripts/test` installs it).

use crate::common;
use common::*;
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn duckdb(dir: &Path, settings: Option<&Path>, by: &str) -> Value {
    let mut cmd = Command::new("python3");
    cmd.arg(repo_root().join("bench/duckdb_kpi.py")).args([
        "--input",
        dir.to_str().unwrap(),
        "--by",
        by,
    ]);
    if let Some(s) = settings {
        cmd.args(["--settings", s.to_str().unwrap()]);
    }
    let out = cmd.output().expect("python3");
    assert!(
        out.status.success(),
        "duckdb_kpi.py failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json(&String::from_utf8_lossy(&out.stdout))
}

/// Equal JSON, floats within 1e-9 (relative).
fn same(a: &Value, b: &Value, at: &str) -> Result<(), String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) if x.is_f64() || y.is_f64() => {
            let (x, y) = (
                x.as_f64().unwrap_or(f64::NAN),
                y.as_f64().unwrap_or(f64::NAN),
            );
            if (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0) {
                Ok(())
            } else {
                Err(format!("{at}: {x} ≠ {y}"))
            }
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Err(format!("{at}: {} rows ≠ {} rows", x.len(), y.len()));
            }
            x.iter()
                .zip(y)
                .enumerate()
                .try_for_each(|(i, (p, q))| same(p, q, &format!("{at}[{i}]")))
        }
        (Value::Object(x), Value::Object(y)) => {
            let (kx, ky): (Vec<_>, Vec<_>) = (x.keys().collect(), y.keys().collect());
            if kx != ky {
                return Err(format!("{at}: keys {kx:?} ≠ {ky:?}"));
            }
            let label = format!(
                "{at}{{{}}}",
                x.get("store").and_then(Value::as_str).unwrap_or("")
            );
            x.iter()
                .try_for_each(|(k, v)| same(v, &y[k], &format!("{label}.{k}")))
        }
        _ if a == b => Ok(()),
        _ => Err(format!("{at}: {a} ≠ {b}")),
    }
}

fn assert_same(a: &Value, b: &Value, what: &str) {
    if let Err(e) = same(a, b, what) {
        panic!("{e}");
    }
}

#[test]
fn kefu_equals_the_duckdb_reference_on_demo_data() {
    let dir = tmp();
    demo(dir.path(), 60_000);
    let settings = dir.path().join("settings.toml");
    std::fs::write(
        &settings,
        "[stores.\"dy-1001\"]\nattribution = \"payment\"\nsession_idle_minutes = 20\n\n[stores.\"jd-3001\"]\nservice_hours = \"09:00-21:30\"\nslow_response_seconds = 60\n\n[stores.\"tm-2001\"]\nauto_reply_prefixes = [\"亲，在的\"]\ndissatisfied_max_score = 3\n",
    )
    .unwrap();
    for by in ["store", "store,agent,date", "date,hour", "agent,hour"] {
        for s in [None, Some(settings.as_path())] {
            let mut args = vec![
                "kpi",
                "--input",
                dir.path().to_str().unwrap(),
                "--by",
                by,
                "--format",
                "json",
            ];
            if let Some(s) = s {
                args.extend(["--settings", s.to_str().unwrap()]);
            }
            let k = json(&ok(&args));
            let d = duckdb(dir.path(), s, by);
            assert!(k.as_array().is_some_and(|a| !a.is_empty()));
            assert_same(&k, &d, &format!("--by {by:?} settings {}", s.is_some()));
        }
    }
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(repo_root().join("bench/fixtures"))
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("messages.csv").exists())
        .collect();
    v.sort();
    assert!(v.len() >= 4, "fixtures missing: {v:?}");
    v
}

#[test]
fn file_mode_matches_the_hand_computed_fixtures() {
    for dir in fixtures() {
        let expected =
            json(&std::fs::read_to_string(dir.join("expected-by-store-agent-date.json")).unwrap());
        let d = dir.to_str().unwrap();
        let s = path(&dir, "settings.toml");
        let got = json(&ok(&[
            "kpi",
            "--input",
            d,
            "--settings",
            &s,
            "--by",
            "store,agent,date",
            "--format",
            "json",
        ]));
        assert_same(&got, &expected, &dir.display().to_string());
        assert_same(
            &duckdb(&dir, Some(&dir.join("settings.toml")), "store,agent,date"),
            &expected,
            "duckdb",
        );
    }
}

/// Applies a fixture's settings.toml with `kefu store set`.
fn apply_settings(db: &str, settings: &Path) {
    let doc: toml::Table = toml::from_str(&std::fs::read_to_string(settings).unwrap()).unwrap();
    let Some(stores) = doc.get("stores").and_then(|s| s.as_table()) else {
        return;
    };
    for (code, table) in stores {
        let mut args = vec![
            "--db".to_string(),
            db.to_string(),
            "store".into(),
            "set".into(),
            code.clone(),
        ];
        for (k, v) in table.as_table().unwrap() {
            let text = match v {
                toml::Value::String(s) => s.clone(),
                toml::Value::Array(items) => {
                    let items: Vec<&str> = items.iter().map(|i| i.as_str().unwrap()).collect();
                    assert!(
                        items.iter().all(|i| !i.contains(',')),
                        "a prefix with an ASCII comma cannot go through `store set`"
                    );
                    items.join(",")
                }
                other => other.to_string(),
            };
            args.push(format!("{k}={text}"));
        }
        let refs: Vec<&str> = args.iter().map(String::as_str).collect();
        ok(&refs);
    }
}

#[test]
fn database_mode_matches_the_hand_computed_fixtures() {
    for dir in fixtures() {
        let expected =
            json(&std::fs::read_to_string(dir.join("expected-by-store-agent-date.json")).unwrap());
        let settings = dir.join("settings.toml");
        let work = tmp();
        let db = path(work.path(), "kefu.db");
        apply_settings(&db, &settings);
        import_dir(&db, &dir);
        let got = json(&ok(&[
            "--db",
            &db,
            "kpi",
            "--by",
            "store,agent,date",
            "--format",
            "json",
        ]));
        assert_same(&got, &expected, &format!("db {}", dir.display()));
    }
}
