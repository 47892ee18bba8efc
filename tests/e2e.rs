//! End to end: the real binary in a pseudo-terminal (see `support/pty.rs` for the harness), as a user
//! sees it. The demo account needs no network; the one AWS case points at a closed loopback port.

#[path = "support/pty.rs"]
mod pty;
#[path = "support/slow_iam.rs"]
mod slow_iam;

use pty::{PtyApp, WAIT, keys};

/// The demo administrator (see `assets/demo-account.toml`).
const DEMO_ADMIN_ARN: &str = "arn:aws:iam::210987654321:user/admin";

/// Starts the app on the demo account and waits for the home screen with the caller loaded.
fn demo_home(args: &[&str], cols: u16, rows: u16) -> (PtyApp, String) {
    let app = PtyApp::options().args(args).size(cols, rows).spawn();
    let screen = app.wait_for(
        |screen| screen.contains("Assign MFA device") && screen.contains("arn:aws:iam::"),
        "the home screen with the caller's ARN",
        WAIT,
    );
    (app, screen)
}

fn quit_cleanly(mut app: PtyApp, key: &str) {
    app.send_keys(key);
    let status = app.wait_exit(WAIT);
    assert!(
        status.success(),
        "exit status {status:?}, screen:\n{}",
        app.screen_text()
    );
    app.assert_terminal_restored();
}

#[test]
fn demo_opens_the_home_screen_with_who_you_are() {
    let (app, screen) = demo_home(&["--demo"], 80, 24);
    assert!(screen.contains(DEMO_ADMIN_ARN), "no caller ARN:\n{screen}");
    assert!(screen.contains("210987654321"), "no account:\n{screen}");
    assert!(screen.contains("admin"), "no mode:\n{screen}");
    for entry in ["Users", "Virtual MFA devices", "Quit"] {
        assert!(screen.contains(entry), "no {entry:?} entry:\n{screen}");
    }
    assert!(
        screen.contains("quit"),
        "no key hints in the footer:\n{screen}"
    );
    quit_cleanly(app, "q");
}

#[test]
fn demo_home_screen_fits_a_large_terminal() {
    let (app, screen) = demo_home(&["--demo"], 120, 40);
    assert!(screen.contains(DEMO_ADMIN_ARN), "{screen}");
    quit_cleanly(app, "q");
}

#[test]
fn question_mark_shows_help_and_esc_closes_it() {
    let (mut app, _) = demo_home(&["--demo"], 80, 24);
    app.send_keys("?");
    let help = app.wait_for_text("show or hide this help", WAIT);
    assert!(help.contains("Help"), "{help}");
    assert!(help.contains("Ctrl-C"), "{help}");

    app.send_keys(keys::ESC);
    let screen = app.wait_for_text_gone("show or hide this help", WAIT);
    assert!(
        screen.contains("Assign MFA device"),
        "Esc left the home screen:\n{screen}"
    );
    quit_cleanly(app, "q");
}

#[test]
fn q_quits_with_success_and_restores_the_terminal() {
    let (app, _) = demo_home(&["--demo"], 80, 24);
    quit_cleanly(app, "q");
}

#[test]
fn ctrl_c_quits_from_the_home_screen() {
    let (app, _) = demo_home(&["--demo"], 80, 24);
    quit_cleanly(app, keys::CTRL_C);
}

/// With bracketed paste on, a paste arrives as one text: a pasted "q" (or newline) is not the key.
#[test]
fn pasted_text_is_not_taken_as_keys() {
    let (mut app, _) = demo_home(&["--demo"], 80, 24);
    assert!(
        String::from_utf8_lossy(&app.raw_output()).contains("\x1b[?2004h"),
        "bracketed paste was not switched on"
    );
    app.send(b"\x1b[200~q\r\x1b[201~");
    app.send_keys(keys::DOWN);
    // The Down after the paste is handled, so the paste was read too, and it did not quit.
    app.wait_for_text("› u  Users", WAIT);
    quit_cleanly(app, "q");
}

#[test]
fn arrow_keys_move_the_selection() {
    let (mut app, screen) = demo_home(&["--demo"], 80, 24);
    assert!(
        screen.contains("› a  Assign MFA device"),
        "first entry not selected:\n{screen}"
    );
    app.send_keys(keys::DOWN);
    app.wait_for_text("› u  Users", WAIT);
    app.send_keys(keys::UP);
    app.wait_for_text("› a  Assign MFA device", WAIT);
    quit_cleanly(app, "q");
}

#[test]
fn each_demo_identity_shows_its_mode() {
    for (identity, mode, arn_part) in [
        (
            "self-service",
            "self-service",
            ":user/engineering/jordan.lee",
        ),
        (
            "self-service-pinned",
            "self-service",
            ":user/finance/priya.raman",
        ),
        ("root", "root", ":root"),
    ] {
        let (app, _) = demo_home(&["--demo", "--demo-as", identity], 120, 40);
        let screen = app.wait_for(
            |screen| screen.contains(arn_part) && screen.contains(mode),
            &format!("the {identity} caller and mode"),
            WAIT,
        );
        if identity == "root" {
            assert!(
                screen.contains("console"),
                "root is not sent to the console:\n{screen}"
            );
        }
        quit_cleanly(app, "q");
    }
}

#[test]
fn redact_says_so_in_the_header() {
    let (app, screen) = demo_home(&["--demo", "--redact"], 80, 24);
    assert!(screen.contains("secrets hidden"), "{screen}");
    quit_cleanly(app, "q");
}

/// No AWS variables, an empty HOME, and an endpoint nobody listens on: the app must say what is wrong,
/// how to fix it, and that --demo needs no credentials, all readable in a standard 80x24 terminal.
#[test]
fn without_credentials_the_app_explains_how_to_fix_it() {
    let app = PtyApp::spawn(&["--endpoint-url", "http://127.0.0.1:1"]);
    let screen = app.wait_for_text("credentials", WAIT);
    for advice in ["--profile", "--demo"] {
        assert!(
            screen.contains(advice),
            "the message does not mention {advice}:\n{screen}"
        );
    }
    assert!(!screen.contains(DEMO_ADMIN_ARN), "{screen}");
    quit_cleanly(app, "q");
}

/// The harness itself: `assert_terminal_restored` catches a program that leaves the alternate screen or
/// raw mode on, so the checks above can fail.
#[test]
fn the_restored_terminal_check_catches_a_broken_exit() {
    let check = |script: &str| {
        let mut app = PtyApp::options()
            .program("/bin/sh")
            .args(&["-c", script])
            .spawn();
        app.wait_exit(WAIT);
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            app.assert_terminal_restored()
        }))
        .is_ok()
    };
    let enter = r"printf '\033[?1049h'";
    let leave = r"printf '\033[?1049l'";
    assert!(
        !check(&format!("{enter}; stty -icanon -echo")),
        "still on the alternate screen"
    );
    assert!(
        !check(&format!("{enter}; {leave}; stty -icanon -echo")),
        "still in raw mode"
    );
    let paste_on = r"printf '\033[?2004h'";
    assert!(
        !check(&format!("{enter}; {paste_on}; {leave}")),
        "bracketed paste still on"
    );
    assert!(check(&format!(
        "{enter}; {leave}; stty -icanon -echo; stty icanon echo"
    )));
}

/// `list` in a terminal: while IAM takes its time, a progress line on stderr; once the answer is in,
/// the line is cleared and the table printed.
#[test]
fn list_in_a_terminal_shows_progress_while_it_waits_then_clears_it() {
    let endpoint = slow_iam::start(std::time::Duration::from_millis(2000));
    let mut app = PtyApp::options()
        .args(&["--endpoint-url", &endpoint, "list"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_REGION", "us-east-1")
        .spawn();
    let waiting = app.wait_for_text("Listing the virtual MFA devices…", WAIT);
    assert!(!waiting.contains(slow_iam::SERIAL), "{waiting}");
    let status = app.wait_exit(WAIT);
    assert!(status.success(), "{status:?}:\n{}", app.screen_text());
    let done = app.screen_text();
    assert!(done.contains(slow_iam::SERIAL), "{done}");
    assert!(
        !done.contains("Listing the virtual"),
        "the progress line stayed:\n{done}"
    );
}

#[test]
fn sgr_colour_detection_tells_colours_from_modifiers() {
    pty::check_colour_detection();
}
