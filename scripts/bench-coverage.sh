#!/usr/bin/env bash
# Benchmark (not a test): `iam-mfa audit --output json` on one moto server holding USERS users (default
# 1000; half with a console password, a third with a virtual MFA device), against
#   - the floor: the same requests the audit makes (ListUsers, GetAccountSummary, ListVirtualMFADevices,
#     Generate/GetCredentialReport, a ListMFADevices per user), sent by boto3 from 8 threads with nothing
#     done with the answers (boto3's own cost included, so the true floor is lower still);
#   - the other source of console passwords: one GetLoginProfile per user, 8 in flight (boto3);
#   - a boto3 script that answers IAM.5 the way most scripts do (report, then ListMFADevices per user).
# Prints the median of RUNS runs of each. Installs moto into .venv, starts it on loopback, builds --release.
# Environment: RUNS (default 5), USERS (default 1000), BENCH_RESULT_FILE (if set, the figures as JSON).
set -euo pipefail

runs="${RUNS:-5}"
users="${USERS:-1000}"

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
only_loopback_aws
export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_DEFAULT_REGION=us-east-1

say "Creating $users users on moto"
"$python" - "$endpoint" "$users" <<'PY'
import sys
import boto3
endpoint, count = sys.argv[1], int(sys.argv[2])
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1")
for n in range(count):
    user = f"cov-user-{n:04d}"
    iam.create_user(UserName=user)
    if n % 2 == 0:
        iam.create_login_profile(UserName=user, Password="Correct-Horse-9")
    if n % 3 == 0:
        serial = iam.create_virtual_mfa_device(VirtualMFADeviceName=user)["VirtualMFADevice"]["SerialNumber"]
        iam.enable_mfa_device(UserName=user, SerialNumber=serial,
                              AuthenticationCode1="123456", AuthenticationCode2="654321")
PY

"$python" - "$runs" "$endpoint" "$iam_mfa" "$users" <<'PY'
import json, os, statistics, subprocess, sys, time
from concurrent.futures import ThreadPoolExecutor
import boto3

runs, endpoint, iam_mfa, users = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
iam = boto3.client("iam", endpoint_url=endpoint, region_name="us-east-1",
                   config=boto3.session.Config(max_pool_connections=8))

def names():
    pages = iam.get_paginator("list_users").paginate(PaginationConfig={"PageSize": 1000})
    return [u["UserName"] for page in pages for u in page["Users"]]

def floor():
    with ThreadPoolExecutor(8) as pool:
        first = [pool.submit(names), pool.submit(iam.get_account_summary),
                 pool.submit(iam.list_virtual_mfa_devices, MaxItems=1000),
                 pool.submit(iam.generate_credential_report)]
        listed = first[0].result()
        report = pool.submit(iam.get_credential_report)
        list(pool.map(lambda u: iam.list_mfa_devices(UserName=u), listed))
        report.result()

def login_profiles():
    def one(user):
        try:
            iam.get_login_profile(UserName=user)
        except iam.exceptions.NoSuchEntityException:
            pass
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(one, names()))

def boto3_script():
    iam.generate_credential_report()
    rows = iam.get_credential_report()["Content"].decode().splitlines()[1:]
    console = [r.split(",")[0] for r in rows if r.split(",")[3] == "true"]
    with ThreadPoolExecutor(8) as pool:
        devices = list(pool.map(lambda u: iam.list_mfa_devices(UserName=u)["MFADevices"], console))
    return [u for u, d in zip(console, devices) if not d]

def audit():
    done = subprocess.run([iam_mfa, "--endpoint-url", endpoint, "audit", "--output", "json"],
                          stdout=subprocess.PIPE, check=False)
    if done.returncode not in (0, 3):
        sys.exit(f"iam-mfa audit failed with {done.returncode}")
    return json.loads(done.stdout)

# Same answer first: IAM.5's failing users are the boto3 script's.
ours = sorted(f["principal"] for c in audit()["controls"] if c["id"] == "IAM.5" for f in c["failing"])
theirs = sorted(boto3_script())
if ours != theirs:
    sys.exit(f"IAM.5 differs: iam-mfa {len(ours)} failing, boto3 script {len(theirs)}")

cases = {"iam-mfa audit": audit, "floor (same requests, boto3, 8 threads)": floor,
         "GetLoginProfile per user (boto3, 8 threads)": login_profiles,
         "boto3 IAM.5 script": boto3_script}
times = {name: [] for name in cases}
for _ in range(runs):
    for name, run in cases.items():
        started = time.perf_counter()
        run()
        times[name].append(time.perf_counter() - started)
medians = {name: statistics.median(samples) for name, samples in times.items()}
print(f"\naudit of {users} users on moto, median of {runs} runs each:")
for name, median in medians.items():
    print(f"  {name:45} {median * 1000:8.1f} ms")
ratio = medians["iam-mfa audit"] / medians["floor (same requests, boto3, 8 threads)"]
print(f"  iam-mfa audit / floor: {ratio:.2f} (aim: at most 1.2)")
result_file = os.environ.get("BENCH_RESULT_FILE")
if result_file:
    with open(result_file, "w") as out:
        json.dump({"users": users, "runs": runs,
                   "medians_ms": {k: v * 1000 for k, v in medians.items()}, "ratio": ratio}, out)
PY
