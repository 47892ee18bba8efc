//! Opening the `--log-file`: created readable by its owner only, appended to, and never through a
//! symbolic link (another user who can write the directory could otherwise point it at a file of ours).
//! The log holds no secrets, but it names users and devices.

use std::fs::{File, OpenOptions};
use std::path::Path;

/// Opens `path` for appending, creating it with mode 0600. `Err` is the one-line message for the user.
pub fn open(path: &Path) -> Result<File, String> {
    let mut options = OpenOptions::new();
    options.create(true).append(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options
            .mode(crate::secret_file::OWNER_ONLY_MODE)
            .custom_flags(libc::O_NOFOLLOW);
    }
    options.open(path).map_err(|error| {
        // O_NOFOLLOW fails with ELOOP on Linux and macOS, EMLINK on FreeBSD: ask the file system instead.
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        if is_link {
            format!(
                "the log file {} is a symbolic link; give the path of the file itself",
                path.display()
            )
        } else {
            format!("cannot open the log file {}: {error}", path.display())
        }
    })
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn a_new_log_is_owner_only_and_an_existing_one_is_appended_to() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("iam-mfa.log");
        writeln!(open(&path).unwrap(), "one").unwrap();
        writeln!(open(&path).unwrap(), "two").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "one\ntwo\n");
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "{mode:o}");
    }

    #[test]
    fn a_symlink_is_refused_and_its_target_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("precious");
        std::fs::write(&target, "keep").unwrap();
        let link = dir.path().join("iam-mfa.log");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        assert_eq!(
            open(&link).unwrap_err(),
            format!(
                "the log file {} is a symbolic link; give the path of the file itself",
                link.display()
            )
        );
        // A dangling link would otherwise be followed to create its target.
        let dangling = dir.path().join("dangling.log");
        std::os::unix::fs::symlink(dir.path().join("missing"), &dangling).unwrap();
        assert!(open(&dangling).is_err());
        assert!(!dir.path().join("missing").exists());
        assert_eq!(std::fs::read_to_string(&target).unwrap(), "keep");
    }
}
