#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the moto IAM stand-in into .venv, starts it on a free
# loopback port, runs the whole cargo test suite against it, and fails if the moto tests did not run.
# With no arguments it runs `cargo test --lib --bins --tests` (benches are left to `cargo bench`). With
# arguments, moto is started the same way and they go to `cargo test` instead, to run a part:
# `scripts/test.sh --test e2e_flows`, `scripts/test.sh --lib wizard`. Either way with the `moto` feature,
# which turns on the tests that need the server (a plain `cargo test` leaves them out).
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=scripts/lib/moto.sh
source scripts/lib/moto.sh

# moto, and the aws CLI (tests/cli.rs makes its moto devices with a client other than ours).
venv_with "moto[server]==$MOTO_VERSION" "awscli==$AWSCLI_VERSION"
output_log="$(mktemp -t iam-mfa-test.XXXXXX.log)"
cleanup() {
    local status=$?
    rm -f "$output_log"
    # Keep moto's and the fault proxy's logs only when something failed.
    local keep=""
    ((status == 0)) || keep=keep-log
    stop_fault_proxy "$keep"
    stop_moto "$keep"
}
trap cleanup EXIT
start_moto
# In front of moto, for tests/aws_faults.rs: each test opens its own faulty endpoint (docs/FAULTS.md).
start_fault_proxy

# tests/cli.rs renders the generated man page with `man -l`; Debian's slim images leave man-db out.
if ! command -v man >/dev/null; then
    if ((EUID == 0)) && command -v apt-get >/dev/null; then
        say "Installing man-db (for the man page test)"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq man-db >/dev/null
    else
        say "man is missing and this is no root shell on Debian: the man page test will skip"
    fi
fi
# Where man exists the test must run, never skip.
if command -v man >/dev/null; then
    export IAM_MFA_REQUIRE_MAN=1
fi

# The test environment: moto only, never real AWS.
only_loopback_aws
export IAM_MFA_MOTO_ENDPOINT="$moto_endpoint"
export IAM_MFA_FAULT_PROXY="$fault_proxy_control"

if (($# > 0)); then
    say "cargo test --features moto $*"
    cargo test --features moto "$@"
    exit
fi

say "cargo test --features moto --lib --bins --tests --no-fail-fast"
# --no-fail-fast: every target runs, so one run shows every failure. tee keeps the output live; the copy
# is checked below (pipefail gives cargo's status, not tee's).
cargo_status=0
cargo test --features moto --lib --bins --tests --no-fail-fast 2>&1 | tee "$output_log" || cargo_status=$?

# libtest prints "Running tests/aws_moto.rs (...)" and then "test result: ok. N passed; M failed; K ignored;
# ..." for it. Without the moto feature its tests are ignored, not failed: so none may be ignored either.
read -r moto_passed moto_ignored < <(awk '
    /^ *Running / { in_moto = ($0 ~ /tests\/aws_moto\.rs/) }
    in_moto && /^test result:/ {
        for (i = 1; i <= NF; i++) {
            if ($i ~ /^passed;?$/) passed = $(i - 1)
            if ($i ~ /^ignored;?$/) ignored = $(i - 1)
        }
        print passed + 0, ignored + 0; exit
    }
' "$output_log") || true
if [[ -z "${moto_passed:-}" || "$moto_passed" -eq 0 || "${moto_ignored:-0}" -ne 0 ]]; then
    die "the moto tests (tests/aws_moto.rs) did not run: ${moto_passed:-0} passed, ${moto_ignored:-0} ignored"
fi
say "moto tests passed: $moto_passed"

# Doc tests: only when some doc comment holds a code block (cargo would only print an empty run).
doc_status=0
if grep -rqE '^\s*//[/!]\s*```' src; then
    say "cargo test --doc"
    cargo test --doc || doc_status=$?
else
    say "No doc tests in src/: skipping cargo test --doc"
fi

((cargo_status == 0)) || die "cargo test failed (exit status $cargo_status): see the failures above"
((doc_status == 0)) || die "cargo test --doc failed (exit status $doc_status)"
say "All tests passed"
