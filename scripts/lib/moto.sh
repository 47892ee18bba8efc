# Shared by scripts/test.sh and the benchmarks (source it; it defines functions and sets no options).
# The repository's own Python tools in .venv, and a moto IAM server on a free loopback port.

readonly MOTO_VERSION="5.2.5"
# The aws CLI: a client other than ours, for tests/cli.rs and the list benchmark.
readonly AWSCLI_VERSION="1.46.2"
readonly MOTO_READY_TIMEOUT_SECONDS=30

say() { printf '\n==> %s\n' "$*" >&2; }
die() { printf '\nerror: %s\n' "$*" >&2; exit 1; }

# venv_with PACKAGE==VERSION...: creates REPO/.venv if needed and installs each pinned package that is
# missing or at another version. Sets `venv` and `python`.
venv_with() {
    venv="$repo_root/.venv"
    python="$venv/bin/python"
    if [[ ! -x "$python" ]]; then
        say "Creating a virtualenv in .venv"
        python3 -m venv "$venv"
    fi
    local requirement name version
    for requirement in "$@"; do
        name="${requirement%%==*}"
        version="${requirement##*==}"
        if [[ "$("$python" -c "import importlib.metadata as m; print(m.version('${name%%[*}'))" 2>/dev/null || true)" != "$version" ]]; then
            say "Installing $requirement into .venv"
            "$python" -m pip install --quiet --disable-pip-version-check "$requirement"
        fi
    done
}

# start_moto: starts moto_server from .venv on a free 127.0.0.1 port and waits until it answers.
# Sets `moto_endpoint`, `moto_pid` and `moto_log`; the caller stops it with stop_moto (in its EXIT trap).
start_moto() {
    # Ask the kernel for a free port; the small race until moto binds it is acceptable here.
    local port
    port="$("$python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')"
    moto_endpoint="http://127.0.0.1:$port"
    moto_log="$(mktemp -t iam-mfa-moto.XXXXXX.log)"
    say "Starting moto $MOTO_VERSION at $moto_endpoint (log: $moto_log)"
    "$venv/bin/moto_server" -H 127.0.0.1 -p "$port" >"$moto_log" 2>&1 &
    moto_pid=$!
    local deadline=$((SECONDS + MOTO_READY_TIMEOUT_SECONDS))
    until "$python" -c "import urllib.request; urllib.request.urlopen('$moto_endpoint/moto-api/', timeout=1)" 2>/dev/null; do
        kill -0 "$moto_pid" 2>/dev/null || { cat "$moto_log" >&2; die "moto_server exited during start-up"; }
        ((SECONDS < deadline)) || { cat "$moto_log" >&2; die "moto did not answer within ${MOTO_READY_TIMEOUT_SECONDS}s"; }
        sleep 0.2
    done
}

# stop_moto [keep-log]: stops the server started by start_moto; removes its log unless asked to keep it.
stop_moto() {
    if [[ -n "${moto_pid:-}" ]] && kill -0 "$moto_pid" 2>/dev/null; then
        kill "$moto_pid" 2>/dev/null || true
        wait "$moto_pid" 2>/dev/null || true
    fi
    if [[ "${1:-}" == keep-log ]]; then
        printf 'moto log: %s\n' "$moto_log" >&2
    else
        rm -f "${moto_log:-}"
    fi
}

# only_loopback_aws: every AWS client in this process and its children sees static test credentials and
# no profile, endpoint or instance metadata of the machine: nothing can reach real AWS.
only_loopback_aws() {
    unset AWS_PROFILE AWS_DEFAULT_PROFILE AWS_REGION AWS_DEFAULT_REGION \
        AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN \
        AWS_ENDPOINT_URL AWS_ENDPOINT_URL_IAM AWS_ENDPOINT_URL_STS \
        AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE AWS_CONTAINER_CREDENTIALS_RELATIVE_URI \
        AWS_CONTAINER_CREDENTIALS_FULL_URI
    export AWS_EC2_METADATA_DISABLED=true AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null
}
