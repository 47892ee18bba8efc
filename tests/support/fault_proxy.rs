//! The fault proxy that `scripts/test.sh` starts in front of moto (`scripts/fault_proxy.py`,
//! docs/FAULTS.md): a typed client for its control API, and clients of our own pointed at it.
//!
//! Each test opens its own [`FaultyEndpoint`] (a listener on a fresh loopback port with its own rules and
//! log), so tests running in parallel never meet each other's faults. The control API is a few JSON
//! requests, sent with a tiny HTTP/1.1 client over `std::net::TcpStream` (one connection per request).

// Not every test crate that includes `support` uses every helper here.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use aws_config::SdkConfig;
use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use iam_mfa::iam::aws::AwsIam;
use serde::Deserialize;
use serde_json::{Value, json};

use super::moto;

pub const CONTROL_VARIABLE: &str = "IAM_MFA_FAULT_PROXY";

/// The timeouts `AwsIam::connect` configures (private constants in src/iam/aws/mod.rs: keep these in
/// step with them): 3 s to connect, 10 s for one attempt, 30 s for a call with its retries.
pub const APP_CONNECT_TIMEOUT: Duration = Duration::from_secs(3);
pub const APP_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(10);
pub const APP_CALL_TIMEOUT: Duration = Duration::from_secs(30);
/// The first retry's backoff bound in the clients made here: the SDK's standard retries wait a random
/// time up to 1 s before the first retry and up to 2 s before the second (as the app's clients do); with
/// 100 ms that is up to 0.1 s and 0.2 s, so the fault tests stay quick. Attempts and outcomes are the same.
pub const TEST_INITIAL_BACKOFF: Duration = Duration::from_millis(100);

/// A fault the proxy injects into a matching request (the modes of scripts/fault_proxy.py).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fault {
    /// 500 ServiceFailure (IAM) or InternalFailure (STS); not forwarded.
    Error500,
    /// 400 Throttling, as IAM answers; not forwarded.
    Throttle,
    /// The connection closed without an answer; not forwarded.
    Drop,
    /// No answer: held until the client gives up (or [`Rule::hold`]); not forwarded.
    Hang,
    /// Forwarded to moto (it takes effect), then answered 500.
    ApplyThen500,
    /// Forwarded, then the connection closed without an answer.
    ApplyThenDrop,
    /// Forwarded, then held without an answer.
    ApplyThenHang,
    /// Forwarded, and moto's answer sent after [`Rule::hold`] (default 5 s).
    Delay,
}

impl Fault {
    /// The mode's name on the wire and in the log.
    pub fn name(self) -> &'static str {
        match self {
            Self::Error500 => "error-500",
            Self::Throttle => "throttle",
            Self::Drop => "drop",
            Self::Hang => "hang",
            Self::ApplyThen500 => "apply-then-500",
            Self::ApplyThenDrop => "apply-then-drop",
            Self::ApplyThenHang => "apply-then-hang",
            Self::Delay => "delay",
        }
    }
}

/// One rule: which requests (an action, or `"*"`, and optionally form fields) get which fault, how often.
#[derive(Debug, Clone)]
pub struct Rule {
    action: String,
    fault: Fault,
    limit: Limit,
    hold: Option<Duration>,
    matching: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Copy)]
enum Limit {
    Count(u32),
    Share { share: f64, seed: u64 },
}

impl Rule {
    /// The next matching request gets `fault`.
    pub fn new(action: &str, fault: Fault) -> Self {
        Self {
            action: action.to_string(),
            fault,
            limit: Limit::Count(1),
            hold: None,
            matching: BTreeMap::new(),
        }
    }

    /// The next `count` matching requests.
    pub fn times(mut self, count: u32) -> Self {
        self.limit = Limit::Count(count);
        self
    }

    /// Each matching request with probability `share`, decided by a generator seeded with `seed`.
    pub fn share(mut self, share: f64, seed: u64) -> Self {
        self.limit = Limit::Share { share, seed };
        self
    }

    /// How long a hang holds the connection (then closes it), or a delay holds the answer.
    pub fn hold(mut self, hold: Duration) -> Self {
        self.hold = Some(hold);
        self
    }

    /// Only requests whose form field `name` is `value` (e.g. `SerialNumber`).
    pub fn matching(mut self, name: &str, value: &str) -> Self {
        self.matching.insert(name.to_string(), value.to_string());
        self
    }

    fn to_json(&self) -> Value {
        let mut rule = json!({
            "action": self.action,
            "mode": self.fault.name(),
            "match": self.matching,
        });
        match self.limit {
            Limit::Count(count) => rule["count"] = json!(count),
            Limit::Share { share, seed } => {
                rule["share"] = json!(share);
                rule["seed"] = json!(seed);
            }
        }
        if let Some(hold) = self.hold {
            rule["hold_seconds"] = json!(hold.as_secs_f64());
        }
        rule
    }
}

/// One request the proxy saw, as its log has it.
#[derive(Debug, Clone, Deserialize)]
pub struct Seen {
    pub seq: u64,
    /// The IAM/STS action (`None` for a request without one).
    pub action: Option<String>,
    /// `iam` or `sts`, from the request's credential scope.
    pub service: Option<String>,
    /// The form fields but `Action` (MFA codes shown as `***`).
    pub params: BTreeMap<String, String>,
    /// The SDK's attempt number (1 for the first try, 2 for its first retry, ...).
    pub attempt: Option<u32>,
    /// The SDK's invocation id: the same for every attempt of one call.
    pub invocation: Option<String>,
    /// `"forward"` or the fault's name.
    pub mode: String,
    /// moto's status when the request was forwarded.
    pub moto_status: Option<u16>,
    /// What the client was answered (`None`: no answer, or still held).
    pub status: Option<u16>,
    pub outcome: String,
    /// Seconds since the endpoint opened.
    pub at: f64,
}

/// The proxy's control API.
#[derive(Debug, Clone)]
pub struct FaultProxy {
    /// `127.0.0.1:PORT`
    address: String,
}

impl FaultProxy {
    /// The proxy of `scripts/test.sh` (`IAM_MFA_FAULT_PROXY`). Fails the test, never skips it, when the
    /// proxy is not running.
    pub fn from_env() -> Self {
        let url = std::env::var(CONTROL_VARIABLE).unwrap_or_else(|_| {
            panic!(
                "{CONTROL_VARIABLE} is not set: these tests need the fault proxy in front of moto. Run \
                 scripts/test.sh, which starts both on loopback and runs every test against them."
            )
        });
        let address = url
            .strip_prefix("http://")
            .map(|rest| rest.trim_end_matches('/'))
            .filter(|address| {
                address.starts_with("127.0.0.1:") || address.starts_with("localhost:")
            })
            .unwrap_or_else(|| panic!("{CONTROL_VARIABLE} must be a loopback http URL, not {url}"));
        Self {
            address: address.to_string(),
        }
    }

    /// A new faulty endpoint for one test: its own port, no rules yet (every request forwarded).
    pub fn endpoint(&self, name: &str) -> FaultyEndpoint {
        let answer = self.call("POST", "/endpoints", Some(&json!({ "name": name })));
        let field = |key: &str| {
            answer[key]
                .as_str()
                .unwrap_or_else(|| panic!("the proxy's new endpoint has no {key}: {answer}"))
                .to_string()
        };
        FaultyEndpoint {
            url: field("url"),
            id: field("id"),
            proxy: self.clone(),
        }
    }

    /// One control request; panics (failing the test) unless the proxy answers 2xx with JSON.
    fn call(&self, method: &str, path: &str, body: Option<&Value>) -> Value {
        self.try_call(method, path, body).unwrap_or_else(|error| {
            panic!(
                "fault proxy control API at {}: {method} {path}: {error}",
                self.address
            )
        })
    }

    fn try_call(&self, method: &str, path: &str, body: Option<&Value>) -> Result<Value, String> {
        let body = body.map(Value::to_string).unwrap_or_default();
        let mut stream = TcpStream::connect(&self.address).map_err(|e| format!("connect: {e}"))?;
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .map_err(|e| format!("set a timeout: {e}"))?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\
             Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            self.address,
            body.len()
        );
        stream
            .write_all(request.as_bytes())
            .map_err(|e| format!("send: {e}"))?;
        let mut answer = String::new();
        stream
            .read_to_string(&mut answer)
            .map_err(|e| format!("read the answer: {e}"))?;
        let (head, json) = answer
            .split_once("\r\n\r\n")
            .ok_or_else(|| format!("not an HTTP answer: {answer:?}"))?;
        let status = head
            .split_whitespace()
            .nth(1)
            .and_then(|status| status.parse::<u16>().ok())
            .ok_or_else(|| format!("no status in {head:?}"))?;
        if !(200..300).contains(&status) {
            return Err(format!("HTTP {status}: {json}"));
        }
        serde_json::from_str(json).map_err(|e| format!("not JSON ({e}): {json}"))
    }
}

/// One test's endpoint on the proxy: point clients at `url`. Closed when dropped.
#[derive(Debug)]
pub struct FaultyEndpoint {
    /// `http://127.0.0.1:PORT`, for `--endpoint-url` or `SdkConfig::endpoint_url`.
    pub url: String,
    id: String,
    proxy: FaultProxy,
}

impl FaultyEndpoint {
    /// The next `count` requests for `action` (or `"*"`) get `fault`.
    pub fn fail(&self, action: &str, fault: Fault, count: u32) {
        self.add(Rule::new(action, fault).times(count));
    }

    /// Adds a rule after the ones already there (the first that fires takes a request).
    pub fn add(&self, rule: Rule) {
        self.proxy.call(
            "POST",
            &format!("/endpoints/{}/faults", self.id),
            Some(&rule.to_json()),
        );
    }

    /// Every request this endpoint saw, oldest first.
    pub fn log(&self) -> Vec<Seen> {
        let answer = self
            .proxy
            .call("GET", &format!("/endpoints/{}/log", self.id), None);
        serde_json::from_value(answer["requests"].clone())
            .unwrap_or_else(|e| panic!("the proxy's log does not parse ({e}): {answer}"))
    }

    /// The requests for one action, oldest first.
    pub fn seen(&self, action: &str) -> Vec<Seen> {
        self.log()
            .into_iter()
            .filter(|seen| seen.action.as_deref() == Some(action))
            .collect()
    }

    /// What each request for `action` got, in order: `"forward"` or a fault's name.
    pub fn modes(&self, action: &str) -> Vec<String> {
        self.seen(action)
            .into_iter()
            .map(|seen| seen.mode)
            .collect()
    }

    /// Drops the rules and the log.
    pub fn reset(&self) {
        self.proxy
            .call("POST", &format!("/endpoints/{}/reset", self.id), None);
    }

    /// A config for this endpoint: moto's static test credentials and region, the SDK's standard retries
    /// (3 attempts, as `AwsIam::connect` gets them; a shorter backoff, [`TEST_INITIAL_BACKOFF`]) and the
    /// given timeouts.
    pub fn sdk_config(&self, timeouts: TimeoutConfig) -> SdkConfig {
        moto::sdk_config()
            .to_builder()
            .endpoint_url(&self.url)
            .retry_config(RetryConfig::standard().with_initial_backoff(TEST_INITIAL_BACKOFF))
            .timeout_config(timeouts)
            .build()
    }

    /// Our IAM layer through this endpoint, with the app's timeouts and retries (but a shorter backoff).
    pub fn aws_iam(&self) -> AwsIam {
        AwsIam::from_sdk_config(&self.sdk_config(app_timeouts()))
    }
}

impl Drop for FaultyEndpoint {
    fn drop(&mut self) {
        // Best effort, never a panic (that would hide the test's own failure): the proxy closes every
        // endpoint when it stops anyway.
        let _ = self
            .proxy
            .try_call("DELETE", &format!("/endpoints/{}", self.id), None);
    }
}

/// The timeouts `AwsIam::connect` gives its clients.
pub fn app_timeouts() -> TimeoutConfig {
    TimeoutConfig::builder()
        .connect_timeout(APP_CONNECT_TIMEOUT)
        .operation_attempt_timeout(APP_ATTEMPT_TIMEOUT)
        .operation_timeout(APP_CALL_TIMEOUT)
        .build()
}
