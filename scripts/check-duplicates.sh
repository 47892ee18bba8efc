#!/usr/bin/env bash
# Fails when `cargo tree -d` shows a crate in two versions that scripts/duplicates-allowed.txt does not
# name (each duplicate there has its reason), and when a named one is gone, so the list stays true.
# Versions are compared as Cargo keeps them apart (0.10 and 0.11, 1 and 2): a routine patch update
# inside one is not a new duplicate. Reads the locked graph; builds nothing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

cargo tree --locked --duplicates --depth 0 --prefix none --edges normal,build,dev \
    | python3 -c '
import collections, re, sys

def line_of_versions(version):
    major, minor, _ = version.split(".", 2)
    return major if major != "0" else f"0.{minor}"

found = collections.defaultdict(set)
for line in sys.stdin:
    match = re.match(r"(\S+) v(\d+\.\d+\.\d+)", line)
    if match:
        found[match[1]].add(line_of_versions(match[2]))
found = {name: lines for name, lines in found.items() if len(lines) > 1}

allowed = {}
for number, line in enumerate(open("scripts/duplicates-allowed.txt", encoding="utf-8"), 1):
    line = line.strip()
    if not line or line.startswith("#"):
        continue
    words = line.split()
    versions = []
    for word in words[1:]:
        if not re.fullmatch(r"\d+(\.\d+)?", word):
            break
        versions.append(word)
    if len(versions) < 2 or len(words) == 1 + len(versions):
        sys.exit(f"check-duplicates: duplicates-allowed.txt line {number}: want a crate, its versions and why")
    allowed[words[0]] = set(versions)

def shown(lines):
    return " ".join(sorted(lines, key=lambda v: [int(p) for p in v.split(".")]))

problems = []
for name, lines in sorted(found.items()):
    if name not in allowed:
        problems.append(f"new duplicate: {name} {shown(lines)} (`cargo tree -i {name}@<version>` says who wants each)")
    elif lines != allowed[name]:
        problems.append(f"{name} is now {shown(lines)}, the list says {shown(allowed[name])}")
for name in sorted(set(allowed) - set(found)):
    problems.append(f"{name} is no longer duplicated: remove its line from scripts/duplicates-allowed.txt")
if problems:
    sys.exit("check-duplicates: " + "\ncheck-duplicates: ".join(problems))
print(f"check-duplicates: {len(found)} crates in two versions, each listed with its reason")
'
