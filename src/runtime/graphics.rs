//! Whether the terminal shows images, found out once: after raw mode is on and before the event loop
//! reads input, because the terminal's answers arrive on stdin, where the event stream would take them
//! for keys. Three queries in one write: the Kitty graphics query (`ESC _ G ... a=q`), the cell size in
//! pixels (`CSI 16 t`), and Primary Device Attributes (`CSI c`, whose answer lists 4 for Sixel). Every
//! terminal answers the last one, so it ends the wait; a terminal that answers nothing costs
//! [`ANSWER_WAIT`] once.
//!
//! iTerm2's protocol has no query: the environment names the terminals that speak it. Inside tmux the
//! queries reach tmux itself, which answers for what it draws: Sixel when it is built with it (3.4+).
//! Nothing is sent past tmux to the outer terminal: a passthrough image (`ESC P tmux;`, which needs
//! `allow-passthrough on`) lands wherever the outer cursor happens to be, over text tmux no longer
//! redraws (seen with kitty 0.26 and tmux 3.3a), so there half blocks it is.

use std::io::{self, Read, Write};
use std::time::{Duration, Instant};

use crate::app::graphics::{CellPixels, Graphics, ImageProtocol};
use crate::cli::QrOutput;

/// How long to wait for the answers at most. Terminals answer within milliseconds once running, but one
/// that has just opened (`kitty iam-mfa`) may take a second or more before it reads what the app wrote,
/// and an answer that comes after the wait would reach the event loop as keys.
const ANSWER_WAIT: Duration = Duration::from_secs(2);
const QUERIES: &str = "\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[16t\x1b[c";
/// A cell size to assume for Kitty and iTerm2 when the terminal does not say: they scale the image to the
/// cells named, so only the proportions matter.
const ASSUMED_CELL: CellPixels = CellPixels {
    width: 10,
    height: 20,
};

/// The environment variables that name a terminal.
#[derive(Debug, Default, Clone)]
pub struct Env {
    pub term: String,
    pub term_program: String,
    pub lc_terminal: String,
    pub in_tmux: bool,
}

impl Env {
    pub fn from_process() -> Self {
        let var = |name| std::env::var(name).unwrap_or_default();
        Self {
            term: var("TERM"),
            term_program: var("TERM_PROGRAM"),
            lc_terminal: var("LC_TERMINAL"),
            in_tmux: std::env::var_os("TMUX").is_some(),
        }
    }

    /// Terminals known to speak iTerm2's inline images (WezTerm speaks Kitty's too, but not fully).
    fn speaks_iterm2(&self) -> bool {
        ["iTerm.app", "WezTerm", "vscode", "mintty"].contains(&self.term_program.as_str())
            || self.lc_terminal == "iTerm2"
    }

    /// A terminal that speaks images but did not say so, guessed from its environment.
    fn guessed_protocol(&self) -> ImageProtocol {
        if self.speaks_iterm2() {
            ImageProtocol::Iterm2
        } else {
            ImageProtocol::Kitty
        }
    }
}

/// What the terminal said.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Answers {
    pub kitty: bool,
    pub sixel: bool,
    pub cell: Option<CellPixels>,
}

impl Answers {
    /// Reads the answers out of the bytes the terminal sent back.
    pub fn parse(bytes: &[u8]) -> Self {
        let text = String::from_utf8_lossy(bytes);
        let kitty = text.contains("\x1b_Gi=31;OK");
        let cell = csi_params(&text, "\x1b[6;", 't').and_then(|params| {
            let [height, width] = params[..] else {
                return None;
            };
            (width > 0 && height > 0).then_some(CellPixels { width, height })
        });
        let sixel = csi_params(&text, "\x1b[?", 'c').is_some_and(|params| params.contains(&4));
        Self { kitty, sixel, cell }
    }
}

/// The numeric parameters of the first `prefix ... final` sequence in `text`.
fn csi_params(text: &str, prefix: &str, final_byte: char) -> Option<Vec<u16>> {
    let start = text.find(prefix)? + prefix.len();
    let rest = &text[start..];
    let end = rest.find(final_byte)?;
    rest[..end]
        .split(';')
        .map(|n| n.parse().ok())
        .collect::<Option<Vec<u16>>>()
}

/// How codes are drawn, from the choice on the command line, the answers and the environment.
pub fn decide(
    choice: QrOutput,
    answers: &Answers,
    env: &Env,
    window_cell: Option<CellPixels>,
) -> Option<Graphics> {
    if choice == QrOutput::Blocks {
        return None;
    }
    let cell = answers.cell.or(window_cell);
    let native = if env.in_tmux {
        // tmux answers for itself; only Sixel is drawn by tmux.
        answers.sixel.then_some(ImageProtocol::Sixel)
    } else if env.speaks_iterm2() {
        Some(ImageProtocol::Iterm2)
    } else if answers.kitty {
        Some(ImageProtocol::Kitty)
    } else if answers.sixel {
        Some(ImageProtocol::Sixel)
    } else {
        None
    };
    match (native, cell) {
        (Some(ImageProtocol::Sixel), Some(cell)) => Some(Graphics {
            protocol: ImageProtocol::Sixel,
            cell,
        }),
        // Sixel draws at the terminal's own pixel size: without it, no image.
        (Some(ImageProtocol::Sixel), None) => None,
        (Some(protocol), cell) => Some(Graphics {
            protocol,
            cell: cell.unwrap_or(ASSUMED_CELL),
        }),
        // Asked for images, on a terminal that did not say it shows them (never past tmux).
        (None, cell) if choice == QrOutput::Image && !env.in_tmux => Some(Graphics {
            protocol: env.guessed_protocol(),
            cell: cell.unwrap_or(ASSUMED_CELL),
        }),
        (None, _) => None,
    }
}

/// Queries the terminal (raw mode must be on, the event stream not yet started) and decides.
pub fn detect(choice: QrOutput) -> Option<Graphics> {
    if choice == QrOutput::Blocks {
        return None;
    }
    let answers = match query() {
        Ok(bytes) => Answers::parse(&bytes),
        Err(error) => {
            tracing::debug!(%error, "terminal graphics query failed");
            Answers::default()
        }
    };
    let window_cell = crossterm::terminal::window_size().ok().and_then(|size| {
        let width = size.width.checked_div(size.columns)?;
        let height = size.height.checked_div(size.rows)?;
        (width > 0 && height > 0).then_some(CellPixels { width, height })
    });
    let env = Env::from_process();
    let graphics = decide(choice, &answers, &env, window_cell);
    tracing::info!(?answers, ?graphics, "terminal graphics");
    graphics
}

/// Writes the queries and reads what comes back until the device attributes answer, or the wait ends.
fn query() -> io::Result<Vec<u8>> {
    use rustix::event::{PollFd, PollFlags, Timespec, poll};
    let mut out = io::stdout().lock();
    out.write_all(QUERIES.as_bytes())?;
    out.flush()?;
    let stdin = io::stdin();
    let mut answers = Vec::new();
    let deadline = Instant::now() + ANSWER_WAIT;
    while !ends_with_device_attributes(&answers) {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break;
        }
        let mut fds = [PollFd::new(&stdin, PollFlags::IN)];
        let timeout = Timespec::try_from(left).unwrap_or(Timespec {
            tv_sec: 0,
            tv_nsec: 0,
        });
        if poll(&mut fds, Some(&timeout))? == 0 {
            break;
        }
        let mut chunk = [0u8; 256];
        let read = stdin.lock().read(&mut chunk)?;
        if read == 0 {
            break;
        }
        answers.extend_from_slice(&chunk[..read]);
    }
    Ok(answers)
}

/// Kitty keeps an image on screen until told otherwise, whatever is drawn over it: once a frame no longer
/// holds the QR image (the user left the view, the step, or the app), it is deleted, and with it the
/// seed's pixels in the terminal's memory.
#[derive(Debug, Default)]
pub struct KittyImage {
    on_screen: bool,
}

impl KittyImage {
    /// After each frame: deletes the image when the frame no longer holds it.
    pub fn after_draw(
        &mut self,
        frame: &ratatui::buffer::Buffer,
        tty: &mut dyn Write,
    ) -> io::Result<()> {
        let holds = crate::ui::graphics::holds_kitty_image(frame);
        if self.on_screen && !holds {
            self.delete(tty)?;
        }
        self.on_screen = holds;
        Ok(())
    }

    /// On the way out.
    pub fn delete(&mut self, tty: &mut dyn Write) -> io::Result<()> {
        if std::mem::take(&mut self.on_screen) {
            tty.write_all(crate::ui::graphics::kitty::DELETE.as_bytes())?;
            tty.flush()?;
        }
        Ok(())
    }
}

fn ends_with_device_attributes(bytes: &[u8]) -> bool {
    let text = String::from_utf8_lossy(bytes);
    text.find("\x1b[?")
        .is_some_and(|start| text[start..].contains('c'))
}

#[cfg(test)]
mod tests {
    use super::*;

    const KITTY: &[u8] = b"\x1b_Gi=31;OK\x1b\\\x1b[6;20;10t\x1b[?62;22;52c";
    const XTERM_SIXEL: &[u8] = b"\x1b[6;17;9t\x1b[?63;1;2;4;6;9;15;22c";
    const PLAIN: &[u8] = b"\x1b[?62;22c";

    fn cell(width: u16, height: u16) -> Option<CellPixels> {
        Some(CellPixels { width, height })
    }

    #[test]
    fn answers_are_read() {
        assert_eq!(
            Answers::parse(KITTY),
            Answers {
                kitty: true,
                sixel: false,
                cell: cell(10, 20)
            }
        );
        assert_eq!(
            Answers::parse(XTERM_SIXEL),
            Answers {
                kitty: false,
                sixel: true,
                cell: cell(9, 17)
            }
        );
        assert_eq!(Answers::parse(PLAIN), Answers::default());
        assert_eq!(Answers::parse(b""), Answers::default());
        assert!(ends_with_device_attributes(PLAIN));
        assert!(!ends_with_device_attributes(
            b"\x1b_Gi=31;OK\x1b\\\x1b[?62;2"
        ));
    }

    fn protocol(choice: QrOutput, answers: &[u8], env: &Env) -> Option<ImageProtocol> {
        decide(choice, &Answers::parse(answers), env, None).map(|g| g.protocol)
    }

    #[test]
    fn auto_uses_what_the_terminal_says() {
        let env = Env::default();
        assert_eq!(
            protocol(QrOutput::Auto, KITTY, &env),
            Some(ImageProtocol::Kitty)
        );
        assert_eq!(
            protocol(QrOutput::Auto, XTERM_SIXEL, &env),
            Some(ImageProtocol::Sixel)
        );
        assert_eq!(protocol(QrOutput::Auto, PLAIN, &env), None);
        assert_eq!(protocol(QrOutput::Blocks, KITTY, &env), None);
        let iterm = Env {
            term_program: "iTerm.app".into(),
            ..Env::default()
        };
        assert_eq!(
            protocol(QrOutput::Auto, PLAIN, &iterm),
            Some(ImageProtocol::Iterm2)
        );
    }

    #[test]
    fn sixel_needs_the_cell_size() {
        let answers = Answers {
            sixel: true,
            ..Answers::default()
        };
        assert_eq!(
            decide(QrOutput::Auto, &answers, &Env::default(), None),
            None
        );
        let with_window = decide(QrOutput::Auto, &answers, &Env::default(), cell(8, 16));
        assert_eq!(with_window.map(|g| g.cell), cell(8, 16));
    }

    #[test]
    fn inside_tmux_only_tmux_sixel() {
        let tmux = Env {
            in_tmux: true,
            ..Env::default()
        };
        // A Kitty answer cannot come from tmux; only its own Sixel counts, and nothing goes past it.
        assert_eq!(protocol(QrOutput::Auto, KITTY, &tmux), None);
        assert_eq!(protocol(QrOutput::Auto, PLAIN, &tmux), None);
        assert_eq!(
            protocol(QrOutput::Auto, XTERM_SIXEL, &tmux),
            Some(ImageProtocol::Sixel)
        );
        assert_eq!(protocol(QrOutput::Image, PLAIN, &tmux), None);
    }

    #[test]
    fn image_on_an_unknown_terminal_tries_kitty() {
        assert_eq!(
            protocol(QrOutput::Image, PLAIN, &Env::default()),
            Some(ImageProtocol::Kitty)
        );
    }
}
