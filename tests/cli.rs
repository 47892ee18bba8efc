//! The command line without a terminal: `iam-mfa list` on the demo account and against moto, and how bad
//! input fails (non-zero, one line on stderr, never a panic or a backtrace).
//!
//! The binary runs with a clean environment (no AWS variable, an empty HOME), so nothing is read from the
//! developer's AWS set-up and no call leaves loopback.

// The moto helpers are shared with tests/aws_moto.rs; this file uses some of them.
#[allow(dead_code)]
mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::moto;

const DEMO_ACCOUNT: &str = "210987654321";

const BINARY: &str = env!("CARGO_BIN_EXE_iam-mfa");

/// The binary with a clean environment and an empty HOME (kept alive by the returned guard).
fn iam_mfa(args: &[&str]) -> (Command, tempfile::TempDir) {
    in_clean_env(BINARY, args)
}

/// `program` (the binary, or a shell that runs it) with the clean environment of [`iam_mfa`].
fn in_clean_env(program: &str, args: &[&str]) -> (Command, tempfile::TempDir) {
    let home = tempfile::tempdir().expect("a temporary HOME");
    let mut command = Command::new(program);
    command
        .args(args)
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", home.path().join(".aws/config"))
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join(".aws/credentials"),
        )
        // A panic would print a backtrace: the checks below would see it.
        .env("RUST_BACKTRACE", "1");
    (command, home)
}

fn run(args: &[&str]) -> Output {
    let (mut command, _home) = iam_mfa(args);
    command.output().expect("run iam-mfa")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

/// Runs a `list` that must succeed and parses its JSON output.
fn list_json(args: &[&str]) -> Vec<Value> {
    let output = run(args);
    assert!(
        output.status.success(),
        "{args:?} failed: {}",
        stderr(&output)
    );
    let json: Value = serde_json::from_str(&stdout(&output)).unwrap_or_else(|error| {
        panic!(
            "{args:?} printed invalid JSON ({error}):\n{}",
            stdout(&output)
        )
    });
    json.as_array().expect("a JSON array of devices").clone()
}

fn serial_ending(rows: &[Value], name: &str) -> Value {
    let suffix = format!(":mfa/{name}");
    rows.iter()
        .find(|row| {
            row["serial"]
                .as_str()
                .is_some_and(|serial| serial.ends_with(&suffix))
        })
        .unwrap_or_else(|| panic!("no device {name} in {rows:#?}"))
        .clone()
}

/// Non-zero, nothing on stdout, exactly one line on stderr from us, and no sign of a panic.
fn assert_one_line_failure(output: &Output) -> String {
    let err = stderr(output);
    assert!(
        !output.status.success(),
        "expected a failure, got success; stdout:\n{}",
        stdout(output)
    );
    assert!(
        output.stdout.is_empty(),
        "stdout on failure:\n{}",
        stdout(output)
    );
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "not one line on stderr:\n{err}"
    );
    assert!(err.starts_with("iam-mfa: "), "not our message:\n{err}");
    for sign in ["panicked", "backtrace", "RUST_BACKTRACE"] {
        assert!(!err.contains(sign), "{sign:?} on stderr:\n{err}");
    }
    err
}

// --- list on the demo account --------------------------------------------------------------------

#[test]
fn demo_list_json_holds_the_virtual_devices() {
    let rows = list_json(&["list", "--demo", "--output", "json"]);
    assert!(rows.len() >= 10, "too few devices: {rows:#?}");
    for row in &rows {
        let serial = row["serial"].as_str().expect("serial is a string");
        assert!(
            serial.starts_with(&format!("arn:aws:iam::{DEMO_ACCOUNT}:mfa/")),
            "{serial}"
        );
        assert_eq!(row["kind"], "virtual", "{row}");
        assert!(row["user"].is_string() || row["user"].is_null(), "{row}");
    }
    assert_eq!(
        serial_ending(&rows, "alice.nguyen-iphone")["user"],
        "alice.nguyen"
    );
    let orphan = serial_ending(&rows, "emma.schmidt");
    assert!(
        orphan["user"].is_null(),
        "an unassigned device has a user: {orphan}"
    );
    assert!(orphan["enabled_at"].is_null(), "{orphan}");
}

#[test]
fn demo_list_filters_by_assignment() {
    let unassigned = list_json(&[
        "list",
        "--demo",
        "--assignment",
        "unassigned",
        "--output",
        "json",
    ]);
    assert!(!unassigned.is_empty());
    assert!(
        unassigned.iter().all(|row| row["user"].is_null()),
        "{unassigned:#?}"
    );

    let assigned = list_json(&[
        "list",
        "--demo",
        "--assignment",
        "assigned",
        "--output",
        "json",
    ]);
    assert!(!assigned.is_empty());
    assert!(
        assigned.iter().all(|row| row["user"].is_string()),
        "{assigned:#?}"
    );

    let all = list_json(&["list", "--demo", "--output", "json"]);
    assert_eq!(all.len(), assigned.len() + unassigned.len());
}

#[test]
fn demo_list_for_one_user_shows_every_kind() {
    let rows = list_json(&[
        "--demo",
        "list",
        "--user",
        "alice.nguyen",
        "--output",
        "json",
    ]);
    assert_eq!(
        rows.len(),
        8,
        "alice.nguyen is at the 8-device limit: {rows:#?}"
    );
    assert!(
        rows.iter().all(|row| row["user"] == "alice.nguyen"),
        "{rows:#?}"
    );
    let kinds: Vec<&str> = rows.iter().filter_map(|row| row["kind"].as_str()).collect();
    for kind in ["virtual", "hardware", "passkey"] {
        assert!(kinds.contains(&kind), "no {kind} device in {kinds:?}");
    }
}

#[test]
fn demo_list_table_has_aligned_columns() {
    let output = run(&["list", "--demo", "--output", "table"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let lines: Vec<Vec<char>> = text.lines().map(|line| line.chars().collect()).collect();
    let header: String = lines[0].iter().collect();
    assert!(header.starts_with("SERIAL"), "{text}");
    let starts: Vec<usize> = ["USER", "KIND", "ENABLED"]
        .iter()
        .map(|title| {
            header
                .find(title)
                .unwrap_or_else(|| panic!("no {title} column:\n{text}"))
        })
        .collect();
    assert!(lines.len() > 10, "{text}");
    for line in &lines[1..] {
        for &start in &starts {
            // Every cell starts exactly under its title, after at least one space.
            assert!(
                line.get(start).is_some_and(|c| !c.is_whitespace()) && line[start - 1] == ' ',
                "misaligned at column {start}:\n{text}"
            );
        }
    }
    assert!(text.contains("(unassigned)"), "{text}");
}

#[test]
fn demo_list_of_an_unknown_user_fails_in_one_line() {
    let output = run(&["--demo", "list", "--user", "nobody-here"]);
    let err = assert_one_line_failure(&output);
    assert!(err.contains("nobody-here"), "{err}");
}

// --- where the output goes -----------------------------------------------------------------------

/// `iam-mfa list | head -1`: the reader is gone before we write (here it exited before we started, so the
/// first write meets EPIPE whatever the size of the output). That ends the run quietly and successfully.
#[test]
fn list_into_a_closed_pipe_ends_quietly() {
    let mut reader = Command::new("true")
        .stdin(Stdio::piped())
        .spawn()
        .expect("run true");
    let write_end = reader.stdin.take().expect("the pipe's write end");
    reader.wait().expect("true exits");
    let (mut command, _home) = iam_mfa(&["--demo", "list"]);
    let output = command
        .stdout(Stdio::from(write_end))
        .output()
        .expect("run iam-mfa");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
}

#[test]
fn list_into_a_full_disk_fails_in_one_line() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full (Linux)");
    let (mut command, _home) = iam_mfa(&["--demo", "list"]);
    let output = command
        .stdout(Stdio::from(full))
        .output()
        .expect("run iam-mfa");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "iam-mfa: cannot write the output: No space left on device (os error 28)\n"
    );
}

/// `iam-mfa list >&-`: Rust puts /dev/null on a closed stdout before `main`, which must not turn the run
/// into a silent success. A shell starts the binary with descriptor 1 closed.
#[test]
fn list_with_stdout_closed_fails_in_one_line() {
    let script = r#"exec "$0" "$@" >&-"#;
    let (mut command, _home) = in_clean_env("/bin/sh", &["-c", script, BINARY, "--demo", "list"]);
    let output = command.output().expect("run iam-mfa through sh");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stderr(&output),
        "iam-mfa: stdout is closed: nowhere to write the output (redirect it to a file)\n"
    );
}

// --- bad input -----------------------------------------------------------------------------------

#[test]
fn an_unknown_flag_fails_in_one_line() {
    let output = run(&["list", "--demo", "--frobnicate"]);
    assert_eq!(output.status.code(), Some(2));
    let err = assert_one_line_failure(&output);
    assert!(err.contains("--frobnicate"), "{err}");
}

#[test]
fn a_bad_assignment_fails_in_one_line() {
    let output = run(&["list", "--demo", "--assignment", "sometimes"]);
    let err = assert_one_line_failure(&output);
    assert!(err.contains("sometimes"), "{err}");
}

#[test]
fn demo_as_without_demo_says_it_needs_demo() {
    let output = run(&["--demo-as", "admin", "list"]);
    assert_eq!(output.status.code(), Some(2));
    assert_one_line_failure(&output);
    assert_eq!(
        stderr(&output),
        "iam-mfa: --demo-as needs --demo (see iam-mfa --help)\n"
    );
}

/// An empty endpoint URL panicked inside the SDK; a malformed one gave "Unexpected error".
#[test]
fn bad_endpoint_urls_fail_in_one_line_naming_where_they_come_from() {
    let example = "give a URL such as http://127.0.0.1:5000";
    for (args, variable, message) in [
        (
            &["--endpoint-url", "", "list"][..],
            None,
            format!("--endpoint-url is empty: {example}, or leave the option out"),
        ),
        (
            &["list"][..],
            Some("AWS_ENDPOINT_URL"),
            format!("AWS_ENDPOINT_URL is empty: {example}, or unset it"),
        ),
        (
            &["list"][..],
            Some("AWS_ENDPOINT_URL_IAM"),
            format!("AWS_ENDPOINT_URL_IAM is empty: {example}, or unset it"),
        ),
        (
            &["list"][..],
            Some("AWS_ENDPOINT_URL_STS"),
            format!("AWS_ENDPOINT_URL_STS is empty: {example}, or unset it"),
        ),
        (
            &["--endpoint-url", "127.0.0.1:5000", "list"][..],
            None,
            "--endpoint-url \"127.0.0.1:5000\" is not an http:// or https:// URL (no scheme); \
             e.g. http://127.0.0.1:5000"
                .to_string(),
        ),
    ] {
        let (mut command, _home) = iam_mfa(args);
        command
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing");
        if let Some(variable) = variable {
            command.env(variable, "");
        }
        let output = command.output().expect("run iam-mfa");
        assert_eq!(output.status.code(), Some(1), "{args:?} {variable:?}");
        assert_one_line_failure(&output);
        assert_eq!(stderr(&output), format!("iam-mfa: {message}\n"));
    }
}

/// A typo in --profile used to end in an instance-metadata or "no credentials" error.
#[test]
fn a_missing_profile_is_named_with_the_profiles_that_exist() {
    let (mut command, home) = iam_mfa(&["--profile", "nosuch", "list"]);
    let aws = home.path().join(".aws");
    std::fs::create_dir(&aws).unwrap();
    std::fs::write(
        aws.join("config"),
        "[default]\nregion = eu-west-1\n[profile admin]\nregion = us-east-1\n[sso-session corp]\n",
    )
    .unwrap();
    std::fs::write(aws.join("credentials"), "[ci]\naws_access_key_id = x\n").unwrap();
    let output = command.output().expect("run iam-mfa");
    assert_eq!(output.status.code(), Some(1));
    assert_one_line_failure(&output);
    assert_eq!(
        stderr(&output),
        format!(
            "iam-mfa: no profile nosuch in {config} or {credentials}; the profiles there: admin, ci, default\n",
            config = aws.join("config").display(),
            credentials = aws.join("credentials").display(),
        )
    );
}

#[test]
fn demo_with_an_endpoint_fails_in_one_line() {
    let output = run(&["--demo", "--endpoint-url", "http://127.0.0.1:1", "list"]);
    let err = assert_one_line_failure(&output);
    assert!(
        err.contains("--endpoint-url") && err.contains("--demo"),
        "{err}"
    );
}

#[test]
fn an_unreachable_endpoint_fails_quickly_in_one_line() {
    let (mut command, _home) = iam_mfa(&["--endpoint-url", "http://127.0.0.1:1", "list"]);
    // Static credentials, so the tool gets as far as connecting.
    command
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing");
    let started = Instant::now();
    let output = command.output().expect("run iam-mfa");
    let took = started.elapsed();
    let err = assert_one_line_failure(&output);
    assert!(
        err.contains("127.0.0.1:1") || err.to_lowercase().contains("reach"),
        "{err}"
    );
    assert!(
        took < Duration::from_secs(5),
        "took {took:?} to give up on a closed port"
    );
}

#[test]
fn list_without_credentials_says_how_to_fix_it() {
    let output = run(&["--endpoint-url", "http://127.0.0.1:1", "list"]);
    let err = assert_one_line_failure(&output);
    assert!(
        err.contains("credentials") && err.contains("--demo"),
        "{err}"
    );
}

#[test]
fn help_and_version_succeed() {
    let help = run(&["--help"]);
    assert!(help.status.success());
    assert!(stdout(&help).contains("--demo"), "{}", stdout(&help));
    let version = run(&["--version"]);
    assert!(version.status.success());
    assert!(stdout(&version).contains(env!("CARGO_PKG_VERSION")));
}

#[test]
fn the_interface_refuses_to_run_without_a_terminal() {
    let output = run(&["--demo"]);
    let err = assert_one_line_failure(&output);
    assert!(err.contains("iam-mfa list"), "{err}");
}

// --- against moto --------------------------------------------------------------------------------

/// Devices made by another client (the aws CLI when `.venv/bin/aws` exists, otherwise the raw SDK) are
/// listed by `iam-mfa --endpoint-url URL list` with the same serial numbers and users.
#[test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
fn moto_devices_made_elsewhere_are_listed_with_their_users() {
    let endpoint = moto::endpoint();
    let maker = DeviceMaker::new(&endpoint);
    eprintln!("creating the devices with {}", maker.describe());
    let alice = moto::unique_name("cli-list");
    let bob = moto::unique_name("cli-list");
    let alice_serial = maker.enrolled_device(&alice);
    let bob_serial = maker.enrolled_device(&bob);
    let orphan_serial = maker.virtual_device(&moto::unique_name("cli-orphan"));

    let moto_list = |args: &[&str]| {
        let mut full = vec![
            "--endpoint-url",
            endpoint.as_str(),
            "list",
            "--output",
            "json",
        ];
        full.extend_from_slice(args);
        let (mut command, _home) = iam_mfa(&full);
        command
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing");
        let output = command.output().expect("run iam-mfa");
        assert!(
            output.status.success(),
            "{full:?} failed: {}",
            stderr(&output)
        );
        let json: Value = serde_json::from_str(&stdout(&output)).expect("valid JSON");
        json.as_array().expect("an array").clone()
    };
    let user_of = |rows: &[Value], serial: &str| -> Option<Value> {
        rows.iter()
            .find(|row| row["serial"] == serial)
            .map(|row| row["user"].clone())
    };

    // Other tests share the server: look only at our own devices.
    let all = moto_list(&[]);
    assert_eq!(
        user_of(&all, &alice_serial),
        Some(Value::from(alice.as_str())),
        "{all:#?}"
    );
    assert_eq!(
        user_of(&all, &bob_serial),
        Some(Value::from(bob.as_str())),
        "{all:#?}"
    );
    assert_eq!(user_of(&all, &orphan_serial), Some(Value::Null), "{all:#?}");

    let unassigned = moto_list(&["--assignment", "unassigned"]);
    assert_eq!(user_of(&unassigned, &orphan_serial), Some(Value::Null));
    assert_eq!(
        user_of(&unassigned, &alice_serial),
        None,
        "an assigned device listed as unassigned"
    );

    let alices = moto_list(&["--user", &alice]);
    assert_eq!(alices.len(), 1, "{alices:#?}");
    assert_eq!(alices[0]["serial"], alice_serial.as_str());
    assert_eq!(alices[0]["kind"], "virtual");
}

/// Creates users and devices on moto with a client other than ours.
enum DeviceMaker {
    AwsCli {
        aws: PathBuf,
        endpoint: String,
        scratch: tempfile::TempDir,
    },
    Sdk {
        runtime: tokio::runtime::Runtime,
    },
}

impl DeviceMaker {
    fn new(endpoint: &str) -> Self {
        let aws = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/aws");
        if aws.is_file() {
            Self::AwsCli {
                aws,
                endpoint: endpoint.to_string(),
                scratch: tempfile::tempdir().expect("a scratch directory"),
            }
        } else {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            Self::Sdk { runtime }
        }
    }

    fn describe(&self) -> &'static str {
        match self {
            Self::AwsCli { .. } => "the aws CLI (.venv/bin/aws)",
            Self::Sdk { .. } => "aws-sdk-iam (no .venv/bin/aws; scripts/bench-list.sh installs it)",
        }
    }

    /// A user with a virtual device enabled on them; returns the serial.
    fn enrolled_device(&self, user: &str) -> String {
        self.user(user);
        let serial = self.virtual_device(&format!("{user}-phone"));
        match self {
            Self::AwsCli { .. } => {
                self.aws(&[
                    "iam",
                    "enable-mfa-device",
                    "--user-name",
                    user,
                    "--serial-number",
                    &serial,
                    "--authentication-code1",
                    "123456",
                    "--authentication-code2",
                    "654321",
                ]);
            }
            Self::Sdk { runtime } => {
                runtime
                    .block_on(
                        moto::raw_iam()
                            .enable_mfa_device()
                            .user_name(user)
                            .serial_number(&serial)
                            .authentication_code1("123456")
                            .authentication_code2("654321")
                            .send(),
                    )
                    .expect("EnableMFADevice on moto");
            }
        }
        serial
    }

    fn user(&self, name: &str) {
        match self {
            Self::AwsCli { .. } => {
                self.aws(&["iam", "create-user", "--user-name", name]);
            }
            Self::Sdk { runtime } => {
                runtime
                    .block_on(moto::raw_iam().create_user().user_name(name).send())
                    .expect("CreateUser on moto");
            }
        }
    }

    /// An unassigned virtual device; returns its serial.
    fn virtual_device(&self, name: &str) -> String {
        match self {
            Self::AwsCli { scratch, .. } => {
                // The CLI insists on writing the QR code somewhere.
                let png = scratch.path().join(format!("{name}.png"));
                let created = self.aws(&[
                    "iam",
                    "create-virtual-mfa-device",
                    "--virtual-mfa-device-name",
                    name,
                    "--bootstrap-method",
                    "QRCodePNG",
                    "--outfile",
                    png.to_str().unwrap(),
                ]);
                created["VirtualMFADevice"]["SerialNumber"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no serial in {created}"))
                    .to_string()
            }
            Self::Sdk { runtime } => {
                let created = runtime
                    .block_on(
                        moto::raw_iam()
                            .create_virtual_mfa_device()
                            .virtual_mfa_device_name(name)
                            .send(),
                    )
                    .expect("CreateVirtualMFADevice on moto");
                created
                    .virtual_mfa_device()
                    .expect("a device")
                    .serial_number()
                    .to_string()
            }
        }
    }

    /// Runs the aws CLI against moto with test credentials; returns its JSON output (null if none).
    fn aws(&self, args: &[&str]) -> Value {
        let Self::AwsCli {
            aws,
            endpoint,
            scratch,
        } = self
        else {
            unreachable!("only the aws CLI maker runs the CLI")
        };
        let output = Command::new(aws)
            .arg("--endpoint-url")
            .arg(endpoint)
            .args(["--output", "json"])
            .args(args)
            .env_clear()
            .env("PATH", "/usr/bin:/bin")
            .env("HOME", scratch.path())
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env("AWS_DEFAULT_REGION", "us-east-1")
            .env("AWS_EC2_METADATA_DISABLED", "true")
            .env("AWS_CONFIG_FILE", "/dev/null")
            .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
            .output()
            .expect("run the aws CLI");
        assert!(output.status.success(), "aws {args:?}: {}", stderr(&output));
        let text = stdout(&output);
        if text.trim().is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).expect("aws printed JSON")
        }
    }
}

// --- --generate: man page and completions --------------------------------------------------------

const GENERATED: [&str; 5] = [
    "man",
    "complete-bash",
    "complete-zsh",
    "complete-fish",
    "complete-powershell",
];

/// `iam-mfa --generate KIND`, which must succeed with nothing on stderr.
fn generated(kind: &str) -> String {
    let output = run(&["--generate", kind]);
    assert!(output.status.success(), "{kind}: {}", stderr(&output));
    assert!(output.stderr.is_empty(), "{kind}: {}", stderr(&output));
    stdout(&output)
}

#[test]
fn every_generated_output_is_printed_without_credentials() {
    // `run` gives the binary no AWS set-up at all: --generate needs none.
    for kind in GENERATED {
        let text = generated(kind);
        assert!(text.len() > 500, "{kind} is almost empty:\n{text}");
        // roff writes a hyphen as `\-`.
        let option = if kind == "man" {
            "demo\\-data"
        } else {
            "demo-data"
        };
        assert!(text.contains(option), "{kind} lacks an option:\n{text}");
    }
}

/// What bash's completion offers for the words typed so far (the last one is being completed), after
/// sourcing the generated script as a user's ~/.bashrc would.
fn bash_completes(words: &[&str]) -> Vec<String> {
    let script = format!(
        r#"source <("$IAM_MFA" --generate complete-bash) || exit 3
        # The function the script registered for iam-mfa, as bash would call it on Tab.
        function=$(complete -p iam-mfa | sed -n 's/.* -F \([^ ]*\) .*/\1/p')
        [[ -n $function ]] || exit 4
        COMP_WORDS=({words}); COMP_CWORD=$(( ${{#COMP_WORDS[@]}} - 1 ))
        "$function" iam-mfa "${{COMP_WORDS[COMP_CWORD]}}" "${{COMP_WORDS[COMP_CWORD-1]}}"
        printf '%s\n' "${{COMPREPLY[@]}}""#,
        words = words
            .iter()
            .map(|word| format!("'{word}'"))
            .collect::<Vec<_>>()
            .join(" ")
    );
    let (mut command, _home) = in_clean_env("/bin/bash", &["--norc", "-c", &script]);
    let output = command.env("IAM_MFA", BINARY).output().expect("run bash");
    assert!(
        output.status.success() && output.stderr.is_empty(),
        "bash could not load the completions (status {}): {}",
        output.status,
        stderr(&output)
    );
    stdout(&output).lines().map(String::from).collect()
}

#[test]
fn bash_completion_loads_and_completes_options_values_and_subcommands() {
    assert_eq!(bash_completes(&["iam-mfa", "--gen"]), ["--generate"]);
    assert_eq!(
        bash_completes(&["iam-mfa", "--generate", "complete-b"]),
        ["complete-bash"]
    );
    assert_eq!(bash_completes(&["iam-mfa", "li"]), ["list"]);
    assert_eq!(
        bash_completes(&["iam-mfa", "--demo-as", "self"]),
        ["self-service", "self-service-pinned"]
    );
    // After the subcommand (clap-rs/clap#6421 broke this for hyphenated names: see src/generate.rs).
    assert_eq!(
        bash_completes(&["iam-mfa", "list", "--output", ""]),
        ["table", "json"]
    );
    assert!(bash_completes(&["iam-mfa", "list", "--as"]).contains(&"--assignment".to_string()));
}

/// `man -l` of the generated page, or `None` (said loudly) where man-db is not installed.
/// `scripts/test.sh` installs it when missing and sets IAM_MFA_REQUIRE_MAN, so there it never skips.
fn man_rendering(page: &Path) -> Option<Output> {
    let have_man = Path::new("/usr/bin/man").exists();
    if !have_man {
        assert!(
            std::env::var_os("IAM_MFA_REQUIRE_MAN").is_none(),
            "IAM_MFA_REQUIRE_MAN is set but /usr/bin/man is missing"
        );
        eprintln!(
            "SKIPPED: the man page was not rendered: man-db is not installed (scripts/test.sh installs it)"
        );
        return None;
    }
    let page = page.to_str().expect("a UTF-8 temporary path");
    let (mut command, _home) = in_clean_env("/usr/bin/man", &["--warnings", "-l", page]);
    Some(
        command
            .env("MANWIDTH", "80")
            .env("MANPAGER", "cat")
            .output()
            .expect("run man"),
    )
}

#[test]
fn the_man_page_renders_with_man() {
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let page = scratch.path().join("iam-mfa.1");
    std::fs::write(&page, generated("man")).expect("write the page");
    let Some(output) = man_rendering(&page) else {
        return;
    };
    assert!(output.status.success(), "man failed: {}", stderr(&output));
    // --warnings makes groff report what it could not typeset.
    assert!(output.stderr.is_empty(), "man warned: {}", stderr(&output));
    let text = stdout(&output);
    for expected in [
        "iam-mfa - Assign, list, resync",
        "--demo-data <FILE>",
        "COMMANDS",
        "OPTIONS OF IAM-MFA LIST",
        "--assignment <ASSIGNMENT>",
    ] {
        assert!(text.contains(expected), "no {expected:?} in:\n{text}");
    }
}

// --- --demo-data: the demo account from a file ---------------------------------------------------

/// A fictional company of the shape of `assets/demo-account.toml`.
const COMPANY: &str = r#"[account]
id = "555566667777"

[account.identities]
admin = "it-admin"
self-service = "lena.fischer"
self-service-pinned = "lena.fischer"

[account.root]
created_days_ago = 900

[account.unassigned]
virtual_devices = ["tom.baker-old-phone"]

[[account.users]]
name = "it-admin"
created_days_ago = 800
password_last_used_days_ago = 0
mfa_devices = [{ virtual = "it-admin-phone", enabled_days_ago = 700 }]

[[account.users]]
name = "lena.fischer"
path = "/sales/"
created_days_ago = 300
mfa_devices = [
    { virtual = "lena.fischer-pixel", enabled_days_ago = 200, tags = { team = "sales" } },
    { hardware = "ACME00000042", enabled_days_ago = 100 },
]
"#;

/// `contents` written to a file in a scratch directory (kept alive by the returned guard).
fn demo_data_file(contents: &str) -> (tempfile::TempDir, PathBuf) {
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let path = scratch.path().join("company.toml");
    std::fs::write(&path, contents).expect("write the demo data");
    (scratch, path)
}

#[test]
fn demo_data_lists_the_files_devices() {
    let (_scratch, path) = demo_data_file(COMPANY);
    let path = path.to_str().expect("a UTF-8 path");
    let rows = list_json(&["--demo", "--demo-data", path, "list", "--output", "json"]);
    let serials: Vec<&str> = rows
        .iter()
        .filter_map(|row| row["serial"].as_str())
        .collect();
    assert_eq!(
        serials,
        [
            "arn:aws:iam::555566667777:mfa/it-admin-phone",
            "arn:aws:iam::555566667777:mfa/lena.fischer-pixel",
            "arn:aws:iam::555566667777:mfa/tom.baker-old-phone",
        ]
    );
    assert_eq!(
        serial_ending(&rows, "lena.fischer-pixel")["user"],
        "lena.fischer"
    );
    assert_eq!(
        serial_ending(&rows, "tom.baker-old-phone")["user"],
        Value::Null
    );
    // A user's devices of every kind, for the identity the file names.
    let rows = list_json(&[
        "--demo",
        "--demo-as",
        "self-service",
        "--demo-data",
        path,
        "list",
        "--user",
        "lena.fischer",
        "--output",
        "json",
    ]);
    let kinds: Vec<&str> = rows.iter().filter_map(|row| row["kind"].as_str()).collect();
    assert_eq!(kinds, ["virtual", "hardware"], "{rows:#?}");
}

#[test]
fn a_bad_demo_data_file_fails_in_one_line_naming_the_line_and_rule() {
    let broken = COMPANY.replace(r#"{ hardware = "ACME00000042""#, r#"{ hardware = "ACME42""#);
    let (_scratch, path) = demo_data_file(&broken);
    let shown = path.to_str().expect("a UTF-8 path");
    let output = run(&["--demo", "--demo-data", shown, "list"]);
    assert_eq!(output.status.code(), Some(1));
    let err = assert_one_line_failure(&output);
    assert_eq!(
        err.trim_end(),
        format!("iam-mfa: {shown}:27:18: A serial number has 9 to 256 characters (this has 6)")
    );
}

#[test]
fn a_missing_demo_data_file_fails_in_one_line() {
    let scratch = tempfile::tempdir().expect("a scratch directory");
    let missing = scratch.path().join("nowhere.toml");
    let shown = missing.to_str().expect("a UTF-8 path");
    let output = run(&["--demo", "--demo-data", shown, "list"]);
    assert_eq!(output.status.code(), Some(1));
    let err = assert_one_line_failure(&output);
    assert_eq!(
        err.trim_end(),
        format!(
            "iam-mfa: cannot read the demo data {shown}: No such file or directory (os error 2)"
        )
    );
}

#[test]
fn demo_data_without_demo_says_it_needs_demo() {
    let (_scratch, path) = demo_data_file(COMPANY);
    let output = run(&["--demo-data", path.to_str().unwrap(), "list"]);
    assert_eq!(output.status.code(), Some(2));
    let err = assert_one_line_failure(&output);
    assert!(err.contains("--demo-data needs --demo"), "{err}");
}

/// A `list` that waits well past the progress delay, with stderr and stdout pipes.
#[test]
fn list_in_a_pipe_writes_no_progress_to_stderr_even_while_it_waits() {
    let endpoint = support::slow_iam::start(Duration::from_millis(1500));
    let (mut command, _home) = iam_mfa(&["--endpoint-url", &endpoint, "list"]);
    command
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1");
    let started = Instant::now();
    let output = command.output().expect("run iam-mfa");
    assert!(
        started.elapsed() >= Duration::from_millis(1500),
        "the answer did not take its time"
    );
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(
        stderr(&output),
        "",
        "stderr is for progress on a terminal only"
    );
    assert!(
        stdout(&output).contains(support::slow_iam::SERIAL),
        "{}",
        stdout(&output)
    );
}

// --- audit ------------------------------------------------------------------------------------------

/// `audit` with these arguments: its exit code and parsed JSON (when it printed any).
fn audit_json(args: &[&str], env: &[(&str, &str)]) -> (Option<i32>, Value, String) {
    let (mut command, _home) = iam_mfa(args);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = command.output().expect("run iam-mfa");
    let json = serde_json::from_str(&stdout(&output)).unwrap_or(Value::Null);
    (output.status.code(), json, stderr(&output))
}

fn control<'a>(json: &'a Value, id: &str) -> &'a Value {
    json["controls"]
        .as_array()
        .expect("controls")
        .iter()
        .find(|c| c["id"] == id)
        .unwrap_or_else(|| panic!("no control {id} in {json:#}"))
}

fn failing_principals(control: &Value) -> Vec<String> {
    control["failing"]
        .as_array()
        .expect("failing")
        .iter()
        .map(|f| f["principal"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn demo_audit_names_each_failing_user_and_root_s_virtual_device() {
    let (code, json, err) = audit_json(&["audit", "--demo", "--output", "json"], &[]);
    assert_eq!(code, Some(3), "{err}");
    assert_eq!(json["account_id"], DEMO_ACCOUNT);
    assert!(
        json["credential_report_generated_at"].is_string(),
        "{json:#}"
    );
    let iam5 = control(&json, "IAM.5");
    assert_eq!(iam5["framework"], "FSBP");
    assert_eq!(
        iam5["title"],
        "MFA should be enabled for all IAM users that have a console password"
    );
    assert_eq!(iam5["status"], "FAILED");
    assert_eq!(
        failing_principals(iam5),
        ["emma.schmidt", "priya.raman", "sam.wilson"]
    );
    assert_eq!(
        failing_principals(control(&json, "2.10")),
        failing_principals(iam5)
    );
    assert_eq!(control(&json, "2.10")["framework"], "CIS 7.0");
    // The key-only service account fails IAM.19 only, and says it has no console password.
    let iam19 = control(&json, "IAM.19");
    assert_eq!(
        failing_principals(iam19),
        ["ci-deploy", "emma.schmidt", "priya.raman", "sam.wilson"]
    );
    assert_eq!(
        iam19["failing"][0]["reason"],
        "no MFA device (no console password: access keys only)"
    );
    assert_eq!(control(&json, "IAM.9")["status"], "PASSED");
    // Root's device is virtual by its owner's ARN; farah's root-account-mfa-device is hers.
    let iam6 = control(&json, "IAM.6");
    assert_eq!(iam6["status"], "FAILED");
    let reason = iam6["failing"][0]["reason"].as_str().unwrap();
    assert!(
        reason.contains("ops-shared-phone is a virtual device")
            && reason.contains("arn:aws:iam::210987654321:root"),
        "{reason}"
    );
    let users = json["users"].as_array().unwrap();
    let ci = users.iter().find(|u| u["user"] == "ci-deploy").unwrap();
    assert_eq!(ci["console_password"], false);
    let farah = users.iter().find(|u| u["user"] == "farah.haddad").unwrap();
    assert_eq!(farah["mfa_devices"][1]["kind"], "virtual");
}

#[test]
fn demo_audit_table_says_where_the_report_disagrees() {
    let (mut command, _home) = iam_mfa(&["audit", "--demo", "--control", "IAM.9"]);
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(stdout(&output).contains("IAM.9    FSBP       PASSED  0"));
    let (mut command, _home) = iam_mfa(&["audit", "--demo", "--control", "cis 2.10"]);
    let output = command.output().unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", stderr(&output));
    let text = stdout(&output);
    assert!(
        text.contains("console passwords from the credential report of"),
        "{text}"
    );
    assert!(
        text.contains("CIS 7.0 2.10 failing:\n  emma.schmidt: console password and no MFA device"),
        "{text}"
    );
    // oliver.brown enrolled after the report: he passes, and the table says scanners lag.
    assert!(
        text.contains("oliver.brown has MFA now; the credential report of")
            && text.contains("will catch up after the next report"),
        "{text}"
    );
    assert!(!text.contains("oliver.brown: "), "{text}");
}

#[test]
fn audit_with_an_unknown_control_is_a_usage_error() {
    let (code, _, err) = audit_json(&["audit", "--demo", "--control", "IAM.1"], &[]);
    assert_eq!(code, Some(2));
    assert!(err.contains("unknown control \"IAM.1\""), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");
}

#[test]
fn audit_as_a_self_service_user_fails_with_exit_1() {
    let (code, _, err) = audit_json(&["audit", "--demo", "--demo-as", "self-service"], &[]);
    assert_eq!(code, Some(1), "{err}");
    assert!(err.contains("cannot be judged"), "{err}");
}

#[test]
#[cfg_attr(
    not(feature = "moto"),
    ignore = "needs the moto server: scripts/test.sh runs it"
)]
fn moto_audit_fails_exactly_the_users_without_mfa() {
    let endpoint = moto::endpoint();
    let maker = DeviceMaker::new(&endpoint);
    let prefix = moto::unique_name("audit");
    let person = format!("{prefix}-person");
    let enrolled = format!("{prefix}-enrolled");
    let service = format!("{prefix}-service");
    maker.user(&person);
    maker.enrolled_device(&enrolled);
    maker.user(&service);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for user in [&person, &enrolled] {
        runtime
            .block_on(
                moto::raw_iam()
                    .create_login_profile()
                    .user_name(user)
                    .password("Correct-Horse-9")
                    .send(),
            )
            .expect("CreateLoginProfile on moto");
    }
    let (code, json, err) = audit_json(
        &["--endpoint-url", &endpoint, "audit", "--output", "json"],
        &[
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
        ],
    );
    assert_eq!(code, Some(3), "{err}");
    // Other tests share the server: look only at our own users.
    let ours = |control: &Value| -> Vec<String> {
        failing_principals(control)
            .into_iter()
            .filter(|p| p.starts_with(&prefix))
            .collect()
    };
    assert_eq!(ours(control(&json, "IAM.5")), vec![person.clone()]);
    assert_eq!(
        ours(control(&json, "IAM.19")),
        [person.clone(), service.clone()]
    );
    // moto's AccountMFAEnabled is always 0: root fails there, whatever it has.
    assert_eq!(control(&json, "IAM.9")["status"], "FAILED");
    let users = json["users"].as_array().unwrap();
    let row = |name: &str| users.iter().find(|u| u["user"] == name).unwrap().clone();
    assert_eq!(row(&person)["console_password"], true);
    assert_eq!(row(&service)["console_password"], false);
    assert_eq!(row(&enrolled)["mfa_devices"][0]["kind"], "virtual");
}
