#!/usr/bin/env bash
# Benchmark (not a test): `iam-mfa list --output json` against `aws iam list-virtual-mfa-devices` on one
# moto server holding 1,000 virtual MFA devices (a quarter of them assigned to users). Both commands run in
# turn, RUNS times each; prints the median of each and their ratio (the aim: iam-mfa at least 5x faster).
#
# Installs moto and the aws CLI (PyPI) into .venv, starts moto on a free loopback port, builds --release.
# Environment: RUNS (default 7), DEVICES (default 1000), BENCH_RESULT_FILE (if set, the figures as JSON).
set -euo pipefail

runs="${RUNS:-7}"
devices="${DEVICES:-1000}"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=scripts/lib/moto.sh
source scripts/lib/moto.sh
venv_with "moto[server]==$MOTO_VERSION" "awscli==$AWSCLI_VERSION"

say "Building iam-mfa --release"
cargo build --release --quiet
iam_mfa="$repo_root/target/release/iam-mfa"

trap stop_moto EXIT
start_moto
endpoint="$moto_endpoint"

# Both tools see only moto and static test credentials, never a real profile.
only_loopback_aws
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1

# --- 1,000 devices, made with boto3 in one process (a loop of aws CLI calls would take minutes) --------
say "Creating $devices virtual MFA devices on moto"
"$python" - "$endpoint" "$devices" <<'PY'
import sys
import boto3

endpoint, count = sys.argv[1], int(sys.argv[2])
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
for n in range(count):
    name = f"bench-device-{n:04d}"
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=name)["VirtualMFADevice"]["SerialNumber"]
    if n % 4 == 0:  # a quarter assigned, so the listing carries users too
        user = f"bench-user-{n:04d}"
        iam.create_user(UserName=user)
        iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
PY

ours=("$iam_mfa" --endpoint-url "$endpoint" list --output json)
theirs=("$venv/bin/aws" --endpoint-url "$endpoint" --output json iam list-virtual-mfa-devices)

# --- both list the same devices -------------------------------------------------------------------------
say "Checking that both list all $devices devices"
"$python" - "$devices" <("${ours[@]}") <("${theirs[@]}") <<'PY'
import json, sys
expected = int(sys.argv[1])
ours = {(row["serial"], row["user"]) for row in json.load(open(sys.argv[2]))}
theirs = {(d["SerialNumber"], d.get("User", {}).get("UserName"))
          for d in json.load(open(sys.argv[3]))["VirtualMFADevices"]}
if ours != theirs or len(ours) != expected:
    sys.exit(f"the listings differ: iam-mfa {len(ours)} devices, aws CLI {len(theirs)}, expected {expected}")
PY

# --- timing: alternate the two so that both see the same machine load -----------------------------------
versions="iam-mfa $("$iam_mfa" --version | awk '{print $2}'), $("$venv/bin/aws" --version 2>&1 | awk '{print $1}'), moto $MOTO_VERSION"
say "Timing $runs runs of each, alternating ($versions)"
if command -v hyperfine >/dev/null; then
    timer="hyperfine"
    hyperfine_json="$(mktemp -t iam-mfa-bench-hyperfine.XXXXXX.json)"
    hyperfine --warmup 1 --runs "$runs" --style basic --export-json "$hyperfine_json" \
        -n iam-mfa "${ours[*]}" -n "aws CLI" "${theirs[*]}" >&2
    medians="$("$python" -c 'import json, sys; r = json.load(open(sys.argv[1]))["results"]; print(r[0]["median"], r[1]["median"])' "$hyperfine_json")"
    rm -f "$hyperfine_json"
else
    timer="python time.perf_counter"
    medians="$("$python" - "$runs" "${#ours[@]}" "${ours[@]}" "${theirs[@]}" <<'PY'
import statistics, subprocess, sys, time
runs, split = int(sys.argv[1]), int(sys.argv[2])
commands = {"iam-mfa": sys.argv[3:3 + split], "aws CLI": sys.argv[3 + split:]}
def once(command):
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started
for command in commands.values():  # warm-up: page cache, moto's first-request costs
    once(command)
times = {name: [] for name in commands}
for _ in range(runs):
    for name, command in commands.items():
        times[name].append(once(command))
for name, samples in times.items():
    print(f"  {name:8} " + " ".join(f"{s * 1000:6.0f}" for s in samples) + "  ms", file=sys.stderr)
print(statistics.median(times["iam-mfa"]), statistics.median(times["aws CLI"]))
PY
)"
fi
read -r ours_median theirs_median <<<"$medians"

"$python" - "$ours_median" "$theirs_median" "$runs" "$devices" "$timer" "$versions" <<'PY'
import json, os, sys
ours, theirs = float(sys.argv[1]), float(sys.argv[2])
runs, devices, timer, versions = int(sys.argv[3]), int(sys.argv[4]), sys.argv[5], sys.argv[6]
ratio = theirs / ours
print(f"\nlist of {devices} virtual MFA devices on moto, median of {runs} runs each ({timer}):")
print(f"  iam-mfa list --output json            {ours * 1000:8.1f} ms")
print(f"  aws iam list-virtual-mfa-devices      {theirs * 1000:8.1f} ms")
print(f"  iam-mfa is {ratio:.1f}x faster (aim: at least 5x)")
result_file = os.environ.get("BENCH_RESULT_FILE")
if result_file:
    with open(result_file, "w") as out:
        json.dump({"devices": devices, "runs": runs, "timer": timer, "versions": versions,
                   "iam_mfa_median_ms": ours * 1000, "aws_cli_median_ms": theirs * 1000,
                   "ratio": ratio}, out)
PY
