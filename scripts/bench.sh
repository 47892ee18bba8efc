#!/usr/bin/env bash
# Runs every benchmark and writes the figures, the machine and the date into BENCHMARKS.md:
#   1. scripts/bench-list.sh: `iam-mfa list` against `aws iam list-virtual-mfa-devices` on moto, 1,000 devices
#   2. cargo bench --bench startup: start to home screen on the demo account, in a pseudo-terminal
# Environment: RUNS and DEVICES go to bench-list.sh, STARTUP_RUNS to the start-up benchmark.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

list_result="$(mktemp -t iam-mfa-bench-list.XXXXXX.json)"
startup_result="$(mktemp -t iam-mfa-bench-startup.XXXXXX.json)"
trap 'rm -f "$list_result" "$startup_result"' EXIT

printf '\n==> scripts/bench-list.sh\n'
BENCH_RESULT_FILE="$list_result" scripts/bench-list.sh

printf '\n==> cargo bench --bench startup\n'
BENCH_RESULT_FILE="$startup_result" cargo bench --quiet --bench startup

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
machine="${cpu:-unknown CPU}, $(nproc) CPUs, $(uname -sr)"
rustc_version="$(rustc --version)"
date_utc="$(date -u '+%Y-%m-%d %H:%M UTC')"

python3 - "$list_result" "$startup_result" "$machine" "$rustc_version" "$date_utc" >BENCHMARKS.md <<'PY'
import json, sys
listing = json.load(open(sys.argv[1]))
startup = json.load(open(sys.argv[2]))
machine, rustc, date = sys.argv[3], sys.argv[4], sys.argv[5]
verdict = lambda ok: "met" if ok else "**not met**"
print(f"""# Benchmarks

Written by `scripts/bench.sh` on {date}; run it again to update this file.

Machine: {machine}; {rustc}; release build (`cargo build --release`).

## Listing 1,000 virtual MFA devices

One moto server on loopback holding {listing["devices"]} virtual MFA devices (a quarter assigned to users);
each command run {listing["runs"]} times, the two in turn (timer: {listing["timer"]}); median wall time of
the whole process, start to exit. Both commands were first checked to list the same serial numbers and users.
Versions: {listing["versions"]}.

| command | median |
|---|---:|
| `iam-mfa --endpoint-url URL list --output json` | {listing["iam_mfa_median_ms"]:.0f} ms |
| `aws --endpoint-url URL iam list-virtual-mfa-devices` | {listing["aws_cli_median_ms"]:.0f} ms |
| ratio | **{listing["ratio"]:.1f}x** faster |

Aim: at least 5x faster than the aws CLI: {verdict(listing["ratio"] >= 5)}. Most of the aws CLI's time is
starting Python and loading botocore; iam-mfa also asks for the largest page IAM allows (1,000 items),
so it makes one request where the CLI's paginator makes ten.

## Start to home screen

`iam-mfa --demo` started in an 80x24 pseudo-terminal {startup["runs"]} times (`cargo bench --bench startup`):
time from spawning the process to the home screen showing its menu and the caller's ARN.

| min | median | max |
|---:|---:|---:|
| {startup["min_ms"]:.1f} ms | {startup["median_ms"]:.1f} ms | {startup["max_ms"]:.1f} ms |

Aim: under 50 ms: {verdict(startup["median_ms"] < 50)}.
""", end="")
PY
printf '\n==> BENCHMARKS.md written\n'
cat BENCHMARKS.md
