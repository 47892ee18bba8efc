#!/usr/bin/env bash
# Benchmark (not a test): the Users screen on an account with 1,000 IAM users. Starts moto on a free
# loopback port, creates the users and their virtual MFA devices there with boto3, then runs
# `cargo bench --bench users_screen`, which opens the screen on that account and on the demo account made
# just as big, and prints the times, the calls per operation and the peak number in flight.
#
# The devices, per user n (benches/users_screen.rs makes the same on the demo account): every third user
# one virtual device, every 250th three, the last user eight (IAM's most). moto cannot make hardware TOTP
# tokens or passkeys (only virtual devices can be created through the API), so there are none here.
#
# Installs moto (PyPI; boto3 comes with it) into .venv. Environment: USERS_SCREEN_USERS (default 1000),
# USERS_SCREEN_RUNS (default 5), BENCH_RESULT_FILE (if set, the figures as JSON).
set -euo pipefail

users="${USERS_SCREEN_USERS:-1000}"
export USERS_SCREEN_USERS="$users"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=scripts/lib/moto.sh
source scripts/lib/moto.sh
venv_with "moto[server]==$MOTO_VERSION"

# Built before moto starts, so that compiling does not compete with it or count against its start-up.
say "Building the users_screen benchmark"
cargo bench --quiet --bench users_screen --no-run

trap stop_moto EXIT
start_moto
endpoint="$moto_endpoint"

# boto3 and the benchmark see only moto and static test credentials, never a real profile.
only_loopback_aws
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1

# --- the users and their devices, with boto3 in one process (a loop of aws CLI calls would take minutes) ---
say "Creating $users users and their virtual MFA devices on moto"
"$python" - "$endpoint" "$users" <<'PY'
import sys
import boto3

endpoint, users = sys.argv[1], int(sys.argv[2])
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")

def virtual_devices_of(n):  # as in benches/users_screen.rs
    if n + 1 == users:
        return 8
    if n % 250 == 0:
        return 3
    return 1 if n % 3 == 0 else 0

devices = 0
for n in range(users):
    user = f"bench-user-{n:04d}"
    iam.create_user(UserName=user)
    for k in range(virtual_devices_of(n)):
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user}-mfa-{k}")["VirtualMFADevice"]["SerialNumber"]
        # moto accepts any codes; real IAM would want two consecutive TOTP codes.
        iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
        devices += 1
print(f"{users} users, {devices} virtual MFA devices assigned", file=sys.stderr)
PY

say "cargo bench --bench users_screen"
IAM_MFA_BENCH_ENDPOINT="$endpoint" cargo bench --quiet --bench users_screen

# The benchmark does not know which moto it talked to; the section in BENCHMARKS.md names it.
if [[ -n "${BENCH_RESULT_FILE:-}" ]]; then
    "$python" - "$BENCH_RESULT_FILE" "$MOTO_VERSION" <<'PY'
import json, sys
path, moto_version = sys.argv[1], sys.argv[2]
result = json.load(open(path))
result["moto_version"] = moto_version
json.dump(result, open(path, "w"))
PY
fi
