#!/usr/bin/env bash
# Checks the QR code in real terminal emulators, as a phone would: each terminal runs `iam-mfa --demo`
# under Xvfb, xdotool types the way to the QR step (and `f` or `m`), ImageMagick's `import` takes a
# screenshot of the screen, and zbarimg (ZBar, a decoder independent of the app and of rqrr) reads it.
# Prints one line per case: the terminal, the view, and what was read (or "no code").
#
# Needs (Debian): xvfb xdotool imagemagick zbar-tools xterm kitty fonts-dejavu-core tmux, and mesa's
# software OpenGL for kitty. Not part of scripts/test.sh: it takes a minute and a display server.
#
#   scripts/qr-terminals.sh [path/to/iam-mfa]      (default: target/debug/iam-mfa)
#
# Screenshots are left in $OUT (default /tmp/iam-mfa-qr-terminals); they hold demo seeds only.
set -euo pipefail

BIN=$(realpath "${1:-target/debug/iam-mfa}")
OUT=${OUT:-/tmp/iam-mfa-qr-terminals}
DISPLAY_NUMBER=${DISPLAY_NUMBER:-:97}
mkdir -p "$OUT"
export DISPLAY=$DISPLAY_NUMBER LANG=C.UTF-8 LIBGL_ALWAYS_SOFTWARE=1

Xvfb "$DISPLAY" -screen 0 1800x1100x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
XVFB=$!
trap 'kill $XVFB 2>/dev/null || true' EXIT
sleep 1

DARK=(-bg '#1e1e1e' -fg '#d0d0d0')
KITTY_DARK=(-o background='#1e1e1e' -o foreground='#d0d0d0')
FONT=(-fa 'DejaVu Sans Mono')

# type KEYS, then wait SECONDS
type_keys() { xdotool type --delay 30 "$1"; sleep "${2:-0.8}"; }
enter() { xdotool key Return; sleep "${1:-1}"; }

# case NAME CLASS VIEW_KEYS -- command...: starts the terminal, walks to the QR step as admin for
# priya.raman (no devices), presses VIEW_KEYS ("" for the panel), screenshots and decodes.
check() {
    local name=$1 class=$2 view=$3
    shift 4
    "$@" >"$OUT/$name.log" 2>&1 &
    local terminal=$!
    sleep 5
    local window
    window=$(xdotool search --class "$class" | head -1)
    xdotool windowfocus --sync "$window"
    type_keys a 1
    type_keys priya 1
    enter; enter; enter 1.5
    if [[ -n $view ]]; then type_keys "$view" 1.5; fi
    import -window root "$OUT/$name.png"
    local read
    read=$(zbarimg -q --raw "$OUT/$name.png" 2>/dev/null | sed -E 's/secret=[A-Z2-7]{64}/secret=<64 Base32>/') || true
    printf '%-34s %s\n' "$name" "${read:-no code}"
    kill "$terminal" 2>/dev/null || true
    wait "$terminal" 2>/dev/null || true
    sleep 0.5
}

XTERM=(xterm -u8 "${FONT[@]}")
KITTY=(kitty --config NONE -o remember_window_size=no -o font_family='DejaVu Sans Mono' "${KITTY_DARK[@]}")
kitty_size() { echo "-o initial_window_width=${1}c -o initial_window_height=${2}c"; }

# Half blocks, light and dark, panel and full screen.
check xterm-light-80x24-panel xterm "" -- "${XTERM[@]}" -fs 12 -geometry 80x24+0+0 -e "$BIN" --demo --qr blocks
check xterm-light-80x24-full-screen xterm f -- "${XTERM[@]}" -fs 12 -geometry 80x24+0+0 -e "$BIN" --demo --qr blocks
check xterm-dark-80x24-full-screen xterm f -- "${XTERM[@]}" "${DARK[@]}" -fs 12 -geometry 80x24+0+0 -e "$BIN" --demo --qr blocks
check xterm-dark-100x32-panel xterm "" -- "${XTERM[@]}" "${DARK[@]}" -fs 10 -geometry 100x32+0+0 -e "$BIN" --demo --qr blocks
# Sixel: xterm as a VT340 answers 4 in its device attributes.
check xterm-vt340-sixel-80x24-panel xterm "" -- "${XTERM[@]}" -ti vt340 "${DARK[@]}" -fs 12 -geometry 80x24+0+0 -e "$BIN" --demo
check xterm-vt340-sixel-80x24-full xterm f -- "${XTERM[@]}" -ti vt340 "${DARK[@]}" -fs 12 -geometry 80x24+0+0 -e "$BIN" --demo
# Line spacing: xterm's scaleHeight leaves gaps between lines; half blocks fail, full-size modules scan.
check xterm-spaced-110x48-half-blocks xterm f -- "${XTERM[@]}" "${DARK[@]}" -fs 8 -xrm 'XTerm*scaleHeight: 1.5' -geometry 110x48+0+0 -e "$BIN" --demo --qr blocks
check xterm-spaced-110x48-full-size xterm m -- "${XTERM[@]}" "${DARK[@]}" -fs 8 -xrm 'XTerm*scaleHeight: 1.5' -geometry 110x48+0+0 -e "$BIN" --demo --qr blocks
# Kitty graphics protocol, and kitty with half blocks.
# shellcheck disable=SC2046
check kitty-image-80x24-panel kitty "" -- "${KITTY[@]}" $(kitty_size 80 24) -o font_size=12 "$BIN" --demo
# shellcheck disable=SC2046
check kitty-image-80x24-full-screen kitty f -- "${KITTY[@]}" $(kitty_size 80 24) -o font_size=12 "$BIN" --demo
# shellcheck disable=SC2046
check kitty-blocks-80x24-full-screen kitty f -- "${KITTY[@]}" $(kitty_size 80 24) -o font_size=12 "$BIN" --demo --qr blocks
# tmux (3.3a: no Sixel) inside kitty: no image goes past tmux; half blocks through tmux's own drawing.
printf 'set -g status off\n' >"$OUT/tmux.conf"
# shellcheck disable=SC2046
check kitty-tmux-80x24-full-screen kitty f -- "${KITTY[@]}" $(kitty_size 80 24) -o font_size=12 \
    tmux -L iam-mfa-qr-check -f "$OUT/tmux.conf" new -- "$BIN" --demo
tmux -L iam-mfa-qr-check kill-server 2>/dev/null || true
