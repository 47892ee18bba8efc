#!/usr/bin/env bash
# Runs every test on a fresh machine: installs the moto IAM stand-in into .venv, starts it on a free
# loopback port, runs the whole cargo test suite against it, and fails if the moto tests did not run.
# Extra arguments go to `cargo test --lib --bins --tests` (benches are left to `cargo bench`), e.g. `scripts/test.sh -- --nocapture`.
set -euo pipefail

readonly MOTO_VERSION="5.2.5"
# The aws CLI: tests/cli.rs makes its moto devices with it, a client other than ours.
readonly AWSCLI_VERSION="1.46.2"
readonly READY_TIMEOUT_SECONDS=30

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"

say() { printf '\n==> %s\n' "$*"; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

# --- moto and the aws CLI in a private virtualenv ---------------------------------------------------
venv="$repo_root/.venv"
if [[ ! -x "$venv/bin/python" ]]; then
    say "Creating a virtualenv in .venv"
    python3 -m venv "$venv"
fi
installed() { "$venv/bin/python" -c "import importlib.metadata as m; print(m.version('$1'))" 2>/dev/null || true; }
if [[ "$(installed moto)" != "$MOTO_VERSION" || ! -x "$venv/bin/moto_server" ]]; then
    say "Installing moto[server]==$MOTO_VERSION into .venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "moto[server]==$MOTO_VERSION"
fi
if [[ "$(installed awscli)" != "$AWSCLI_VERSION" || ! -x "$venv/bin/aws" ]]; then
    say "Installing awscli==$AWSCLI_VERSION into .venv"
    "$venv/bin/python" -m pip install --quiet --disable-pip-version-check "awscli==$AWSCLI_VERSION"
fi

# --- start moto on a free loopback port -------------------------------------------------------------
# Ask the kernel for a free port; the small race until moto binds it is acceptable for a test run.
port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
endpoint="http://127.0.0.1:$port"
moto_log="$(mktemp -t iam-mfa-moto.XXXXXX.log)"
output_log="$(mktemp -t iam-mfa-test.XXXXXX.log)"

say "Starting moto $MOTO_VERSION at $endpoint (log: $moto_log)"
"$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$moto_log" 2>&1 &
moto_pid=$!

cleanup() {
    local status=$?
    if kill -0 "$moto_pid" 2>/dev/null; then
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
    fi
    rm -f "$output_log"
    # Keep moto's log only when something failed.
    if ((status == 0)); then rm -f "$moto_log"; else printf 'moto log: %s\n' "$moto_log" >&2; fi
}
trap cleanup EXIT

deadline=$((SECONDS + READY_TIMEOUT_SECONDS))
until "$venv/bin/python" -c "import urllib.request, sys; urllib.request.urlopen('$endpoint/moto-api/', timeout=1)" 2>/dev/null; do
    kill -0 "$moto_pid" 2>/dev/null || { cat "$moto_log" >&2; die "moto_server exited during start-up"; }
    ((SECONDS < deadline)) || { cat "$moto_log" >&2; die "moto did not answer within ${READY_TIMEOUT_SECONDS}s"; }
    sleep 0.2
done

# --- the test environment: moto only, never real AWS ------------------------------------------------
export IAM_MFA_MOTO_ENDPOINT="$endpoint"
export AWS_EC2_METADATA_DISABLED=true
unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION \
    AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
    AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS \
    AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
    AWS_CONTAINER_CREDENTIALS_FULL_URI
# Shared config files must not leak a real profile into tests.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null

say "cargo test --lib --bins --tests --no-fail-fast $*"
# --no-fail-fast: every target runs, so one run shows every failure. tee keeps the output live; the copy
# is checked below (pipefail gives cargo's status, not tee's).
cargo_status=0
cargo test --lib --bins --tests --no-fail-fast "$@" 2>&1 | tee "$output_log" || cargo_status=$?

# libtest prints "Running tests/aws_moto.rs (...)" and then "test result: ok. N passed; ..." for it.
moto_passed="$(awk '
    /^ *Running / { in_moto = ($0 ~ /tests\/aws_moto\.rs/) }
    in_moto && /^test result:/ { for (i = 1; i <= NF; i++) if ($i ~ /^passed;?$/) { print $(i - 1); exit } }
' "$output_log")"
if [[ -z "$moto_passed" || "$moto_passed" -eq 0 ]]; then
    die "the moto tests (tests/aws_moto.rs) did not run: 0 passed (check the filter arguments)"
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
