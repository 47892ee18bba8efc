//! Copying the secret key to the user's clipboard, also over SSH.
//!
//! Two routes: the system clipboard through arboard, when this machine's display is the user's; or
//! OSC 52, an escape sequence that asks the user's own terminal to set its clipboard, which is what
//! works over SSH. Which one is decided by [`choose_route`], pure, from an [`EnvSnapshot`]. The I/O
//! ([`copy`], [`clear_if_unchanged`]) blocks: call it from `tokio::task::spawn_blocking`. Every arboard
//! call is bounded by [`SYSTEM_TIMEOUT`], because on Linux connecting to a stale or unreachable X
//! display can hang; a timeout or failure falls back to OSC 52.
//!
//! arboard is built without its Wayland feature, so on Linux and the BSDs the system route is X11 only
//! (Wayland desktops run XWayland and set `DISPLAY`; without it we use OSC 52, which Wayland terminals
//! support).

use std::ffi::OsString;
use std::fmt;
use std::sync::{Mutex, mpsc};
use std::thread;
use std::time::Duration;

use base64::Engine;
use zeroize::Zeroizing;

/// How long a copied secret stays in the clipboard before we clear it.
pub const CLEAR_AFTER: Duration = Duration::from_secs(30);
/// The longest any one system clipboard operation may take before we give up on it.
pub const SYSTEM_TIMEOUT: Duration = Duration::from_secs(3);

/// Where a copy went, as the copy notice names it.
pub const SYSTEM_PLACE: &str = "system clipboard";
pub const OSC52_PLACE: &str = "terminal's clipboard (OSC 52)";

/// What the copy notice may promise about the clear, for the place the copy went: the system
/// clipboard is cleared (after [`CLEAR_AFTER`] or at exit) only if it still holds the copy; the
/// terminal's cannot be read, so it is emptied whatever it holds by then.
pub fn clear_promise(place: &str) -> String {
    let after = CLEAR_AFTER.as_secs();
    if place == OSC52_PLACE {
        format!("emptied in {after} s or at exit")
    } else {
        format!("cleared in {after} s or at exit if unchanged")
    }
}

/// Which clipboard implementation arboard has on this build.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Platform {
    /// Linux and the BSDs: an X11 display (see the module documentation).
    X11,
    MacOs,
    Windows,
}

impl Platform {
    pub fn current() -> Self {
        if cfg!(target_os = "macos") {
            Self::MacOs
        } else if cfg!(windows) {
            Self::Windows
        } else {
            Self::X11
        }
    }
}

/// The environment facts the route depends on. Unset and empty variables read as `None` / false.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvSnapshot {
    pub platform: Platform,
    /// `DISPLAY`, e.g. `:0` on a desktop or `localhost:10.0` when SSH forwards X11.
    pub display: Option<String>,
    /// `WAYLAND_DISPLAY` is set.
    pub wayland: bool,
    /// `SSH_CONNECTION`, `SSH_CLIENT` or `SSH_TTY` is set: the user sits at another machine.
    pub ssh: bool,
    /// `TMUX` is set: escape sequences must pass through tmux to reach the terminal.
    pub tmux: bool,
}

impl EnvSnapshot {
    pub fn from_process() -> Self {
        Self::from_lookup(Platform::current(), |name| std::env::var_os(name))
    }

    /// Builds a snapshot from any variable lookup (tests pass a map).
    pub fn from_lookup(platform: Platform, lookup: impl Fn(&str) -> Option<OsString>) -> Self {
        let value = |name: &str| {
            lookup(name)
                .map(|v| v.to_string_lossy().into_owned())
                .filter(|v| !v.is_empty())
        };
        Self {
            platform,
            display: value("DISPLAY"),
            wayland: value("WAYLAND_DISPLAY").is_some(),
            ssh: ["SSH_CONNECTION", "SSH_CLIENT", "SSH_TTY"]
                .iter()
                .any(|name| value(name).is_some()),
            tmux: value("TMUX").is_some(),
        }
    }

    pub fn multiplexer(&self) -> Multiplexer {
        if self.tmux {
            Multiplexer::Tmux
        } else {
            Multiplexer::None
        }
    }

    /// SSH sets `DISPLAY` to `host:N` when it forwards X11; a bare `:N` under SSH is the remote
    /// machine's own desktop (say, a tmux session started there), not the user's screen.
    fn display_reaches_user(&self) -> bool {
        match &self.display {
            None => false,
            Some(display) if self.ssh => !display.starts_with(':'),
            Some(_) => true,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CopyRoute {
    /// The system clipboard through arboard.
    System,
    /// An OSC 52 escape sequence the runtime writes to the terminal.
    Osc52,
}

/// System clipboard when the display is the user's own, OSC 52 otherwise.
pub fn choose_route(env: &EnvSnapshot) -> CopyRoute {
    let system_reaches_user = match env.platform {
        Platform::MacOs | Platform::Windows => !env.ssh,
        // Wayland without XWayland is left out on purpose: arboard is built for X11 only.
        Platform::X11 => env.display_reaches_user(),
    };
    if system_reaches_user {
        CopyRoute::System
    } else {
        CopyRoute::Osc52
    }
}

/// What stands between us and the terminal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Multiplexer {
    None,
    Tmux,
}

const OSC52_START: &str = "\x1b]52;c;";
const BEL: &str = "\x07";
const OSC52_CLEAR: &str = "\x1b]52;c;\x07";
/// tmux passthrough (`ESC P tmux; ... ESC \`, every ESC inside doubled), then the bare sequence.
const OSC52_CLEAR_TMUX: &str = "\x1bPtmux;\x1b\x1b]52;c;\x07\x1b\\\x1b]52;c;\x07";

/// The escape sequence that puts `text` in the terminal's clipboard.
///
/// Under tmux it is sent twice: wrapped in a DCS passthrough, which tmux forwards when
/// `allow-passthrough` is on (off by default since tmux 3.3), and bare, which tmux itself handles
/// when `set-clipboard` is `on`. Either setting then reaches the terminal; both set the same text.
pub fn osc52_sequence(text: &str, multiplexer: Multiplexer) -> Zeroizing<String> {
    let encoded = Zeroizing::new(base64::engine::general_purpose::STANDARD.encode(text));
    let mut bare = Zeroizing::new(String::with_capacity(encoded.len() + 16));
    bare.push_str(OSC52_START);
    bare.push_str(&encoded);
    bare.push_str(BEL);
    match multiplexer {
        Multiplexer::None => bare,
        Multiplexer::Tmux => {
            let mut out = tmux_passthrough(&bare);
            out.push_str(&bare);
            out
        }
    }
}

/// The escape sequence that empties the terminal's clipboard. The terminal cannot be asked what it
/// holds (most refuse OSC 52 reads), so unlike [`clear_if_unchanged`] this clears unconditionally.
pub fn osc52_clear(multiplexer: Multiplexer) -> &'static str {
    match multiplexer {
        Multiplexer::None => OSC52_CLEAR,
        Multiplexer::Tmux => OSC52_CLEAR_TMUX,
    }
}

fn tmux_passthrough(sequence: &str) -> Zeroizing<String> {
    let mut out = Zeroizing::new(String::with_capacity(sequence.len() * 2 + 10));
    out.push_str("\x1bPtmux;");
    for c in sequence.chars() {
        if c == '\x1b' {
            out.push('\x1b');
        }
        out.push(c);
    }
    out.push_str("\x1b\\");
    out
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClipboardError {
    #[error("the system clipboard did not answer within {} seconds", SYSTEM_TIMEOUT.as_secs())]
    TimedOut,
    /// arboard's own words: they describe the failure, never the clipboard's content.
    #[error("the system clipboard is not available: {0}")]
    Unavailable(String),
}

impl From<arboard::Error> for ClipboardError {
    fn from(error: arboard::Error) -> Self {
        Self::Unavailable(error.to_string())
    }
}

/// Where the text went.
pub enum CopyReport {
    /// In the system clipboard. Call [`clear_if_unchanged`] after [`CLEAR_AFTER`].
    System,
    /// The runtime must write `sequence` to the terminal, then [`osc52_clear`] after [`CLEAR_AFTER`].
    /// `system_error` says why the system clipboard was not used when it was tried first.
    Osc52 {
        sequence: Zeroizing<String>,
        system_error: Option<ClipboardError>,
    },
}

/// The sequence carries the secret in Base64: never shown.
impl fmt::Debug for CopyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::System => f.write_str("System"),
            Self::Osc52 { system_error, .. } => f
                .debug_struct("Osc52")
                .field("sequence", &"<redacted>")
                .field("system_error", system_error)
                .finish(),
        }
    }
}

/// Copies `text` along `route`, falling back to OSC 52 when the system clipboard fails. Blocks for
/// at most [`SYSTEM_TIMEOUT`].
pub fn copy(text: &str, route: CopyRoute, multiplexer: Multiplexer) -> CopyReport {
    copy_with(text, route, multiplexer, |text| {
        with_system_clipboard(move |clipboard| clipboard.write_secret(&text))
    })
}

fn copy_with(
    text: &str,
    route: CopyRoute,
    multiplexer: Multiplexer,
    system: impl FnOnce(Zeroizing<String>) -> Result<(), ClipboardError>,
) -> CopyReport {
    let system_error = match route {
        CopyRoute::System => match system(Zeroizing::new(text.to_owned())) {
            Ok(()) => return CopyReport::System,
            Err(error) => Some(error),
        },
        CopyRoute::Osc52 => None,
    };
    CopyReport::Osc52 {
        sequence: osc52_sequence(text, multiplexer),
        system_error,
    }
}

/// What [`clear_if_unchanged`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClearOutcome {
    Cleared,
    /// The clipboard holds something else now (the user copied since): left alone.
    ChangedSinceCopy,
}

/// Empties the system clipboard if it still holds `copied`. Blocks for at most [`SYSTEM_TIMEOUT`].
pub fn clear_if_unchanged(copied: &str) -> Result<ClearOutcome, ClipboardError> {
    let copied = Zeroizing::new(copied.to_owned());
    with_system_clipboard(move |clipboard| clear_if_holding(clipboard, &copied))
}

/// The text operations we need from a clipboard; arboard in the app, a fake in tests.
trait TextClipboard {
    /// The current text; `None` when the clipboard is empty or holds no text.
    fn read(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError>;
    /// Sets `text`, asking clipboard history managers not to record it.
    fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError>;
    fn clear(&mut self) -> Result<(), ClipboardError>;
}

fn clear_if_holding(
    clipboard: &mut impl TextClipboard,
    copied: &str,
) -> Result<ClearOutcome, ClipboardError> {
    match clipboard.read()? {
        Some(current) if current.as_str() == copied => {
            clipboard.clear()?;
            Ok(ClearOutcome::Cleared)
        }
        _ => Ok(ClearOutcome::ChangedSinceCopy),
    }
}

impl TextClipboard for arboard::Clipboard {
    fn read(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError> {
        match self.get_text() {
            Ok(text) => Ok(Some(Zeroizing::new(text))),
            Err(arboard::Error::ContentNotAvailable) => Ok(None),
            Err(error) => Err(error.into()),
        }
    }

    fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError> {
        let set = self.set();
        #[cfg(all(
            unix,
            not(any(target_os = "macos", target_os = "android", target_os = "emscripten"))
        ))]
        let set = arboard::SetExtLinux::exclude_from_history(set);
        #[cfg(target_os = "macos")]
        let set = arboard::SetExtApple::exclude_from_history(set);
        #[cfg(windows)]
        let set = arboard::SetExtWindows::exclude_from_history(set);
        Ok(set.text(text)?)
    }

    fn clear(&mut self) -> Result<(), ClipboardError> {
        Ok(arboard::Clipboard::clear(self)?)
    }
}

/// The one arboard clipboard of the process. On X11 the copied text lives only as long as this
/// object (it serves paste requests), and dropping it right after a write makes debug builds of
/// arboard print to stderr over our screen: so it is kept until the process ends.
static SYSTEM: Mutex<Option<arboard::Clipboard>> = Mutex::new(None);

fn with_system_clipboard<T: Send + 'static>(
    work: impl FnOnce(&mut arboard::Clipboard) -> Result<T, ClipboardError> + Send + 'static,
) -> Result<T, ClipboardError> {
    bounded(SYSTEM_TIMEOUT, move || {
        let mut held = SYSTEM
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let clipboard = match held.as_mut() {
            Some(clipboard) => clipboard,
            None => held.insert(arboard::Clipboard::new()?),
        };
        let result = work(clipboard);
        if result.is_err() {
            // Reconnect next time: the display may have gone away.
            *held = None;
        }
        result
    })
}

/// Runs `work` on its own thread and waits at most `limit`. A thread that overruns is abandoned (it
/// ends on its own when the call it is stuck in returns); later calls wait on the same lock, bounded
/// in turn.
fn bounded<T: Send + 'static>(
    limit: Duration,
    work: impl FnOnce() -> Result<T, ClipboardError> + Send + 'static,
) -> Result<T, ClipboardError> {
    let (sender, receiver) = mpsc::sync_channel(1);
    thread::Builder::new()
        .name("clipboard".into())
        .spawn(move || {
            let _ = sender.send(work());
        })
        .map_err(|e| ClipboardError::Unavailable(e.to_string()))?;
    match receiver.recv_timeout(limit) {
        Ok(result) => result,
        Err(mpsc::RecvTimeoutError::Timeout) => Err(ClipboardError::TimedOut),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(ClipboardError::Unavailable(
            "the clipboard thread stopped".into(),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(platform: Platform, vars: &[(&str, &str)]) -> EnvSnapshot {
        let vars: HashMap<String, OsString> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), OsString::from(v)))
            .collect();
        EnvSnapshot::from_lookup(platform, |name| vars.get(name).cloned())
    }

    const SSH: (&str, &str) = ("SSH_CONNECTION", "10.0.0.2 51234 10.0.0.1 22");

    #[test]
    fn snapshot_reads_the_variables_and_ignores_empty_ones() {
        let snapshot = env(
            Platform::X11,
            &[
                ("DISPLAY", ":0"),
                ("WAYLAND_DISPLAY", ""),
                ("SSH_TTY", "/dev/pts/3"),
                ("TMUX", "/tmp/tmux-1000/default,1234,0"),
            ],
        );
        assert_eq!(
            snapshot,
            EnvSnapshot {
                platform: Platform::X11,
                display: Some(":0".into()),
                wayland: false,
                ssh: true,
                tmux: true,
            }
        );
        assert_eq!(snapshot.multiplexer(), Multiplexer::Tmux);
        let empty = env(Platform::X11, &[("DISPLAY", "")]);
        assert_eq!(empty.display, None);
        assert_eq!(empty.multiplexer(), Multiplexer::None);
    }

    #[test]
    fn local_x11_desktop_uses_the_system_clipboard() {
        let desktop = env(Platform::X11, &[("DISPLAY", ":0")]);
        assert_eq!(choose_route(&desktop), CopyRoute::System);
        // Wayland with XWayland: DISPLAY is set too.
        let xwayland = env(
            Platform::X11,
            &[("DISPLAY", ":1"), ("WAYLAND_DISPLAY", "wayland-0")],
        );
        assert_eq!(choose_route(&xwayland), CopyRoute::System);
    }

    #[test]
    fn no_display_uses_osc52() {
        assert_eq!(choose_route(&env(Platform::X11, &[])), CopyRoute::Osc52);
        // arboard is built for X11 only: Wayland without XWayland cannot be reached.
        let wayland_only = env(Platform::X11, &[("WAYLAND_DISPLAY", "wayland-0")]);
        assert_eq!(choose_route(&wayland_only), CopyRoute::Osc52);
    }

    #[test]
    fn ssh_uses_osc52_unless_x11_is_forwarded() {
        assert_eq!(choose_route(&env(Platform::X11, &[SSH])), CopyRoute::Osc52);
        let forwarded = env(Platform::X11, &[SSH, ("DISPLAY", "localhost:10.0")]);
        assert_eq!(choose_route(&forwarded), CopyRoute::System);
        // The remote machine's own desktop (a tmux session started there): not the user's screen.
        let remote_desktop = env(Platform::X11, &[SSH, ("DISPLAY", ":0")]);
        assert_eq!(choose_route(&remote_desktop), CopyRoute::Osc52);
    }

    #[test]
    fn macos_and_windows_use_their_clipboard_except_over_ssh() {
        for platform in [Platform::MacOs, Platform::Windows] {
            assert_eq!(choose_route(&env(platform, &[])), CopyRoute::System);
            assert_eq!(choose_route(&env(platform, &[SSH])), CopyRoute::Osc52);
            let client = env(platform, &[("SSH_CLIENT", "10.0.0.2 51234 22")]);
            assert_eq!(choose_route(&client), CopyRoute::Osc52);
        }
    }

    #[test]
    fn the_clear_promise_is_true_for_each_route_and_fits_the_footer() {
        assert_eq!(clear_promise(OSC52_PLACE), "emptied in 30 s or at exit");
        assert_eq!(
            clear_promise(SYSTEM_PLACE),
            "cleared in 30 s or at exit if unchanged"
        );
        for place in [OSC52_PLACE, SYSTEM_PLACE] {
            let footer = format!(" Copied to the {place}; {}", clear_promise(place));
            assert!(footer.chars().count() <= 80, "{footer}");
        }
    }

    #[test]
    fn osc52_bytes() {
        assert_eq!(
            osc52_sequence("hello", Multiplexer::None).as_bytes(),
            b"\x1b]52;c;aGVsbG8=\x07"
        );
        assert_eq!(
            osc52_sequence("GEZD GNBV", Multiplexer::None).as_str(),
            "\x1b]52;c;R0VaRCBHTkJW\x07"
        );
        assert_eq!(osc52_clear(Multiplexer::None).as_bytes(), b"\x1b]52;c;\x07");
    }

    #[test]
    fn tmux_gets_a_passthrough_with_doubled_escapes_then_the_bare_sequence() {
        assert_eq!(
            osc52_sequence("hello", Multiplexer::Tmux).as_bytes(),
            b"\x1bPtmux;\x1b\x1b]52;c;aGVsbG8=\x07\x1b\\\x1b]52;c;aGVsbG8=\x07"
        );
        assert_eq!(
            osc52_clear(Multiplexer::Tmux),
            format!(
                "{}{}",
                tmux_passthrough(OSC52_CLEAR).as_str(),
                osc52_clear(Multiplexer::None)
            )
        );
    }

    #[test]
    fn osc52_route_returns_the_sequence() {
        let report = copy("hello", CopyRoute::Osc52, Multiplexer::None);
        match report {
            CopyReport::Osc52 {
                sequence,
                system_error: None,
            } => assert_eq!(sequence.as_str(), "\x1b]52;c;aGVsbG8=\x07"),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn system_success_and_failure_fallback() {
        let mut seen = None;
        let report = copy_with("hello", CopyRoute::System, Multiplexer::None, |text| {
            seen = Some(text.to_string());
            Ok(())
        });
        assert!(matches!(report, CopyReport::System));
        assert_eq!(seen.as_deref(), Some("hello"));

        let report = copy_with("hello", CopyRoute::System, Multiplexer::Tmux, |_| {
            Err(ClipboardError::TimedOut)
        });
        match report {
            CopyReport::Osc52 {
                sequence,
                system_error,
            } => {
                assert_eq!(sequence, osc52_sequence("hello", Multiplexer::Tmux));
                assert_eq!(system_error, Some(ClipboardError::TimedOut));
            }
            other => panic!("unexpected {other:?}"),
        }

        // The system clipboard is not even tried on the OSC 52 route.
        let report = copy_with("hello", CopyRoute::Osc52, Multiplexer::None, |_| {
            panic!("system clipboard used")
        });
        assert!(matches!(report, CopyReport::Osc52 { .. }));
    }

    #[test]
    fn report_debug_hides_the_sequence() {
        let report = copy_with("hello", CopyRoute::System, Multiplexer::None, |_| {
            Err(ClipboardError::Unavailable("no X".into()))
        });
        let shown = format!("{report:?}");
        assert!(!shown.contains("aGVsbG8"), "{shown}");
        assert!(shown.contains("no X"), "{shown}");
    }

    #[derive(Default)]
    struct FakeClipboard {
        text: Option<String>,
        clears: usize,
    }

    impl TextClipboard for FakeClipboard {
        fn read(&mut self) -> Result<Option<Zeroizing<String>>, ClipboardError> {
            Ok(self.text.clone().map(Zeroizing::new))
        }
        fn write_secret(&mut self, text: &str) -> Result<(), ClipboardError> {
            self.text = Some(text.to_owned());
            Ok(())
        }
        fn clear(&mut self) -> Result<(), ClipboardError> {
            self.text = None;
            self.clears += 1;
            Ok(())
        }
    }

    #[test]
    fn clears_only_what_we_copied() {
        let mut clipboard = FakeClipboard::default();
        clipboard.write_secret("SECRET").unwrap();
        assert_eq!(
            clear_if_holding(&mut clipboard, "SECRET"),
            Ok(ClearOutcome::Cleared)
        );
        assert_eq!((clipboard.text.as_deref(), clipboard.clears), (None, 1));

        clipboard.write_secret("the user's own text").unwrap();
        assert_eq!(
            clear_if_holding(&mut clipboard, "SECRET"),
            Ok(ClearOutcome::ChangedSinceCopy)
        );
        assert_eq!(clipboard.text.as_deref(), Some("the user's own text"));

        let mut empty = FakeClipboard::default();
        assert_eq!(
            clear_if_holding(&mut empty, "SECRET"),
            Ok(ClearOutcome::ChangedSinceCopy)
        );
        assert_eq!(empty.clears, 0);
    }

    #[test]
    fn bounded_returns_results_and_gives_up_on_a_hang() {
        assert_eq!(bounded(Duration::from_secs(5), || Ok(7)), Ok(7));
        assert_eq!(
            bounded::<()>(Duration::from_secs(5), || Err(ClipboardError::TimedOut)),
            Err(ClipboardError::TimedOut)
        );
        let started = std::time::Instant::now();
        let hung = bounded(Duration::from_millis(50), || {
            thread::sleep(Duration::from_millis(400));
            Ok(())
        });
        assert_eq!(hung, Err(ClipboardError::TimedOut));
        assert!(started.elapsed() < Duration::from_millis(300));
    }

    #[test]
    fn bounded_reports_a_panicking_worker() {
        let result = bounded::<()>(Duration::from_secs(5), || panic!("worker failed"));
        assert!(matches!(result, Err(ClipboardError::Unavailable(_))));
    }
}
