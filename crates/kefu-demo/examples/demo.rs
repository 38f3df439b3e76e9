//! Generates demo data by hand and times it:
//! `cargo run --release -p kefu-demo --example demo -- DIR [MESSAGES] [SEED] [WEEKS]`.

use std::path::PathBuf;
use std::time::Instant;

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().unwrap_or_else(|| "demo-out".into()));
    let mut opts = kefu_demo::DemoOptions::default();
    if let Some(m) = args.next().and_then(|v| v.parse().ok()) {
        opts.messages = m;
    }
    if let Some(s) = args.next().and_then(|v| v.parse().ok()) {
        opts.seed = s;
    }
    if let Some(w) = args.next().and_then(|v| v.parse().ok()) {
        opts.weeks = w;
    }
    let start = Instant::now();
    let summary = kefu_demo::write_dir(&opts, &dir, &mut |n| eprint!("\r{n} messages"))?;
    eprintln!();
    println!("{summary:?} in {:.2?}", start.elapsed());
    Ok(())
}
