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

readonly MOTO_VERSION="5.2.5"
readonly READY_TIMEOUT_SECONDS=30
users="${USERS_SCREEN_USERS:-1000}"
export USERS_SCREEN_USERS="$users"

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

say() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

# --- moto (and boto3) in the repository's virtualenv ----------------------------------------------------
venv="$repo_root/.venv"
python="$venv/bin/python"
if [[ ! -x "$python" ]]; then
    say "Creating a virtualenv in .venv"
    python3 -m venv "$venv"
fi
installed() { "$python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true; }
if [[ "$(installed moto)" != "$MOTO_VERSION" || ! -x "$venv/bin/moto_server" || -z "$(installed boto3)" ]]; then
    say "Installing moto[server]==$MOTO_VERSION into .venv"
    "$python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi

# Built before moto starts, so that compiling does not compete with it or count against its start-up.
say "Building the users_screen benchmark"
cargo bench --quiet --bench users_screen --no-run

# --- moto on a free loopback port ---------------------------------------------------------------------
port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
endpoint="http://127.0.0.1:$port"
moto_log="$(mktemp -t iam-mfa-bench-moto.XXXXXX.log)"
say "Starting moto $MOTO_VERSION at $endpoint (log: $moto_log)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$moto_log" 2>&1 &
moto_pid=$!
cleanup() {
    if kill -0 "$moto_pid" 2>/dev/null; then
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
    fi
    rm -f "$moto_log"
}
trap cleanup EXIT

deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
until "$python" -c "import urllib.request; urllib.request.urlopen('$endpoint/moto-api/', timeout=1)" 2>/dev/null; do
    kill -0 "$moto_pid" 2>/dev/null || { cat "$moto_log" >&2; die "moto_server exited during start-up"; }
    ((SECONDS < deadline)) || { cat "$moto_log" >&2; die "moto did not answer within ${READY_TIMEOUT_SECONDS}s"; }
    sleep 0.2
done

# boto3 and the benchmark see only moto and static test credentials, never a real profile.
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1
export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_SESSION_TOKEN \
    AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS

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
