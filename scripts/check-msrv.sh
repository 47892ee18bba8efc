#!/usr/bin/env bash
# Fails when Cargo.toml's rust-version (and the README's "Rust X or later") is not the highest
# rust-version that a locked dependency declares: a dependency update that raises the MSRV must raise
# ours with it, so that a user on an older toolchain gets Cargo's clear message instead of a wall of errors.
# Reads `cargo metadata` (the locked graph, every target platform); builds nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo metadata --format-version 1 --locked | python3 -c '
import json, re, sys

def version(text):
    return tuple(int(part) for part in text.split("."))

def shown(parts):
    return ".".join(str(part) for part in parts)

metadata = json.load(sys.stdin)
ours = metadata["workspace_members"]
root = next(p for p in metadata["packages"] if p["id"] in ours)
declared = root.get("rust_version")
if not declared:
    sys.exit("check-msrv: Cargo.toml has no rust-version")

# Every package the lock resolves for us (normal, build and dev dependencies, all platforms).
resolved = {node["id"] for node in metadata["resolve"]["nodes"]} - set(ours)
needs = [(version(p["rust_version"]), p["name"], p["version"])
         for p in metadata["packages"] if p["id"] in resolved and p.get("rust_version")]
highest = max(needs)
problems = []
if version(declared) != highest[0]:
    problems.append(
        f"Cargo.toml says rust-version = \"{declared}\", but {highest[1]} {highest[2]} declares "
        f"{shown(highest[0])}: set rust-version = \"{shown(highest[0])}\"")
readme = open("README.md", encoding="utf-8").read()
said = re.search(r"Rust (?:toolchain )?\(?(\d+\.\d+(?:\.\d+)?) or later", readme)
if not said or version(said.group(1)) != highest[0]:
    found = repr(said.group(0)) if said else "nothing of the kind"
    problems.append(f"README.md must say \"Rust {shown(highest[0])} or later\" (it says {found})")
if problems:
    sys.exit("check-msrv: " + "\ncheck-msrv: ".join(problems))
print(f"check-msrv: rust-version {declared} is the highest any locked dependency declares "
      f"({highest[1]} {highest[2]})")
'
