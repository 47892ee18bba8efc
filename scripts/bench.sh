#!/usr/bin/env bash
# Runs every benchmark and writes the figures, the machine and the date into BENCHMARKS.md:
#   1. scripts/bench-list.sh: `iam-mfa list` against `aws iam list-virtual-mfa-devices` on moto, 1,000 devices
#   2. cargo bench --bench startup: start to home screen on the demo account, in a pseudo-terminal
#   3. scripts/bench-users.sh: the Users screen on 1,000 users, on moto and on the demo account
#   4. scripts/bench-throttle.sh: the Users screen on moto with a share of the calls throttled, against
#      no faults and the floor (bare HTTP)
# Environment: RUNS and DEVICES go to bench-list.sh, STARTUP_RUNS to the start-up benchmark,
# USERS_SCREEN_RUNS and USERS_SCREEN_USERS to bench-users.sh, THROTTLE_* to bench-throttle.sh.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

list_result="$(mktemp -t iam-mfa-bench-list.XXXXXX.json)"
startup_result="$(mktemp -t iam-mfa-bench-startup.XXXXXX.json)"
users_result="$(mktemp -t iam-mfa-bench-users.XXXXXX.json)"
throttle_result="$(mktemp -t iam-mfa-bench-throttle.XXXXXX.json)"
trap 'rm -f "$list_result" "$startup_result" "$users_result" "$throttle_result"' EXIT

printf '\n==> scripts/bench-list.sh\n'
BENCH_RESULT_FILE="$list_result" scripts/bench-list.sh

printf '\n==> cargo bench --bench startup\n'
BENCH_RESULT_FILE="$startup_result" cargo bench --quiet --bench startup

printf '\n==> scripts/bench-users.sh\n'
BENCH_RESULT_FILE="$users_result" scripts/bench-users.sh

printf '\n==> scripts/bench-throttle.sh\n'
BENCH_RESULT_FILE="$throttle_result" scripts/bench-throttle.sh

cpu="$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo 2>/dev/null || true)"
machine="${cpu:-unknown CPU}, $(nproc) CPUs, $(uname -sr)"
rustc_version="$(rustc --version)"
date_utc="$(date -u '+%Y-%m-%d %H:%M UTC')"

python3 - "$list_result" "$startup_result" "$users_result" "$machine" "$rustc_version" "$date_utc" >BENCHMARKS.md <<'PY'
import json, sys
listing = json.load(open(sys.argv[1]))
startup = json.load(open(sys.argv[2]))
users = json.load(open(sys.argv[3]))
machine, rustc, date = sys.argv[4], sys.argv[5], sys.argv[6]
verdict = lambda ok: "met" if ok else "**not met**"
accounts = {account["name"]: account for account in users["accounts"]}
moto, demo = accounts["moto"], accounts["demo account"]
def spread(figures):
    return f'{figures["median"]:,.0f} ms ({figures["min"]:,.0f}–{figures["max"]:,.0f})'
def spread_fine(figures):
    return f'{figures["median"]:,.1f} ms ({figures["min"]:,.1f}–{figures["max"]:,.1f})'
def users_row(account):
    return (f'| {account["name"]} | {spread_fine(account["list_ms"])} | {spread(account["filled_ms"])} | '
            f'{account["draw_ms"]["median"]:,.0f} ms | {account["update_ms"]["median"]:,.1f} ms |')
if moto["calls"] != demo["calls"]:
    sys.exit(f"the two accounts made different calls: moto {moto['calls']}, demo {demo['calls']}")
calls = moto["calls"]
total_calls = sum(calls.values())
http_requests = sum(moto["http_requests"].values())
call_rows = "\n".join(f"| {operation} | {count:,} |" for operation, count in
                      sorted(calls.items(), key=lambda item: item[1]))
# One frame per burst of answers, as the runtime draws.
draw_per_frame = demo["draw_ms"]["median"] / demo["frames"]
draw_share = demo["draw_ms"]["median"] / demo["filled_ms"]["median"]
others_ms = moto["filled_ms"]["median"] - moto["draw_ms"]["median"] - moto["update_ms"]["median"]
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

## Users screen, 1,000 users

`scripts/bench-users.sh` (`cargo bench --bench users_screen`): opens Users from the home screen in a
{users["terminal"]} headless terminal, {users["runs"]} times after one warm-up, driving the app as the terminal
runtime does (every call on a task of its own on a current-thread tokio runtime, the screen drawn after
every message). Two accounts of {moto["users"]:,} users with {moto["devices"]} virtual MFA devices assigned (every third user
one, every 250th three, the last user eight): moto {users["moto_version"]} on loopback through the real SDK, and
the demo account (in-process, no network) made just as big, which leaves only our own cost. moto cannot
create hardware TOTP tokens or passkeys, so neither account has any. Times are median (min–max).

| account | list shown (ListUsers answered) | every MFA column filled | of which drawing | of which `App::update` |
|---|---:|---:|---:|---:|
{users_row(moto)}
{users_row(demo)}

Calls for one opening, the same on both accounts and in every run (on moto an SDK interceptor counted
{http_requests:,} HTTP requests, so no page or retry was added):

| operation | calls |
|---|---:|
{call_rows}
| total | {total_calls:,} |

Why a call per user: IAM has no account-wide listing of hardware TOTP tokens or passkeys;
ListVirtualMFADevices lists virtual devices only, so each user's ListMFADevices is the only way to fill
their column. The one account-wide listing spares the call for a user it already shows with IAM's most
(8 devices): here the last user. The per-user calls go out at most {users["max_in_flight"]} at a time, the rows on screen
first, so that a burst of a thousand calls does not trip IAM's throttling; the most in flight at once
was {moto["peak_in_flight"]} on moto (counted in the IAM layer) and {demo["peak_outstanding"]} requests out on the demo account, whose calls finish
at once.

Where the time goes: on the demo account {draw_share:.0%} of it is drawing ({draw_per_frame:.2f} ms a frame,
{demo["frames"]:,} frames for {total_calls:,} answers: the runtime draws once per burst of answers); on moto, after drawing and `App::update`, about {others_ms:,.0f} ms is the SDK, HTTP and moto
answering.
""", end="")
PY
# The throttling section, from the same script that bench-throttle.sh --update-benchmarks uses.
{ printf '\n'; python3 scripts/lib/throttle_section.py "$throttle_result"; } >>BENCHMARKS.md
printf '\n==> BENCHMARKS.md written\n'
cat BENCHMARKS.md
