//! Saving a secret where the user chose, and nowhere else: files readable by their owner only from the
//! first byte (no window in which another user could open them), never written through a symlink, never
//! replacing an existing file unless the user said so, and flushed to disk before we report success.
//! Also the two things worth saving: the QR code as a PNG and the secret as text.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::otp::Seed;
use crate::qr::raster::Raster;
use crate::qr::{Polarity, QrError, QrMatrix};

/// Permissions of every file we write: read and write for the owner, nothing for anyone else.
#[cfg(unix)]
pub const OWNER_ONLY_MODE: u32 = 0o600;

/// Writes `bytes` to a new file at `path` with mode 0600 and syncs it (and its directory entry) to disk.
///
/// Without `overwrite`, an existing name fails with `io::ErrorKind::AlreadyExists` and is left alone (a
/// symlink counts, even a dangling one). With it, the existing entry is replaced by a new owner-only
/// file: a symlink is replaced itself and its target never written; a directory is not replaced.
pub fn write_owner_only(path: &Path, bytes: &[u8], overwrite: bool) -> io::Result<()> {
    if overwrite {
        replace(path, bytes)
    } else {
        write_new(path, bytes)
    }?;
    sync_directory_of(path)
}

/// Why a save did not happen, for the screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// Something is already there (the expanded path): the user may choose to overwrite it.
    Exists(PathBuf),
    Failed(String),
}

/// Saves as the user asked: `~` expanded against `home`, an existing name reported as
/// [`SaveError::Exists`] unless `overwrite`. Answers the path written.
pub fn save(
    path: &Path,
    bytes: &[u8],
    overwrite: bool,
    home: Option<&Path>,
) -> Result<PathBuf, SaveError> {
    let path = expand_home(path, home);
    match write_owner_only(&path, bytes, overwrite) {
        Ok(()) => Ok(path),
        Err(error) if error.kind() == io::ErrorKind::AlreadyExists => Err(SaveError::Exists(path)),
        Err(error) => Err(SaveError::Failed(format!("{}: {error}", path.display()))),
    }
}

/// `~` and `~/...` name the home directory, as in a shell; `~user` and everything else stay as typed.
pub fn expand_home(path: &Path, home: Option<&Path>) -> PathBuf {
    let Some(home) = home else {
        return path.to_path_buf();
    };
    let mut components = path.components();
    match components.next() {
        Some(std::path::Component::Normal(first)) if first == "~" => {
            home.join(components.as_path())
        }
        _ => path.to_path_buf(),
    }
}

/// `create_new` is O_CREAT|O_EXCL: it fails on any existing name and never follows a symlink.
fn create_owner_only(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, OWNER_ONLY_MODE);
    options.open(path)
}

fn write_new(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut file = create_owner_only(path)?;
    let written = file.write_all(bytes).and_then(|()| file.sync_all());
    if written.is_err() {
        // Ours, and half written: a truncated secret is worse than none.
        let _ = fs::remove_file(path);
    }
    written
}

/// A fresh file beside the target, then an atomic rename over it: an existing file keeps its content
/// until the new one is complete, and its old (perhaps wider) permissions never apply to the secret.
fn replace(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let (temporary, mut file) = create_temporary_beside(path)?;
    let result = file
        .write_all(bytes)
        .and_then(|()| file.sync_all())
        .and_then(|()| fs::rename(&temporary, path));
    if result.is_err() {
        let _ = fs::remove_file(&temporary);
    }
    result
}

fn create_temporary_beside(path: &Path) -> io::Result<(PathBuf, File)> {
    let name = path
        .file_name()
        .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "the path names no file"))?;
    const ATTEMPTS: usize = 8;
    for _ in 0..ATTEMPTS {
        let mut suffix = [0u8; 8];
        getrandom::getrandom(&mut suffix).map_err(|e| io::Error::other(e.to_string()))?;
        let suffix: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
        let mut temporary_name = std::ffi::OsString::from(".");
        temporary_name.push(name);
        temporary_name.push(format!(".{suffix}.tmp"));
        let temporary = path.with_file_name(temporary_name);
        match create_owner_only(&temporary) {
            Ok(file) => return Ok((temporary, file)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::new(
        io::ErrorKind::AlreadyExists,
        "could not find a free temporary name",
    ))
}

/// Makes the new directory entry durable too (a synced file can still vanish in a crash otherwise).
fn sync_directory_of(path: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        let directory = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        File::open(directory)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        Ok(())
    }
}

/// Quiet zone of the PNG: the standard 4 modules, since a file has room for them.
pub const PNG_QUIET_ZONE: usize = 4;
/// Pixels per module accepted by [`qr_png`]; larger requests are clamped.
pub const MAX_PNG_SCALE: u32 = 32;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PngError {
    #[error(transparent)]
    Qr(#[from] QrError),
    #[error("could not encode the PNG: {0}")]
    Encode(String),
}

/// The QR code of `text` as a greyscale PNG, black modules on white, with the standard quiet zone;
/// `scale` pixels per module (clamped to 1..=[`MAX_PNG_SCALE`]).
pub fn qr_png(text: &str, scale: u32) -> Result<Zeroizing<Vec<u8>>, PngError> {
    let scale = scale.clamp(1, MAX_PNG_SCALE);
    let matrix = QrMatrix::encode(text)?;
    Raster::of(
        &matrix,
        PNG_QUIET_ZONE,
        scale,
        (0, 0),
        Polarity::DarkOnLight,
    )
    .png()
    .map_err(|e| PngError::Encode(e.to_string()))
}

/// The text export: the secret key grouped in fours as people type it, and the otpauth URI.
pub fn secret_text(seed: &Seed, device_name: &str, account_name: &str) -> Zeroizing<String> {
    let uri = seed.otpauth_uri(device_name, account_name);
    Zeroizing::new(format!(
        "AWS IAM virtual MFA device: {device_name} (account {account_name})\n\
         Secret key (Base32, TOTP SHA1, 6 digits, 30 s): {}\n\
         otpauth URI: {}\n\
         Anyone who reads this file can generate this device's codes: keep it private, delete it when done.\n",
        seed.grouped().as_str(),
        uri.as_str(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(unix)]
    use std::os::unix::fs::PermissionsExt;

    #[cfg(unix)]
    fn mode_of(path: &Path) -> u32 {
        fs::symlink_metadata(path).unwrap().permissions().mode() & 0o777
    }

    fn names_in(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    #[cfg(unix)]
    fn new_file_is_owner_only_and_holds_the_bytes() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.txt");
        write_owner_only(&path, b"secret", false).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"secret");
        assert_eq!(mode_of(&path), 0o600);
    }

    #[test]
    fn existing_file_is_not_clobbered() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.txt");
        fs::write(&path, b"keep me").unwrap();
        let error = write_owner_only(&path, b"secret", false).unwrap_err();
        assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        assert_eq!(fs::read(&path).unwrap(), b"keep me");
    }

    #[test]
    #[cfg(unix)]
    fn symlink_is_never_followed() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("elsewhere");
        fs::write(&target, b"not yours").unwrap();
        let link = dir.path().join("seed.txt");
        std::os::unix::fs::symlink(&target, &link).unwrap();
        let dangling = dir.path().join("dangling.txt");
        std::os::unix::fs::symlink(dir.path().join("missing"), &dangling).unwrap();

        for path in [&link, &dangling] {
            let error = write_owner_only(path, b"secret", false).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::AlreadyExists);
        }
        assert!(!dir.path().join("missing").exists());

        // Replacing swaps the link for a file of ours; the link's target is untouched.
        write_owner_only(&link, b"secret", true).unwrap();
        assert!(fs::symlink_metadata(&link).unwrap().file_type().is_file());
        assert_eq!(fs::read(&link).unwrap(), b"secret");
        assert_eq!(fs::read(&target).unwrap(), b"not yours");
    }

    #[test]
    #[cfg(unix)]
    fn replace_gives_an_owner_only_file_and_leaves_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.txt");
        fs::write(&path, b"old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        write_owner_only(&path, b"new", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");
        assert_eq!(mode_of(&path), 0o600);
        assert_eq!(names_in(dir.path()), vec!["seed.txt"]);
    }

    #[test]
    fn replace_creates_a_missing_file_and_refuses_a_directory() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("seed.txt");
        write_owner_only(&path, b"new", true).unwrap();
        assert_eq!(fs::read(&path).unwrap(), b"new");

        let sub = dir.path().join("sub");
        fs::create_dir(&sub).unwrap();
        fs::write(sub.join("inside"), b"x").unwrap();
        assert!(write_owner_only(&sub, b"new", true).is_err());
        assert!(sub.join("inside").exists());
        assert_eq!(names_in(dir.path()), vec!["seed.txt", "sub"]);
    }

    #[test]
    fn a_tilde_is_the_home_directory() {
        let home = Path::new("/home/ada");
        assert_eq!(
            expand_home(Path::new("~/mfa/qr.png"), Some(home)),
            Path::new("/home/ada/mfa/qr.png")
        );
        assert_eq!(expand_home(Path::new("~"), Some(home)), home);
        for kept in ["~ada/qr.png", "qr~.png", "/tmp/~/qr.png"] {
            assert_eq!(expand_home(Path::new(kept), Some(home)), Path::new(kept));
        }
        assert_eq!(expand_home(Path::new("~/x"), None), Path::new("~/x"));
    }

    #[test]
    fn save_says_an_existing_file_exists_and_overwrites_when_told() {
        let dir = tempfile::tempdir().unwrap();
        let written = save(Path::new("~/s.txt"), b"one", false, Some(dir.path())).unwrap();
        assert_eq!(written, dir.path().join("s.txt"));
        let again = save(Path::new("~/s.txt"), b"two", false, Some(dir.path()));
        assert_eq!(again, Err(SaveError::Exists(dir.path().join("s.txt"))));
        assert_eq!(fs::read(&written).unwrap(), b"one", "left alone");
        save(Path::new("~/s.txt"), b"two", true, Some(dir.path())).unwrap();
        assert_eq!(fs::read(&written).unwrap(), b"two");
        assert_eq!(mode_of(&written) & 0o777, OWNER_ONLY_MODE);
        let missing = save(Path::new("~/no/s.txt"), b"x", false, Some(dir.path()));
        assert!(matches!(missing, Err(SaveError::Failed(why)) if why.contains("no/s.txt")));
    }

    #[test]
    fn missing_directory_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("no/such/dir/seed.txt");
        for overwrite in [false, true] {
            let error = write_owner_only(&path, b"secret", overwrite).unwrap_err();
            assert_eq!(error.kind(), io::ErrorKind::NotFound);
        }
    }

    fn decode_png(bytes: &[u8]) -> (u32, Vec<String>) {
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut pixels = vec![0; reader.output_buffer_size().expect("a small image")];
        let frame = reader.next_frame(&mut pixels).unwrap();
        assert_eq!(frame.color_type, png::ColorType::Grayscale);
        assert_eq!(frame.bit_depth, png::BitDepth::Eight);
        let (w, h) = (frame.width as usize, frame.height as usize);
        let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| pixels[y * w + x]);
        let texts = image
            .detect_grids()
            .into_iter()
            .map(|grid| grid.decode().unwrap().1)
            .collect();
        (frame.width, texts)
    }

    #[test]
    fn png_decodes_back_to_the_uri() {
        let uri = Seed::generate().otpauth_uri("alice-phone", "123456789012");
        let png = qr_png(&uri, 6).unwrap();
        let (width, texts) = decode_png(&png);
        // Version 7 is 45 modules, plus 4 on each side.
        assert_eq!(width, (45 + 2 * 4) * 6);
        assert_eq!(texts, vec![uri.to_string()]);
    }

    #[test]
    fn png_scale_is_clamped() {
        let (width, texts) = decode_png(&qr_png("HELLO", 0).unwrap());
        assert_eq!((width, texts), (21 + 8, vec!["HELLO".to_string()]));
        let (width, _) = decode_png(&qr_png("HELLO", 1000).unwrap());
        assert_eq!(width, 29 * MAX_PNG_SCALE);
    }

    #[test]
    fn png_of_too_long_text_is_an_error() {
        assert_eq!(
            qr_png(&"x".repeat(4000), 4),
            Err(PngError::Qr(QrError::TooLong))
        );
    }

    #[test]
    fn secret_text_has_grouped_secret_and_uri() {
        let seed = Seed::from_bytes(b"12345678901234567890");
        let text = secret_text(&seed, "alice", "123456789012");
        assert!(text.contains("device: alice (account 123456789012)"));
        assert!(text.contains(": GEZD GNBV GY3T QOJQ GEZD GNBV GY3T QOJQ\n"));
        assert!(text.contains(&format!(
            "otpauth URI: {}\n",
            seed.otpauth_uri("alice", "123456789012").as_str()
        )));
    }
}
