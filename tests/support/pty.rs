//! The real `iam-mfa` binary in a pseudo-terminal, for end-to-end tests and the start-up benchmark.
//!
//! The child's output is fed into a `vt100` terminal emulator on a reader thread, so a test sees the
//! screen exactly as a user would: text at its place after every redraw. The child runs with a clean
//! environment: `TERM=xterm-256color`, no AWS variable, `AWS_EC2_METADATA_DISABLED=true` and `HOME` set to
//! an empty temporary directory, so nothing is read from the developer's AWS set-up.
//!
//! In a test crate:
//!
//! ```ignore
//! mod support;
//! use support::pty::{self, PtyApp, keys};
//!
//! let mut app = PtyApp::spawn(&["--demo"]);                 // 80x24; PtyApp::options() for more
//! app.wait_for_text("Assign MFA device", pty::WAIT);         // returns the screen, panics with it on timeout
//! app.send_keys("a");                                        // one key, or several: "alice.nguyen"
//! app.send_keys(keys::ENTER);                                // keys::ESC, keys::DOWN, keys::CTRL_C, ...
//! let screen = app.wait_for(|screen| screen.contains("Device name"), "the name step", pty::WAIT);
//! app.send_keys("q");
//! assert!(app.wait_exit(pty::WAIT).success());
//! app.assert_terminal_restored();
//! ```
//!
//! Tips: wait for the screen to show the effect of one key before sending a key that depends on it (the
//! app redraws asynchronously). A lone Esc is told apart from an escape sequence by a pause, so
//! `send_keys(keys::ESC)` pauses briefly after writing it; do not glue Esc to other keys in one string.

// Each test crate, and the start-up benchmark, uses a different part.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::path::PathBuf;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use portable_pty::{Child, CommandBuilder, ExitStatus, MasterPty, PtySize, native_pty_system};

/// A generous default for `wait_for_text` and `wait_exit`: the debug binary on a loaded CI machine.
pub const WAIT: Duration = Duration::from_secs(10);

/// Key sequences as a terminal in normal cursor mode sends them.
pub mod keys {
    pub const ENTER: &str = "\r";
    pub const ESC: &str = "\x1b";
    pub const TAB: &str = "\t";
    pub const BACKTAB: &str = "\x1b[Z";
    pub const BACKSPACE: &str = "\x7f";
    pub const CTRL_C: &str = "\x03";
    pub const UP: &str = "\x1b[A";
    pub const DOWN: &str = "\x1b[B";
    pub const RIGHT: &str = "\x1b[C";
    pub const LEFT: &str = "\x1b[D";
    pub const HOME: &str = "\x1b[H";
    pub const END: &str = "\x1b[F";
    pub const F1: &str = "\x1bOP";
    pub const F12: &str = "\x1b[24~";
}

/// Leaving the alternate screen (what a restored full-screen app writes last).
const LEAVE_ALTERNATE_SCREEN: &[u8] = b"\x1b[?1049l";
/// "Where is the cursor?": crossterm asks this in some set-ups; vt100 does not answer, so we do.
const CURSOR_POSITION_QUERY: &[u8] = b"\x1b[6n";
/// "What are you?" (Primary Device Attributes): every terminal answers it; vt100 does not, so we do, as
/// a VT220-class terminal without Sixel would. The app asks it once at start (graphics detection).
const DEVICE_ATTRIBUTES_QUERY: &[u8] = b"\x1b[c";
const DEVICE_ATTRIBUTES_ANSWER: &str = "\x1b[?62;22c";
/// How long a lone Esc needs to stay alone so that crossterm reads it as the Esc key.
const ESC_PAUSE: Duration = Duration::from_millis(50);

/// How to start the binary.
#[derive(Debug, Clone)]
pub struct Options {
    pub args: Vec<String>,
    pub cols: u16,
    pub rows: u16,
    /// Extra environment variables, on top of the clean base environment.
    pub env: Vec<(String, String)>,
    /// The binary; the crate's `iam-mfa` unless set (the benchmark may point at a release build).
    pub program: PathBuf,
}

impl Options {
    pub fn args(mut self, args: &[&str]) -> Self {
        self.args = args.iter().map(|arg| arg.to_string()).collect();
        self
    }

    pub fn size(mut self, cols: u16, rows: u16) -> Self {
        self.cols = cols;
        self.rows = rows;
        self
    }

    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), value.into()));
        self
    }

    pub fn program(mut self, program: impl Into<PathBuf>) -> Self {
        self.program = program.into();
        self
    }

    pub fn spawn(self) -> PtyApp {
        PtyApp::start(self)
    }
}

/// What the reader thread shares with the test.
struct Output {
    parser: vt100::Parser,
    /// Every byte the child wrote, to check escape sequences the screen no longer shows.
    raw: Vec<u8>,
    /// The child closed its side (it exited, and every byte has been read).
    closed: bool,
}

struct Shared {
    output: Mutex<Output>,
    changed: Condvar,
}

/// The binary running in a pseudo-terminal. Killed on drop if still running.
pub struct PtyApp {
    shared: Arc<Shared>,
    writer: Arc<Mutex<Box<dyn Write + Send>>>,
    master: Box<dyn MasterPty + Send>,
    child: Box<dyn Child + Send + Sync>,
    reader: Option<JoinHandle<()>>,
    status: Option<ExitStatus>,
    _home: tempfile::TempDir,
}

impl PtyApp {
    /// Defaults: the crate's binary, no arguments, 80x24.
    pub fn options() -> Options {
        Options {
            args: Vec::new(),
            cols: 80,
            rows: 24,
            env: Vec::new(),
            program: PathBuf::from(env!("CARGO_BIN_EXE_iam-mfa")),
        }
    }

    /// The binary with these arguments at 80x24.
    pub fn spawn(args: &[&str]) -> Self {
        Self::options().args(args).spawn()
    }

    fn start(options: Options) -> Self {
        let home = tempfile::tempdir().expect("a temporary HOME");
        let pty = native_pty_system()
            .openpty(PtySize {
                rows: options.rows,
                cols: options.cols,
                pixel_width: 0,
                pixel_height: 0,
            })
            .expect("open a pseudo-terminal");
        let mut command = CommandBuilder::new(&options.program);
        command.args(&options.args);
        command.cwd(home.path());
        command.env_clear();
        command.env("TERM", "xterm-256color");
        command.env("HOME", home.path());
        command.env("PATH", "/usr/bin:/bin");
        command.env("AWS_EC2_METADATA_DISABLED", "true");
        // Belt and braces with the empty HOME: the shared files are in the temporary HOME and absent.
        command.env("AWS_CONFIG_FILE", home.path().join(".aws/config"));
        command.env(
            "AWS_SHARED_CREDENTIALS_FILE",
            home.path().join(".aws/credentials"),
        );
        for (name, value) in &options.env {
            command.env(name, value);
        }
        let child = pty.slave.spawn_command(command).unwrap_or_else(|error| {
            panic!(
                "start {} in a pseudo-terminal: {error}",
                options.program.display()
            )
        });
        // Only the child may hold the terminal side open, so that reading ends when it exits.
        drop(pty.slave);

        let shared = Arc::new(Shared {
            output: Mutex::new(Output {
                parser: vt100::Parser::new(options.rows, options.cols, 0),
                raw: Vec::new(),
                closed: false,
            }),
            changed: Condvar::new(),
        });
        let writer = Arc::new(Mutex::new(
            pty.master.take_writer().expect("the terminal's writer"),
        ));
        let reader = pty
            .master
            .try_clone_reader()
            .expect("the terminal's reader");
        let reader = std::thread::spawn({
            let shared = shared.clone();
            let writer = writer.clone();
            move || read_output(reader, &shared, &writer)
        });
        Self {
            shared,
            writer,
            master: pty.master,
            child,
            reader: Some(reader),
            status: None,
            _home: home,
        }
    }

    /// Types `keys` as one write (see [`keys`] for special keys).
    pub fn send_keys(&mut self, keys: &str) {
        self.send(keys.as_bytes());
        if keys.ends_with(keys::ESC) {
            std::thread::sleep(ESC_PAUSE);
        }
    }

    pub fn send(&mut self, bytes: &[u8]) {
        let mut writer = self.writer.lock().unwrap_or_else(PoisonError::into_inner);
        writer.write_all(bytes).expect("write to the terminal");
        writer.flush().expect("flush the terminal");
    }

    /// The child's process id, e.g. to send it SIGTERM as a service manager would.
    pub fn process_id(&self) -> Option<u32> {
        self.child.process_id()
    }

    /// The screen's text now, rows joined by newlines.
    pub fn screen_text(&self) -> String {
        self.output().parser.screen().contents()
    }

    /// Reads the emulated screen with its colours (e.g. to photograph a QR code cell by cell).
    pub fn with_screen<T>(&self, read: impl FnOnce(&vt100::Screen) -> T) -> T {
        read(self.output().parser.screen())
    }

    /// Waits until the screen shows `text`; returns the screen. Panics with the screen on timeout.
    pub fn wait_for_text(&self, text: &str, timeout: Duration) -> String {
        self.wait_for(
            |screen| screen.contains(text),
            &format!("{text:?} on screen"),
            timeout,
        )
    }

    /// Waits until the screen no longer shows `text`; returns the screen. Panics with it on timeout.
    pub fn wait_for_text_gone(&self, text: &str, timeout: Duration) -> String {
        self.wait_for(
            |screen| !screen.contains(text),
            &format!("{text:?} gone"),
            timeout,
        )
    }

    /// Waits until `done` holds for the screen text; returns it. Panics with `what` and the screen on
    /// timeout, or if the app exits first.
    pub fn wait_for(&self, done: impl Fn(&str) -> bool, what: &str, timeout: Duration) -> String {
        let deadline = Instant::now() + timeout;
        let mut output = self.output();
        loop {
            let screen = output.parser.screen().contents();
            if done(&screen) {
                return screen;
            }
            if output.closed {
                drop(output);
                panic!(
                    "the app exited while waiting for {what}; last screen:\n{}",
                    framed(&screen)
                );
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                drop(output);
                panic!(
                    "timed out after {timeout:?} waiting for {what}; screen:\n{}",
                    framed(&screen)
                );
            }
            output = self
                .shared
                .changed
                .wait_timeout(output, left)
                .unwrap_or_else(PoisonError::into_inner)
                .0;
        }
    }

    /// Waits for the app to exit and for its last output to be read. Panics with the screen on timeout.
    pub fn wait_exit(&mut self, timeout: Duration) -> ExitStatus {
        if let Some(status) = &self.status {
            return status.clone();
        }
        let deadline = Instant::now() + timeout;
        let status = loop {
            if let Some(status) = self.child.try_wait().expect("poll the child") {
                break status;
            }
            if Instant::now() >= deadline {
                panic!(
                    "the app did not exit within {timeout:?}; screen:\n{}",
                    framed(&self.screen_text())
                );
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        // The output ends when the terminal side closes; wait for it so checks see the last bytes.
        let mut output = self.output();
        while !output.closed {
            let left = deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_secs(1));
            let (next, waited) = self
                .shared
                .changed
                .wait_timeout(output, left)
                .unwrap_or_else(PoisonError::into_inner);
            output = next;
            if waited.timed_out() && !output.closed {
                panic!("the app exited but its terminal output did not end");
            }
        }
        drop(output);
        if let Some(reader) = self.reader.take() {
            reader.join().expect("the reader thread");
        }
        self.status = Some(status.clone());
        status
    }

    /// After `wait_exit`: the app left the alternate screen, switched bracketed paste off, showed the
    /// cursor and switched raw mode off (the terminal is line-buffered and echoes again), as every way out
    /// of the app must.
    pub fn assert_terminal_restored(&self) {
        assert!(
            self.status.is_some(),
            "call wait_exit before assert_terminal_restored"
        );
        let output = self.output();
        assert!(
            contains(&output.raw, LEAVE_ALTERNATE_SCREEN),
            "the app never left the alternate screen (no ESC[?1049l in its output)"
        );
        assert!(
            !output.parser.screen().alternate_screen(),
            "the terminal is still on the alternate screen after exit"
        );
        // Each mode the app switched, last switched back: "ESC[?2004h ... ESC[?2004l" (a program that
        // never touched a mode passes for it).
        for (mode, what, restored) in [
            ("2004", "bracketed paste is still on", false),
            ("25", "the cursor is still hidden", true),
        ] {
            let last = last_mode_switch(&output.raw, mode);
            assert!(
                last.is_none_or(|set| set == restored),
                "{what} after exit (the last ESC[?{mode}h/l the app wrote)"
            );
        }
        drop(output);
        let flags = self.local_mode_flags();
        for flag in ["ICANON", "ECHO"] {
            assert!(
                flags.iter().any(|set| set == flag),
                "raw mode is still on after exit: {flag} is off (local flags: {flags:?})"
            );
        }
    }

    /// Every byte the app wrote so far (escape sequences included).
    pub fn raw_output(&self) -> Vec<u8> {
        self.output().raw.clone()
    }

    /// The names of the terminal's local mode flags that are set (ICANON, ECHO, ISIG, ...).
    fn local_mode_flags(&self) -> Vec<String> {
        let termios = self
            .master
            .get_termios()
            .expect("read the terminal's modes");
        // Read through Debug, "LocalFlags(ECHO | ICANON | ...)", to need no libc/nix constants here.
        let debug = format!("{:?}", termios.local_flags);
        let inner = debug
            .strip_prefix("LocalFlags(")
            .and_then(|rest| rest.strip_suffix(')'))
            .unwrap_or(&debug);
        inner
            .split('|')
            .map(|flag| flag.trim().to_string())
            .collect()
    }

    fn output(&self) -> MutexGuard<'_, Output> {
        self.shared
            .output
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for PtyApp {
    fn drop(&mut self) {
        if self.status.is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The reader thread: feeds every chunk to the emulator, answers cursor-position queries, and marks the
/// output closed at end of file (or EIO, which is how Linux reports that the child side closed).
fn read_output(
    mut reader: Box<dyn Read + Send>,
    shared: &Shared,
    writer: &Mutex<Box<dyn Write + Send>>,
) {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        let read = match reader.read(&mut buffer) {
            Ok(0) | Err(_) => break,
            Ok(read) => read,
        };
        let chunk = &buffer[..read];
        let mut output = shared.output.lock().unwrap_or_else(PoisonError::into_inner);
        output.parser.process(chunk);
        output.raw.extend_from_slice(chunk);
        let mut reply = contains(chunk, CURSOR_POSITION_QUERY).then(|| {
            let (row, col) = output.parser.screen().cursor_position();
            format!("\x1b[{};{}R", row + 1, col + 1)
        });
        if contains(chunk, DEVICE_ATTRIBUTES_QUERY) {
            reply
                .get_or_insert_default()
                .push_str(DEVICE_ATTRIBUTES_ANSWER);
        }
        drop(output);
        shared.changed.notify_all();
        if let Some(reply) = reply {
            let mut writer = writer.lock().unwrap_or_else(PoisonError::into_inner);
            let _ = writer.write_all(reply.as_bytes());
            let _ = writer.flush();
        }
    }
    shared
        .output
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .closed = true;
    shared.changed.notify_all();
}

/// Whether the last switch of DEC private mode `mode` in `raw` set it (`ESC[?<mode>h`) or reset it
/// (`ESC[?<mode>l`); `None` if it was never switched.
fn last_mode_switch(raw: &[u8], mode: &str) -> Option<bool> {
    let set = format!("\x1b[?{mode}h");
    let reset = format!("\x1b[?{mode}l");
    let last = |needle: &[u8]| {
        raw.windows(needle.len())
            .rposition(|window| window == needle)
    };
    match (last(set.as_bytes()), last(reset.as_bytes())) {
        (None, None) => None,
        (set, reset) => Some(set > reset),
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

/// The screen with a frame, so trailing spaces and empty rows are visible in a panic message.
fn framed(screen: &str) -> String {
    let mut text = String::from("┌\n");
    for line in screen.lines() {
        text.push('│');
        text.push_str(line);
        text.push('\n');
    }
    text.push('└');
    text
}

/// Every SGR sequence (`ESC [ … m`) in `raw`, as its parameter text.
pub fn sgr_parameters(raw: &[u8]) -> Vec<String> {
    let mut found = Vec::new();
    let mut rest = raw;
    while let Some(start) = rest.windows(2).position(|pair| pair == b"\x1b[") {
        rest = &rest[start + 2..];
        let end = rest
            .iter()
            .position(|byte| !(byte.is_ascii_digit() || *byte == b';' || *byte == b':'))
            .unwrap_or(rest.len());
        if rest.get(end) == Some(&b'm') {
            found.push(String::from_utf8_lossy(&rest[..end]).into_owned());
        }
        rest = &rest[end..];
    }
    found
}

/// Whether an SGR parameter list sets a colour: foreground 30–39 and 90–97, background 40–49 and
/// 100–107, underline colour 58–59 (38/48/58 also start 256-colour and RGB forms).
pub fn sets_a_colour(parameters: &str) -> bool {
    parameters
        .split([';', ':'])
        .filter_map(|p| p.parse::<u16>().ok())
        .any(|p| matches!(p, 30..=39 | 40..=49 | 58 | 59 | 90..=97 | 100..=107))
}

/// The SGR sequences in `raw` that set a colour (empty under NO_COLOR), as their parameter text.
pub fn colour_sequences(raw: &[u8]) -> Vec<String> {
    sgr_parameters(raw)
        .into_iter()
        .filter(|p| sets_a_colour(p))
        .collect()
}

/// For a test crate to call: the detection itself, on sequences of each kind.
pub fn check_colour_detection() {
    let raw = b"\x1b[1m\x1b[7mA\x1b[m\x1b[38;5;16;48;5;231mB\x1b[0;22m\x1b[39m\x1b[2J";
    let sgr = sgr_parameters(raw);
    assert_eq!(sgr, ["1", "7", "", "38;5;16;48;5;231", "0;22", "39"]);
    let colours: Vec<_> = sgr.iter().filter(|p| sets_a_colour(p)).collect();
    assert_eq!(colours, ["38;5;16;48;5;231", "39"]);
}
