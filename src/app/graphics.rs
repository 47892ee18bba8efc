//! What the terminal can show besides text, as the runtime found out before the first frame: plain data
//! for rendering (the app never asks the terminal itself).

pub use crate::qr::fit::CellPixels;

/// An image protocol the terminal speaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ImageProtocol {
    /// The Kitty graphics protocol (kitty, Ghostty, WezTerm, Konsole).
    Kitty,
    /// iTerm2's inline images (iTerm2, WezTerm, mintty, VS Code's terminal).
    Iterm2,
    /// DEC Sixel (xterm -ti vt340, foot, mlterm, Contour, Windows Terminal 1.22+, tmux 3.4+ built with Sixel).
    Sixel,
}

/// How QR codes can be drawn as images here.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Graphics {
    pub protocol: ImageProtocol,
    /// A cell's size in pixels, so that an image covers whole cells exactly.
    pub cell: CellPixels,
}
