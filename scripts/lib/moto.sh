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
    stop_background "${moto_pid:-}" "${moto_log:-}" moto "${1:-}"
}

# start_fault_proxy: starts scripts/fault_proxy.py from .venv in front of the moto of start_moto, its
# control API on a free 127.0.0.1 port, and waits until it answers. Sets `fault_proxy_control` (the
# control API's URL), `fault_proxy_pid` and `fault_proxy_log`; the caller stops it with stop_fault_proxy.
start_fault_proxy() {
    fault_proxy_log="$(mktemp -t iam-mfa-fault-proxy.XXXXXX.log)"
    local ready_file
    ready_file="$(mktemp -t iam-mfa-fault-proxy.XXXXXX.url)"
    say "Starting the fault proxy in front of moto (log: $fault_proxy_log)"
    # The proxy picks its own port and writes its control URL into ready_file once it listens: no race.
    "$python" "$repo_root/scripts/fault_proxy.py" --moto "$moto_endpoint" --ready-file "$ready_file" \
        >"$fault_proxy_log" 2>&1 &
    fault_proxy_pid=$!
    local deadline=$((SECONDS + MOTO_READY_TIMEOUT_SECONDS))
    fault_proxy_control=""
    until [[ -s "$ready_file" ]] && fault_proxy_control="$(<"$ready_file")" &&
        "$python" -c "import urllib.request; urllib.request.urlopen('$fault_proxy_control/health', timeout=1)" 2>/dev/null; do
        kill -0 "$fault_proxy_pid" 2>/dev/null || { cat "$fault_proxy_log" >&2; die "the fault proxy exited during start-up"; }
        ((SECONDS < deadline)) || { cat "$fault_proxy_log" >&2; die "the fault proxy did not answer within ${MOTO_READY_TIMEOUT_SECONDS}s"; }
        sleep 0.1
    done
    rm -f "$ready_file"
    say "Fault proxy control API at $fault_proxy_control"
}

# stop_fault_proxy [keep-log]: stops the proxy started by start_fault_proxy; removes its log unless asked
# to keep it.
stop_fault_proxy() {
    stop_background "${fault_proxy_pid:-}" "${fault_proxy_log:-}" "fault proxy" "${1:-}"
}

# stop_background PID LOG WHAT [keep-log]: stops a server this script started, then removes its log or
# names it.
stop_background() {
    local pid="$1" log="$2" what="$3"
    if [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    fi
    if [[ "${4:-}" == keep-log ]]; then
        [[ -z "$log" ]] || printf '%s log: %s\n' "$what" "$log" >&2
    else
        rm -f "$log"
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
