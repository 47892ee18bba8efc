#!/usr/bin/env bash
# Benchmark (not a test): the Users screen on moto with N users (default 1000) while IAM throttles a share
# of the calls (default 20 %), against the same screen without faults and against the floor, all in one
# run on one moto:
#   - the floor: the same HTTP requests (ListUsers, ListVirtualMFADevices, one ListMFADevices per user),
#     bare, 8 at a time on keep-alive connections, no SDK and no app (what moto and the path cost);
#   - the Users screen, no faults: `cargo bench --bench users_screen` through a fault-proxy endpoint
#     with no rules (the same path as the floor);
#   - the Users screen, throttled: through an endpoint that answers Throttling to THROTTLE_SHARE of every
#     request (seeded), so the SDK's backoff and the screen's stepping-down cap both work.
# The benchmark asserts that every MFA column filled and none failed, on every run.
#
# Installs moto (PyPI) into .venv; starts moto and scripts/fault_proxy.py on free loopback ports.
# Environment: THROTTLE_USERS (default 1000), THROTTLE_SHARE (default 0.2), THROTTLE_RUNS (default 3),
# BENCH_RESULT_FILE (if set, the figures as JSON). With --update-benchmarks, also rewrites this
# benchmark's section of BENCHMARKS.md (scripts/bench.sh writes the whole file the same way).
set -euo pipefail

users="${THROTTLE_USERS:-1000}"
share="${THROTTLE_SHARE:-0.2}"
runs="${THROTTLE_RUNS:-3}"
update_benchmarks=false
[[ "${1:-}" == --update-benchmarks ]] && update_benchmarks=true

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

# shellcheck source=scripts/lib/moto.sh
source scripts/lib/moto.sh
venv_with "moto[server]==$MOTO_VERSION"

say "Building the users_screen benchmark"
cargo bench --quiet --bench users_screen --no-run

result="$(mktemp -t iam-mfa-bench-throttle.XXXXXX.json)"
screen_result="$(mktemp -t iam-mfa-bench-throttle-screen.XXXXXX.json)"
cleanup() {
    stop_fault_proxy
    stop_moto
    rm -f "$result" "$screen_result"
}
trap cleanup EXIT
start_moto
start_fault_proxy

only_loopback_aws
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1

say "Creating $users users on moto (every third with a virtual MFA device)"
"$python" - "$moto_endpoint" "$users" <<'PY'
import sys
import boto3

endpoint, users = sys.argv[1], int(sys.argv[2])
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
for n in range(users):
    user = f"bench-user-{n:04d}"
    iam.create_user(UserName=user)
    if n % 3 == 0:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=f"{user}-mfa")["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
PY

# Two endpoints on the proxy: one forwards everything, one throttles a seeded share of every request.
read -r clean_url throttled_url <<<"$("$python" - "$fault_proxy_control" "$share" <<'PY'
import json, sys, urllib.request
control, share = sys.argv[1], float(sys.argv[2])
def call(path, body):
    request = urllib.request.Request(control + path, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    return json.load(urllib.request.urlopen(request, timeout=5))
clean = call("/endpoints", {"name": "bench-clean"})
throttled = call("/endpoints", {"name": "bench-throttled"})
call(f"/endpoints/{throttled['id']}/faults", {"action": "*", "mode": "throttle", "share": share, "seed": 1})
print(clean["url"], throttled["url"])
PY
)"

say "The floor: the same requests, bare HTTP, 8 at a time ($runs runs after one warm-up)"
floor_ms="$("$python" - "$clean_url" "$runs" <<'PY'
import http.client, statistics, sys, threading, time, urllib.parse, re
url, runs = urllib.parse.urlparse(sys.argv[1]), int(sys.argv[2])
# moto reads the account from the access key in the SigV4 scope; the signature itself is not checked.
auth = ("AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/iam/aws4_request, "
        "SignedHeaders=host, Signature=0")
headers = {"Content-Type": "application/x-www-form-urlencoded; charset=utf-8", "Authorization": auth}
def post(conn, body):
    conn.request("POST", "/", body=body, headers=headers)
    answer = conn.getresponse()
    data = answer.read()
    if answer.status != 200:
        sys.exit(f"{body}: HTTP {answer.status}: {data[:200]!r}")
    return data
def once():
    started = time.perf_counter()
    conn = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    listed = post(conn, "Action=ListUsers&Version=2010-05-08&MaxItems=1000")
    names = re.findall(rb"<UserName>([^<]+)</UserName>", listed)
    post(conn, "Action=ListVirtualMFADevices&Version=2010-05-08&AssignmentStatus=Assigned&MaxItems=1000")
    queue, lock = list(names), threading.Lock()
    def worker():
        own = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
        while True:
            with lock:
                if not queue:
                    return
                name = queue.pop().decode()
            post(own, f"Action=ListMFADevices&Version=2010-05-08&UserName={urllib.parse.quote(name)}")
    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (time.perf_counter() - started) * 1000, len(names)
once()
samples = [once() for _ in range(runs)]
times = sorted(ms for ms, _ in samples)
print(f"  floor: {' '.join(f'{ms:.0f}' for ms in times)} ms ({samples[0][1]} users)", file=sys.stderr)
print(f"{statistics.median(times)} {times[0]} {times[-1]}")
PY
)"

say "cargo bench --bench users_screen: no faults, and $share of the requests throttled"
IAM_MFA_BENCH_ENDPOINTS="no faults=$clean_url;throttled=$throttled_url" \
    USERS_SCREEN_RUNS="$runs" USERS_SCREEN_USERS="$users" BENCH_RESULT_FILE="$screen_result" \
    cargo bench --quiet --bench users_screen

"$python" - "$screen_result" "$result" "$floor_ms" "$share" "$runs" "$MOTO_VERSION" <<'PY'
import json, sys
screen = json.load(open(sys.argv[1]))
out, (median, low, high), share, runs, moto = sys.argv[2], map(float, sys.argv[3].split()), float(sys.argv[4]), int(sys.argv[5]), sys.argv[6]
accounts = {account["name"]: account for account in screen["accounts"]}
result = {
    "runs": runs, "share": share, "moto_version": moto, "max_in_flight": screen["max_in_flight"],
    "floor_ms": {"median": median, "min": low, "max": high},
    "clean": accounts["no faults"], "throttled": accounts["throttled"],
}
json.dump(result, open(out, "w"))
clean, throttled = result["clean"], result["throttled"]
print(f"\nUsers screen on moto, {clean['users']} users, median of {runs} runs:")
print(f"  floor (bare HTTP, 8 at a time)   {median:8.0f} ms")
print(f"  no faults                        {clean['filled_ms']['median']:8.0f} ms")
print(f"  {share:.0%} of requests throttled        {throttled['filled_ms']['median']:8.0f} ms"
      f" ({sum(throttled['http_requests'].values())} HTTP requests, cap down to {throttled['lowest_cap']})")
PY

if [[ -n "${BENCH_RESULT_FILE:-}" ]]; then
    cp "$result" "$BENCH_RESULT_FILE"
fi
if $update_benchmarks; then
    "$python" scripts/lib/throttle_section.py "$result" --replace-in BENCHMARKS.md
    say "BENCHMARKS.md: the throttling section rewritten"
fi
