"""Drives iam-mfa on the demo account through the README's story and records it (scripts/record-demo.sh).

The app runs under `asciinema rec` inside a detached tmux session of a fixed size. Keys go in with
`tmux send-keys`, the screen comes back with `tmux capture-pane`, so the driver waits for what a person
would wait for (a title, a code) instead of sleeping blindly, and reads the demo authenticator's codes
off the screen as a person reads them off a phone.
"""

import argparse
import json
import re
import subprocess
import sys
import time
from pathlib import Path

SESSION = "iam-mfa-record"
# 36 rows: the wizard shows the QR code for a 64-character seed beside its instructions (49x25 + chrome).
COLS, ROWS = 100, 36
# Pauses a viewer needs to read a screen, in seconds (agg keeps them; --idle-time-limit caps longer ones).
GLANCE, READ = 0.8, 2.5
KEY_GAP = 0.12


def tmux(*args: str) -> str:
    # A server of our own (socket and config), so no status line takes a row and no user config applies.
    return subprocess.run(["tmux", "-L", SESSION, *args], check=True, capture_output=True, text=True).stdout


def screen(escapes: bool = False) -> str:
    return tmux("capture-pane", "-p", *(["-e"] if escapes else []), "-t", SESSION)


def wait_for(text: str, timeout: float = 15.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        shown = screen()
        if text in shown:
            return shown
        time.sleep(0.1)
    sys.exit(f"record_demo: {text!r} did not appear within {timeout}s; the screen was:\n{screen()}")


def press(*keys: str, pause: float = GLANCE) -> None:
    for key in keys:
        tmux("send-keys", "-t", SESSION, key)
        time.sleep(KEY_GAP)
    time.sleep(pause)


def type_text(text: str, pause: float = GLANCE) -> None:
    for ch in text:
        tmux("send-keys", "-t", SESSION, "-l", ch)
        time.sleep(KEY_GAP)
    time.sleep(pause)


def demo_codes() -> tuple[str, str]:
    """The demo authenticator's current and next code, once the current one has a few seconds left."""
    while True:
        shown = wait_for("Demo authenticator")
        now = re.search(r"Now\s+(\d{3}) (\d{3})\s+(\d+)s", shown)
        upcoming = re.search(r"Next\s+(\d{3}) (\d{3})", shown)
        if not (now and upcoming):
            sys.exit(f"record_demo: no codes on the demo panel:\n{shown}")
        if int(now.group(3)) >= 6:
            return now.group(1) + now.group(2), upcoming.group(1) + upcoming.group(2)
        time.sleep(1)


class Stills:
    """One PNG per screen: the pane with its colours, rendered by agg as a one-frame recording."""

    def __init__(self, agg: str, work: Path, out: Path):
        self.agg, self.work, self.out = agg, work, out

    def take(self, name: str) -> None:
        # No newline after the last row (it would scroll the first one away), and no cursor.
        frame = "\x1b[?25l\x1b[H\x1b[2J" + screen(escapes=True).rstrip("\n").replace("\n", "\r\n")
        cast = self.work / f"{name}.cast"
        header = {"version": 2, "width": COLS, "height": ROWS}
        cast.write_text(json.dumps(header) + "\n" + json.dumps([0.0, "o", frame]) + "\n")
        gif = self.work / f"{name}.gif"
        render(self.agg, cast, gif, ["--last-frame-duration", "0"])
        from PIL import Image  # installed into .venv by record-demo.sh

        with Image.open(gif) as image:
            image.convert("RGB").save(self.out / f"{name}.png", optimize=True)


def render(agg: str, cast: Path, gif: Path, extra: list[str]) -> None:
    subprocess.run(
        [agg, "--theme", "monokai", "--renderer", "resvg", "--font-size", "14", "--line-height", "1.0", "--font-family", "DejaVu Sans Mono", *extra,
         str(cast), str(gif)],
        check=True,
        capture_output=True,
    )


def story(stills: Stills) -> None:
    wait_for("Assign MFA device")
    time.sleep(READ)
    stills.take("home")

    # The wizard, as the console's "Assign MFA device" has it: user, name, type, QR, two codes.
    press("a")
    wait_for("Choose the user")
    type_text("sam", pause=GLANCE)
    stills.take("wizard-user")
    press("Enter")
    wait_for("Name the device")
    press("Enter")
    wait_for("Choose the device type")
    press("1")
    wait_for("Scan the QR code", timeout=20)
    time.sleep(READ)
    stills.take("wizard-qr")
    press("Enter")
    wait_for("Enter two consecutive codes")
    press("F2", pause=GLANCE)
    code1, code2 = demo_codes()
    type_text(code1, pause=0.4)
    type_text(code2, pause=GLANCE)
    stills.take("wizard-codes")
    press("Enter")
    wait_for("Done", timeout=20)
    time.sleep(READ)
    stills.take("wizard-done")
    press("Enter")
    wait_for("Assign MFA device")

    press("u")
    wait_for("Users")
    time.sleep(READ)
    stills.take("users")
    press("Escape")
    wait_for("Assign MFA device")

    if "Coverage" in screen():
        press("c")
        wait_for("IAM.5")
        time.sleep(READ)
        stills.take("coverage")
        press("Escape")
        wait_for("Assign MFA device")
    press("q", pause=0.5)


def main() -> None:
    parser = argparse.ArgumentParser()
    for name in ("binary", "asciinema", "agg", "work", "gif", "screens"):
        parser.add_argument(f"--{name}", required=True)
    args = parser.parse_args()
    work = Path(args.work)
    cast = work / "demo.cast"
    app = f"{args.binary} --demo --qr blocks"
    config = work / "tmux.conf"
    config.write_text("set -g status off\nset -g default-terminal xterm-256color\n")
    subprocess.run(["tmux", "-L", SESSION, "kill-server"], capture_output=True)
    tmux("-f", str(config), "new-session", "-d", "-s", SESSION, "-x", str(COLS), "-y", str(ROWS),
         f"{args.asciinema} rec --quiet --overwrite --command '{app}' {cast}")
    story(Stills(args.agg, work, Path(args.screens)))
    deadline = time.monotonic() + 10
    while subprocess.run(["tmux", "-L", SESSION, "has-session", "-t", SESSION], capture_output=True).returncode == 0:
        if time.monotonic() > deadline:
            sys.exit("record_demo: the app did not quit")
        time.sleep(0.2)
    render(args.agg, cast, Path(args.gif), ["--idle-time-limit", "3", "--fps-cap", "15", "--cols", str(COLS),
                                            "--rows", str(ROWS)])


if __name__ == "__main__":
    main()
