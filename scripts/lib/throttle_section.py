"""The "Users screen under throttling" section of BENCHMARKS.md, from scripts/bench-throttle.sh's JSON.

    python3 scripts/lib/throttle_section.py RESULT.json                        # prints the section
    python3 scripts/lib/throttle_section.py RESULT.json --replace-in BENCHMARKS.md

scripts/bench.sh prints it into the file it writes; --replace-in swaps the section of an existing file
(or appends it), so that this one benchmark can be run again on its own.
"""

import json
import sys

HEADING = "## Users screen under throttling"


def spread(figures):
    return f'{figures["median"]:,.0f} ms ({figures["min"]:,.0f}–{figures["max"]:,.0f})'


def section(result):
    clean, throttled, floor = result["clean"], result["throttled"], result["floor_ms"]
    share = result["share"]
    requests = lambda account: sum((account["http_requests"] or {}).values())
    slowdown = throttled["filled_ms"]["median"] / clean["filled_ms"]["median"]
    over_floor = clean["filled_ms"]["median"] / floor["median"]
    return f"""{HEADING}

`scripts/bench-throttle.sh`: one moto {result["moto_version"]} with {clean["users"]:,} users ({clean["devices"]} virtual MFA devices
assigned) behind `scripts/fault_proxy.py`; the Users screen opened as in the section above
(`cargo bench --bench users_screen`), {result["runs"]} runs after one warm-up, through an endpoint with no
faults and through one that answers Throttling to {share:.0%} of every request (seeded), and the floor:
the same requests as bare HTTP, {result["max_in_flight"]} at a time on keep-alive connections, no SDK, through the
same proxy. Every run ended with every MFA column filled and none failed. Times are median (min–max).

| run | every MFA column filled | HTTP requests | lowest in-flight cap |
|---|---:|---:|---:|
| floor (bare HTTP) | {spread(floor)} | {clean["users"] + 2:,} | – |
| no faults | {spread(clean["filled_ms"])} | {requests(clean):,} | {clean["lowest_cap"]} |
| {share:.0%} throttled | {spread(throttled["filled_ms"])} | {requests(throttled):,} | {throttled["lowest_cap"]} |

Without faults the screen takes {over_floor:.1f}x the floor (the SDK's signing and parsing, the app, drawing).
With {share:.0%} of the requests throttled it takes {slowdown:.1f}x as long as without: the SDK retries each
throttled attempt after a backoff of up to 1 s (then 2 s), and a listing throttled on all 3 attempts
halves the screen's cap on calls out at once (`src/app/manage/request_cap.rs`) and goes back in the
queue; the cap steps back up by one after 8 answers without Throttling. The IAM client has a retry
budget of its own (`src/iam/aws/retries.rs`) so that this much throttling never empties the SDK's
retry token bucket.
"""


def main():
    result = json.load(open(sys.argv[1]))
    text = section(result)
    if len(sys.argv) == 4 and sys.argv[2] == "--replace-in":
        path = sys.argv[3]
        old = open(path).read()
        start = old.find(HEADING)
        if start < 0:
            new = old.rstrip("\n") + "\n\n" + text
        else:
            end = old.find("\n## ", start + len(HEADING))
            new = old[:start] + text + ("" if end < 0 else old[end:])
        open(path, "w").write(new)
    else:
        print(text, end="")


if __name__ == "__main__":
    main()
