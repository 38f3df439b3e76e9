//! `kefu wfm erlang` with the real binary: the flags of wfm.md §4 exactly
//! as scripts call them, the textbook values with `concurrency = 1`,
//! agents with concurrency and shrinkage, and bad input named by its flag.

mod common;

use common::{kefu, ok};
use serde_json::Value;

fn erlang(extra: &[&str]) -> Value {
    let mut args = vec![
        "wfm",
        "erlang",
        "--volume",
        "100",
        "--aht",
        "180",
        "--interval",
        "30",
    ];
    args.extend_from_slice(extra);
    args.extend_from_slice(&["--format", "json"]);
    let text = ok(&args);
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

#[test]
fn textbook_erlang_c_with_one_chat_at_a_time() {
    let a = erlang(&[
        "--concurrency",
        "1",
        "--target",
        "0.8",
        "--within",
        "20",
        "--max-occupancy",
        "0.85",
        "--shrinkage",
        "0",
    ]);
    assert_eq!(a["offered_load"], 10.0);
    assert_eq!(a["slots"], 14);
    assert_eq!(a["agents_on_duty"], 14);
    let near = |k: &str, v: f64| {
        let x = a[k].as_f64().unwrap();
        assert!((x - v).abs() < 1e-4, "{k}: {x} vs {v}");
    };
    near("service_level", 0.8884);
    near("p_wait", 0.1741);
    // ASA = P_wait × AHT ÷ (N − A) = 0.17413 × 180 ÷ 4.
    near("asa_seconds", 0.174132 * 180.0 / 4.0);
    near("occupancy", 10.0 / 14.0);
}

#[test]
fn concurrency_and_shrinkage() {
    // 14 slots ÷ 3 chats an agent = 5 on duty; 5 ÷ (1 − 0.3) = 7.14 → 8.
    let a = erlang(&["--concurrency", "3", "--shrinkage", "0.3"]);
    assert_eq!(
        (
            a["slots"].as_u64(),
            a["agents_on_duty"].as_u64(),
            a["agents_to_schedule"].as_u64()
        ),
        (Some(14), Some(5), Some(8))
    );
    let table = ok(&[
        "--lang", "en", "wfm", "erlang", "--volume", "100", "--aht", "180",
    ]);
    assert!(
        table.contains("agents to schedule") && table.contains("14"),
        "{table}"
    );
}

#[test]
fn bad_input_names_its_flag() {
    for (args, says) in [
        (vec!["--volume", "-5", "--aht", "180"], "--volume"),
        (vec!["--volume", "5", "--aht", "0"], "--aht"),
        (
            vec!["--volume", "5", "--aht", "180", "--max-occupancy", "1.5"],
            "--max-occupancy",
        ),
        (
            vec!["--volume", "5", "--aht", "180", "--concurrency", "0"],
            "--concurrency",
        ),
    ] {
        let mut v = vec!["--lang", "en", "wfm", "erlang"];
        v.extend(args);
        let out = kefu(&v);
        assert!(!out.status.success(), "{v:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{v:?}: {err}");
    }
}
