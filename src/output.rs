//! Writing a command's output (`iam-mfa list`) to stdout as a script expects: a reader that went away
//! (`iam-mfa list | head -1`) ends the run quietly, as it does for `ls`; any other write error (a full
//! disk, `> /dev/full`) and a closed stdout (`>&-`) are errors, never a panic and never a silent success.

use std::io::{self, Write};

/// Writes `text` to stdout and flushes it. `Err` is the one-line message for the user.
pub fn write_stdout(text: &str) -> Result<(), String> {
    if stdout_was_closed() {
        return Err("stdout is closed: nowhere to write the output (redirect it to a file)".into());
    }
    written(io::stdout().lock(), text)
}

fn written(mut out: impl Write, text: &str) -> Result<(), String> {
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        // The reader has all it wanted; what it did not read is not an error (Rust ignores SIGPIPE, so
        // the write fails with EPIPE instead of killing us).
        Err(error) if error.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        Err(error) => Err(format!("cannot write the output: {error}")),
    }
}

/// True when file descriptor 1 was closed as the process started. Rust's runtime opens /dev/null on a
/// closed standard descriptor before `main`, after which `>&-` looks like `> /dev/null`; the truth is
/// recorded earlier, by [`record_stdout`] from the executable's initialiser list.
fn stdout_was_closed() -> bool {
    #[cfg(unix)]
    {
        start::STDOUT_CLOSED.load(std::sync::atomic::Ordering::Relaxed)
    }
    #[cfg(not(unix))]
    {
        false
    }
}

#[cfg(unix)]
// The one unsafe block of the crate (unsafe_code is denied everywhere else).
#[allow(unsafe_code)]
mod start {
    use std::sync::atomic::{AtomicBool, Ordering};

    pub(super) static STDOUT_CLOSED: AtomicBool = AtomicBool::new(false);

    /// Runs before Rust's runtime start-up (ELF `.init_array`, Mach-O `__mod_init_func`). Elsewhere it
    /// never runs and a closed stdout reads as /dev/null.
    #[used]
    #[cfg_attr(
        any(
            target_os = "linux",
            target_os = "android",
            target_os = "freebsd",
            target_os = "netbsd",
            target_os = "openbsd",
            target_os = "dragonfly",
            target_os = "illumos",
            target_os = "solaris"
        ),
        unsafe(link_section = ".init_array")
    )]
    #[cfg_attr(
        target_vendor = "apple",
        unsafe(link_section = "__DATA,__mod_init_func")
    )]
    static RECORD_STDOUT: extern "C" fn() = record_stdout;

    extern "C" fn record_stdout() {
        // SAFETY: F_GETFD only reads the descriptor's flags; -1 (EBADF) means it is not open.
        let closed = unsafe { libc::fcntl(libc::STDOUT_FILENO, libc::F_GETFD) } == -1;
        STDOUT_CLOSED.store(closed, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A writer that fails every write with one error.
    struct Failing(io::ErrorKind);

    impl Write for Failing {
        fn write(&mut self, _: &[u8]) -> io::Result<usize> {
            Err(io::Error::from(self.0))
        }
        fn flush(&mut self) -> io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_closed_pipe_is_success_and_other_errors_are_one_line() {
        assert_eq!(
            written(Failing(io::ErrorKind::BrokenPipe), "rows\n"),
            Ok(())
        );
        let full = written(Failing(io::ErrorKind::StorageFull), "rows\n").unwrap_err();
        assert!(full.starts_with("cannot write the output: "), "{full}");
        let mut buffer = Vec::new();
        assert_eq!(written(&mut buffer, "rows\n"), Ok(()));
        assert_eq!(buffer, b"rows\n");
    }
}
