#!/usr/bin/env python3
"""A fault-injecting HTTP proxy on loopback in front of moto, for IAM and STS query-protocol requests.

moto never loses an answer; AWS sometimes does. This proxy forwards requests to moto and, for the IAM or
STS actions it is told to, injects the faults a real client meets, so the AWS SDK's own retries run into
"the call took effect but its answer was lost" (docs/FAULTS.md shows what each fault does to our adapter).
Python standard library only; run it with the repository's .venv python (scripts/test.sh starts it).

    .venv/bin/python scripts/fault_proxy.py --moto http://127.0.0.1:5000 --port 5001 \
        --fault CreateVirtualMFADevice=apply-then-500:1
    iam-mfa --endpoint-url http://127.0.0.1:5001

Isolation: one listener per test. The control API creates *faulty endpoints*, each a listener of its own
on a fresh loopback port with its own rules and its own log; a test points its clients at its endpoint's
URL, so tests running in parallel against one moto never meet each other's faults. (Rules keyed by the
SigV4 access key id were the other choice; they break as soon as a test switches credentials, e.g. to the
ASIA... keys of an MFA session from GetSessionToken, and moto gives any unknown key the same default
account 123456789012 anyway.) `--port` opens one endpoint named "default" for use by hand.

Which action a request is: the `Action` field of its form body (or query string). Its service (iam or
sts, for the XML namespace of an injected error) comes from the credential scope of its SigV4
Authorization header. Requests are forwarded unchanged (Host header included, so moto's signature checks
still pass); moto's own paths such as /moto-api/ pass through like any other request with no action.

Modes (what a matching request gets):
    error-500        500 with an AWS-shaped XML error, ServiceFailure (IAM) or InternalFailure (STS);
                     not forwarded
    throttle         400 Throttling "Rate exceeded", as IAM answers; not forwarded
    drop             the connection is closed without an answer; not forwarded
    hang             no answer: the connection is held for hold_seconds (then closed, like drop) or until
                     the client closes it; not forwarded
    apply-then-500   forwarded to moto (so it takes effect), moto's answer discarded, 500 as error-500
    apply-then-drop  forwarded, then the connection is closed without an answer
    apply-then-hang  forwarded, then held as hang (the attempt timeout of a call that took effect)
    delay            forwarded at once, moto's answer sent hold_seconds later (a slow answer); if the
                     client closes first, nothing is sent
A request no rule takes is forwarded and answered with moto's answer (mode "forward" in the log).

Rules: {"action": NAME or "*", "mode": MODE, then "count": N (the next N matching requests; the default
is 1) or "share": P (each matching request with probability P, 0 <= P <= 1, for as long as the rule
lives) with "seed": S (default 0: the sequence of decisions repeats from run to run; which request gets
which decision still depends on the order requests arrive in), optionally "hold_seconds": T (hang,
apply-then-hang, delay; the default holds a hang until the client closes, at most 600 s, and delays 5 s)
and "match": {"PARAM": "VALUE", ...} (only requests whose form fields have these values, e.g.
{"SerialNumber": "arn:aws:iam::123456789012:mfa/x"})}. Rules are tried in the order they were added; the
first one that matches and decides to fire takes the request. A count rule that is used up stays in the
list with "remaining": 0.

Control API (JSON over HTTP on the control port, loopback only):
    GET    /health                      {"ok": true, "moto": URL, "endpoints": N}
    POST   /endpoints                   {"name": optional} -> 201 {"id", "name", "url", "port"}
    GET    /endpoints                   {"endpoints": [...]}
    DELETE /endpoints/ID                closes the endpoint's listener and drops its rules and log
    POST   /endpoints/ID/faults         a rule as above -> 201 {"rule": INDEX}
    GET    /endpoints/ID/faults         {"rules": [... with "remaining" and "fired"]}
    GET    /endpoints/ID/log            {"requests": [...]}, oldest first
    POST   /endpoints/ID/reset          drops the endpoint's rules and log
    /faults, /log, /reset               the same for the "default" endpoint (--port)
Each log entry: {"seq", "at" (seconds since the endpoint opened), "action" (null without one),
"service", "params" (form fields; AuthenticationCode1/2 and TokenCode are shown as "***"), "attempt" (the
SDK's attempt number from its amz-sdk-request header, else null), "invocation" (amz-sdk-invocation-id:
the same for every attempt of one call), "mode" ("forward" or the fault), "rule" (index or null),
"moto_status" (moto's HTTP status when forwarded, else null), "status" (what the client was answered,
null for none; while a request is still held it is null too) and "outcome"}. A malformed control request
gets 400 (404 for an unknown endpoint) with {"error": MESSAGE}.

Start-up: the control API listens on --control-port (0, the default, picks a free port). Once it does,
the proxy prints "control URL" (and "endpoint default URL" with --port) on stdout and, with
--ready-file FILE, writes the control URL into FILE (atomically). SIGTERM or SIGINT stops it.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import select
import signal
import socket
import sys
import threading
import time
import urllib.parse
import uuid
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LOOPBACK = "127.0.0.1"
MODES = (
    "error-500",
    "throttle",
    "drop",
    "hang",
    "apply-then-500",
    "apply-then-drop",
    "apply-then-hang",
    "delay",
)
FORWARDING_MODES = {"apply-then-500", "apply-then-drop", "apply-then-hang", "delay"}
HOLDING_MODES = {"hang", "apply-then-hang", "delay"}
# A hang without hold_seconds lasts until the client gives up, but never longer than this.
MAX_HOLD_SECONDS = 600.0
DEFAULT_DELAY_SECONDS = 5.0
MOTO_TIMEOUT_SECONDS = 60.0
# Longer than the idle time of the SDK's connection pool (90 s), so the client closes idle connections
# first and never reuses one this side has just closed (that would look like an injected drop).
IDLE_CONNECTION_SECONDS = 300.0
# Form fields that carry MFA codes: their values never reach the log (shown as "***").
SECRET_FIELDS = {"AuthenticationCode1", "AuthenticationCode2", "TokenCode"}
HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}
# The SigV4 credential scope: Credential=AKID/DATE/REGION/SERVICE/aws4_request.
CREDENTIAL_SCOPE = re.compile(r"Credential=[^/,\s]+/[^/]+/[^/]+/([^/]+)/aws4_request")
STS_ACTIONS = {
    "AssumeRole",
    "AssumeRoleWithSAML",
    "AssumeRoleWithWebIdentity",
    "AssumeRoot",
    "DecodeAuthorizationMessage",
    "GetAccessKeyInfo",
    "GetCallerIdentity",
    "GetFederationToken",
    "GetSessionToken",
}
NAMESPACES = {
    "iam": "https://iam.amazonaws.com/doc/2010-05-08/",
    "sts": "https://sts.amazonaws.com/doc/2011-06-15/",
}
UNKNOWN_FAILURE = "The request processing has failed because of an unknown error, exception or failure."


def is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


class BadRequest(Exception):
    """A malformed control request: answered 400 (or 404) with its message."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


@dataclass
class Rule:
    action: str
    mode: str
    count: int | None
    share: float | None
    seed: int
    hold_seconds: float | None
    match: dict[str, str]
    fired: int = 0
    rng: random.Random = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    @classmethod
    def parse(cls, spec: object) -> Rule:
        if not isinstance(spec, dict):
            raise BadRequest("a rule is a JSON object")
        unknown = set(spec) - {"action", "mode", "count", "share", "seed", "hold_seconds", "match"}
        if unknown:
            raise BadRequest(f"unknown rule fields: {', '.join(sorted(unknown))}")
        action = spec.get("action")
        if not isinstance(action, str) or not action:
            raise BadRequest('"action" must be an action name or "*"')
        mode = spec.get("mode")
        if mode not in MODES:
            raise BadRequest(f'"mode" must be one of {", ".join(MODES)}')
        count, share = spec.get("count"), spec.get("share")
        if count is not None and share is not None:
            raise BadRequest('give "count" or "share", not both')
        if share is None:
            count = 1 if count is None else count
            if not isinstance(count, int) or isinstance(count, bool) or count < 0:
                raise BadRequest('"count" must be a whole number >= 0')
        elif not is_number(share) or not 0 <= share <= 1:
            raise BadRequest('"share" must be a number from 0 to 1')
        seed = spec.get("seed", 0)
        if not isinstance(seed, int) or isinstance(seed, bool):
            raise BadRequest('"seed" must be a whole number')
        hold = spec.get("hold_seconds")
        if hold is not None:
            if mode not in HOLDING_MODES:
                raise BadRequest(f'"hold_seconds" is for {", ".join(sorted(HOLDING_MODES))} only')
            if not is_number(hold) or not 0 <= hold <= MAX_HOLD_SECONDS:
                raise BadRequest(f'"hold_seconds" must be a number from 0 to {MAX_HOLD_SECONDS:g}')
        match = spec.get("match", {})
        if not isinstance(match, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in match.items()
        ):
            raise BadRequest('"match" must be an object of form fields and their string values')
        return cls(action, mode, count, None if share is None else float(share), seed, hold, match)

    def matches(self, action: str | None, params: dict[str, str]) -> bool:
        if self.action != "*" and self.action != action:
            return False
        return all(params.get(name) == value for name, value in self.match.items())

    def fires(self) -> bool:
        """Decides for one matching request (the caller holds the endpoint's lock)."""
        if self.share is None:
            if not self.count:
                return False
            self.count -= 1
        elif self.rng.random() >= self.share:
            return False
        self.fired += 1
        return True

    def describe(self, index: int) -> dict:
        limit = {"remaining": self.count} if self.share is None else {"share": self.share, "seed": self.seed}
        return {
            "rule": index,
            "action": self.action,
            "mode": self.mode,
            **limit,
            "hold_seconds": self.hold_seconds,
            "match": self.match,
            "fired": self.fired,
        }


class Endpoint:
    """One faulty endpoint: a listener on its own port, with its own rules and log."""

    def __init__(self, endpoint_id: str, name: str, moto: urllib.parse.SplitResult, port: int = 0):
        self.id = endpoint_id
        self.name = name
        self.moto = moto
        self.rules: list[Rule] = []
        self.log: list[dict] = []
        self.lock = threading.Lock()
        self.closing = threading.Event()
        self.opened = time.monotonic()
        self.server = ThreadingHTTPServer((LOOPBACK, port), ProxyHandler)
        self.server.daemon_threads = True
        self.server.endpoint = self  # type: ignore[attr-defined]
        self.port = self.server.server_address[1]
        self.url = f"http://{LOOPBACK}:{self.port}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, name=f"endpoint-{endpoint_id}", daemon=True
        )
        self.thread.start()

    def describe(self) -> dict:
        return {"id": self.id, "name": self.name, "url": self.url, "port": self.port}

    def add_rule(self, rule: Rule) -> int:
        with self.lock:
            self.rules.append(rule)
            return len(self.rules) - 1

    def decide(self, entry: dict) -> Rule | None:
        """Picks the rule that takes this request, and logs the request with it."""
        with self.lock:
            chosen = None
            for index, rule in enumerate(self.rules):
                if rule.matches(entry["action"], entry["params"]) and rule.fires():
                    chosen = rule
                    entry.update(mode=rule.mode, rule=index)
                    break
            entry.update(seq=len(self.log) + 1, at=round(time.monotonic() - self.opened, 3))
            self.log.append(entry)
            return chosen

    def finish(self, entry: dict, **fields: object) -> None:
        with self.lock:
            entry.update(fields)

    def snapshot(self) -> dict:
        with self.lock:
            return {"requests": [dict(entry) for entry in self.log]}

    def faults(self) -> dict:
        with self.lock:
            return {"rules": [rule.describe(index) for index, rule in enumerate(self.rules)]}

    def reset(self) -> None:
        with self.lock:
            self.rules.clear()
            self.log.clear()

    def close(self) -> None:
        self.closing.set()
        self.server.shutdown()
        self.server.server_close()


def error_body(service: str, kind: str, code: str, message: str) -> bytes:
    namespace = NAMESPACES.get(service, NAMESPACES["iam"])
    return (
        f'<ErrorResponse xmlns="{namespace}">'
        f"<Error><Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>"
        f"<RequestId>{uuid.uuid4()}</RequestId></ErrorResponse>"
    ).encode()


class ProxyHandler(BaseHTTPRequestHandler):
    """Forwards one request to moto, or applies the fault a rule gives it."""

    protocol_version = "HTTP/1.1"
    timeout = IDLE_CONNECTION_SECONDS
    server_version = "fault_proxy"

    @property
    def endpoint(self) -> Endpoint:
        return self.server.endpoint  # type: ignore[attr-defined]

    def do_GET(self) -> None:  # noqa: N802 (the http.server naming)
        self.proxy()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass  # One line per request is printed by proxy() instead.

    def read_body(self) -> bytes | None:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return None
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def proxy(self) -> None:
        body = self.read_body()
        if body is None:
            self.answer(501, b"chunked request bodies are not supported", "text/plain")
            self.close_connection = True
            return
        entry = self.describe_request(body)
        rule = self.endpoint.decide(entry)
        mode = rule.mode if rule else "forward"
        moto_answer = None
        if rule is None or mode in FORWARDING_MODES:
            moto_answer = self.forward(body)
            self.endpoint.finish(entry, moto_status=moto_answer[0] if moto_answer else None)
        if moto_answer is None and mode in ("forward", "delay"):
            status = self.answer(502, b"moto did not answer", "text/plain")
            outcome = "moto did not answer: 502"
        elif mode in ("error-500", "apply-then-500"):
            code = "InternalFailure" if entry["service"] == "sts" else "ServiceFailure"
            message = f"{UNKNOWN_FAILURE} [fault_proxy: {mode}]"
            status = self.answer_error(entry["service"], 500, "Receiver", code, message)
            outcome = f"answered 500 {code}"
        elif mode == "throttle":
            message = "Rate exceeded [fault_proxy: throttle]"
            status = self.answer_error(entry["service"], 400, "Sender", "Throttling", message)
            outcome = "answered 400 Throttling"
        elif mode in ("drop", "apply-then-drop"):
            status, outcome = None, self.hang_up()
        elif mode in ("hang", "apply-then-hang"):
            held = self.hold(rule.hold_seconds if rule.hold_seconds is not None else MAX_HOLD_SECONDS)
            status, outcome = None, f"{held}; {self.hang_up()}"
        elif mode == "delay":
            hold = rule.hold_seconds if rule.hold_seconds is not None else DEFAULT_DELAY_SECONDS
            held = self.hold(hold)
            if held.startswith("client closed"):
                status, outcome = None, f"{held}; moto's answer not sent"
            else:
                status = self.pass_on(moto_answer)
                outcome = f"{held}; moto's answer sent"
        else:
            status = self.pass_on(moto_answer)
            outcome = "moto's answer sent"
        self.endpoint.finish(entry, status=status, outcome=outcome)
        print(
            f"[{self.endpoint.name}] #{entry['seq']} {entry['action'] or self.path} "
            f"attempt={entry['attempt']} {mode}: {outcome}",
            flush=True,
        )

    def describe_request(self, body: bytes) -> dict:
        query = urllib.parse.urlsplit(self.path).query
        fields = urllib.parse.parse_qs(query, keep_blank_values=True) | urllib.parse.parse_qs(
            body.decode("utf-8", "replace"), keep_blank_values=True
        )
        params = {name: "***" if name in SECRET_FIELDS else values[0] for name, values in fields.items()}
        action = params.pop("Action", None)
        scope = CREDENTIAL_SCOPE.search(self.headers.get("Authorization", ""))
        if scope:
            service = scope.group(1)
        elif action:
            service = "sts" if action in STS_ACTIONS else "iam"
        else:
            service = None
        attempt = re.search(r"attempt=(\d+)", self.headers.get("amz-sdk-request", ""))
        return {
            "action": action,
            "service": service,
            "params": params,
            "attempt": int(attempt.group(1)) if attempt else None,
            "invocation": self.headers.get("amz-sdk-invocation-id"),
            "mode": "forward",
            "rule": None,
            "moto_status": None,
            "status": None,
            "outcome": "in progress",
        }

    def forward(self, body: bytes) -> tuple[int, list[tuple[str, str]], bytes] | None:
        moto = self.endpoint.moto
        headers = {name: value for name, value in self.headers.items() if name.lower() not in HOP_BY_HOP}
        connection = http.client.HTTPConnection(moto.hostname, moto.port, timeout=MOTO_TIMEOUT_SECONDS)
        try:
            # The Host header goes as the client sent it: the SigV4 signature covers it.
            connection.request(self.command, self.path, body=body, headers=headers)
            response = connection.getresponse()
            return response.status, response.getheaders(), response.read()
        except OSError as error:
            print(f"[{self.endpoint.name}] moto failed: {error}", file=sys.stderr, flush=True)
            return None
        finally:
            connection.close()

    def pass_on(self, answer: tuple[int, list[tuple[str, str]], bytes]) -> int:
        status, headers, body = answer
        self.send_response(status)
        for name, value in headers:
            if name.lower() not in HOP_BY_HOP | {"content-length", "server", "date"}:
                self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.write(body)
        return status

    def answer_error(self, service: str | None, status: int, kind: str, code: str, message: str) -> int:
        return self.answer(status, error_body(service or "iam", kind, code, message), "text/xml")

    def answer(self, status: int, body: bytes, content_type: str) -> int:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amzn-RequestId", str(uuid.uuid4()))
        self.end_headers()
        self.write(body)
        return status

    def write(self, body: bytes) -> None:
        if self.command != "HEAD":
            self.wfile.write(body)

    def hold(self, seconds: float) -> str:
        """Holds the connection without answering until `seconds` pass or the client closes it."""
        started = time.monotonic()
        while not self.endpoint.closing.is_set():
            remaining = started + seconds - time.monotonic()
            if remaining <= 0:
                return f"held {seconds:g}s"
            readable, _, _ = select.select([self.connection], [], [], min(remaining, 0.2))
            if readable:
                try:
                    closed = not self.connection.recv(65536)
                except OSError:
                    closed = True
                if closed:
                    return f"client closed after {time.monotonic() - started:.1f}s"
        return "endpoint closed"

    def hang_up(self) -> str:
        """Closes the connection without an answer."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        return "connection closed without an answer"


class Proxy:
    """The endpoints, and the control API's operations on them."""

    def __init__(self, moto: urllib.parse.SplitResult):
        self.moto = moto
        self.endpoints: dict[str, Endpoint] = {}
        self.lock = threading.Lock()
        self.next_id = 1

    def open(self, name: str | None, port: int = 0, endpoint_id: str | None = None) -> Endpoint:
        with self.lock:
            if endpoint_id is None:
                endpoint_id = str(self.next_id)
                self.next_id += 1
            endpoint = Endpoint(endpoint_id, name or f"endpoint-{endpoint_id}", self.moto, port)
            self.endpoints[endpoint_id] = endpoint
            return endpoint

    def get(self, endpoint_id: str) -> Endpoint:
        with self.lock:
            endpoint = self.endpoints.get(endpoint_id)
        if endpoint is None:
            raise BadRequest(f"no endpoint {endpoint_id}", 404)
        return endpoint

    def close(self, endpoint_id: str) -> None:
        endpoint = self.get(endpoint_id)
        with self.lock:
            self.endpoints.pop(endpoint_id, None)
        # In the background: stopping a listener waits for its next poll (up to half a second), and a test
        # closes its endpoint as it ends.
        threading.Thread(target=endpoint.close, daemon=True).start()

    def stop(self) -> None:
        """Ends every held request; the process exits next, which closes every listener."""
        with self.lock:
            for endpoint in self.endpoints.values():
                endpoint.closing.set()

    def handle(self, method: str, path: str, body: object) -> tuple[int, object]:
        """One control request: returns (status, JSON answer)."""
        parts = [part for part in urllib.parse.urlsplit(path).path.split("/") if part]
        if parts and parts[0] in ("faults", "log", "reset"):
            parts = ["endpoints", "default", *parts]
        match method, parts:
            case "GET", ["health"]:
                with self.lock:
                    count = len(self.endpoints)
                return 200, {"ok": True, "moto": self.moto.geturl(), "endpoints": count}
            case "POST", ["endpoints"]:
                name = body.get("name") if isinstance(body, dict) else None
                if name is not None and not isinstance(name, str):
                    raise BadRequest('"name" must be a string')
                return 201, self.open(name).describe()
            case "GET", ["endpoints"]:
                with self.lock:
                    endpoints = [endpoint.describe() for endpoint in self.endpoints.values()]
                return 200, {"endpoints": endpoints}
            case "DELETE", ["endpoints", endpoint_id]:
                self.close(endpoint_id)
                return 200, {"closed": endpoint_id}
            case "POST", ["endpoints", endpoint_id, "faults"]:
                endpoint = self.get(endpoint_id)
                return 201, {"rule": endpoint.add_rule(Rule.parse(body))}
            case "GET", ["endpoints", endpoint_id, "faults"]:
                return 200, self.get(endpoint_id).faults()
            case "GET", ["endpoints", endpoint_id, "log"]:
                return 200, self.get(endpoint_id).snapshot()
            case "POST", ["endpoints", endpoint_id, "reset"]:
                self.get(endpoint_id).reset()
                return 200, {"reset": endpoint_id}
        raise BadRequest(f"no such control request: {method} {path}", 404)


class ControlHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "fault_proxy-control"

    def do_GET(self) -> None:  # noqa: N802
        self.control()

    do_POST = do_DELETE = do_GET

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002
        pass

    def control(self) -> None:
        proxy: Proxy = self.server.proxy  # type: ignore[attr-defined]
        try:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw.strip() else {}
            except ValueError as error:
                raise BadRequest(f"the body is not JSON: {error}") from error
            status, answer = proxy.handle(self.command, self.path, body)
        except BadRequest as error:
            status, answer = error.status, {"error": str(error)}
        data = json.dumps(answer).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def cli_rule(spec: str, seed: int, hold: float | None) -> Rule:
    """ACTION=MODE[:COUNT] or ACTION=MODE@SHARE, from --fault."""
    action, _, rest = spec.partition("=")
    if "@" in rest:
        mode, _, share = rest.partition("@")
        limit: dict = {"share": float(share), "seed": seed}
    else:
        mode, _, count = rest.partition(":")
        limit = {"count": int(count)} if count else {}
    rule: dict = {"action": action, "mode": mode, **limit}
    if hold is not None and mode in HOLDING_MODES:
        rule["hold_seconds"] = hold
    return Rule.parse(rule)


def main() -> int:
    parser = argparse.ArgumentParser(
        description="A fault-injecting proxy on 127.0.0.1 in front of moto (see this file's header).",
    )
    parser.add_argument("--moto", required=True, help="moto's URL, e.g. http://127.0.0.1:5000")
    parser.add_argument("--control-port", type=int, default=0, help="the control API's port (0: a free one)")
    parser.add_argument("--ready-file", help="write the control URL into this file once it listens")
    parser.add_argument("--port", type=int, help='open an endpoint "default" on this port (0: a free one)')
    parser.add_argument(
        "--fault",
        action="append",
        default=[],
        metavar="ACTION=MODE[:COUNT|@SHARE]",
        help='a rule for the "default" endpoint, e.g. EnableMFADevice=apply-then-drop:1 or "*=throttle@0.3"',
    )
    parser.add_argument("--seed", type=int, default=0, help="the seed of --fault share rules")
    parser.add_argument(
        "--hold", type=float, help="hold_seconds of --fault hang, apply-then-hang and delay rules"
    )
    args = parser.parse_args()

    moto = urllib.parse.urlsplit(args.moto)
    if moto.scheme != "http" or not moto.hostname or not moto.port:
        parser.error("--moto must be an http://HOST:PORT URL")
    if args.fault and args.port is None:
        parser.error("--fault needs --port (the endpoint the rules are for)")
    try:
        rules = [cli_rule(spec, args.seed, args.hold) for spec in args.fault]
    except (BadRequest, ValueError) as error:
        parser.error(f"--fault: {error}")

    proxy = Proxy(moto)
    control = ThreadingHTTPServer((LOOPBACK, args.control_port), ControlHandler)
    control.daemon_threads = True
    control.proxy = proxy  # type: ignore[attr-defined]
    control_url = f"http://{LOOPBACK}:{control.server_address[1]}"
    print(f"control {control_url}", flush=True)
    if args.port is not None:
        default = proxy.open("default", args.port, endpoint_id="default")
        for rule in rules:
            default.add_rule(rule)
        print(f"endpoint default {default.url}", flush=True)
    if args.ready_file:
        partial = f"{args.ready_file}.partial"
        with open(partial, "w", encoding="utf-8") as ready:
            ready.write(control_url + "\n")
        os.replace(partial, args.ready_file)

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(0)  # Leaves serve_forever at once.

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        control.serve_forever()
    finally:
        proxy.stop()
        control.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
