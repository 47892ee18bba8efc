//! Start-up time (a benchmark, not a test): `cargo bench --bench startup` starts the release-built binary
//! with `--demo` in a pseudo-terminal again and again and measures the time from spawning it to the home
//! screen showing both its menu and the caller's ARN. Prints min/median/max; the aim is under 50 ms.
//!
//! Environment: `STARTUP_RUNS` (default 30); `BENCH_RESULT_FILE`, if set, receives the figures as JSON
//! (scripts/bench.sh writes BENCHMARKS.md from it).

#[path = "../tests/support/pty.rs"]
mod pty;

use std::time::{Duration, Instant};

use pty::PtyApp;

const DEFAULT_RUNS: usize = 30;
const AIM: Duration = Duration::from_millis(50);
/// The demo administrator's ARN: on screen once the caller is known.
const CALLER_ARN: &str = "arn:aws:iam::210987654321:user/admin";

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --all-targets` runs this too, without it: then one
    // start proves the benchmark works, and no figures are printed for a debug build.
    if !std::env::args().any(|arg| arg == "--bench") {
        time_to_home_screen();
        println!("startup benchmark: one start ok (run `cargo bench --bench startup` for figures)");
        return;
    }
    let runs = std::env::var("STARTUP_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .filter(|&runs: &usize| runs > 0)
        .unwrap_or(DEFAULT_RUNS);
    // One untimed start, so the first timed run does not pay for loading the binary from disk.
    time_to_home_screen();
    let mut samples: Vec<Duration> = (0..runs).map(|_| time_to_home_screen()).collect();
    samples.sort();
    let min = samples[0];
    let median = median(&samples);
    let max = samples[samples.len() - 1];
    println!("start to home screen, --demo in a 80x24 pseudo-terminal, {runs} runs:");
    println!(
        "  min {:6.1} ms   median {:6.1} ms   max {:6.1} ms",
        ms(min),
        ms(median),
        ms(max)
    );
    println!(
        "  {} (aim: under {} ms)",
        if median < AIM {
            "within the aim"
        } else {
            "OVER THE AIM"
        },
        AIM.as_millis()
    );
    if let Ok(path) = std::env::var("BENCH_RESULT_FILE") {
        let json = serde_json::json!({
            "runs": runs,
            "min_ms": ms(min),
            "median_ms": ms(median),
            "max_ms": ms(max),
        });
        std::fs::write(&path, json.to_string())
            .unwrap_or_else(|error| panic!("write {path}: {error}"));
    }
}

/// One start: spawn, wait for the finished home screen, then quit and reap the process (untimed).
fn time_to_home_screen() -> Duration {
    let started = Instant::now();
    let mut app = PtyApp::spawn(&["--demo"]);
    app.wait_for(
        |screen| screen.contains("Assign MFA device") && screen.contains(CALLER_ARN),
        "the home screen",
        pty::WAIT,
    );
    let elapsed = started.elapsed();
    app.send_keys("q");
    let status = app.wait_exit(pty::WAIT);
    assert!(status.success(), "the app exited with {status:?}");
    elapsed
}

fn median(sorted: &[Duration]) -> Duration {
    let middle = sorted.len() / 2;
    if sorted.len().is_multiple_of(2) {
        (sorted[middle - 1] + sorted[middle]) / 2
    } else {
        sorted[middle]
    }
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
