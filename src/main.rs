//! Wiring only: parse the command line, set up logging and the IAM backend, then run the list command or
//! the terminal interface. Errors reach the user as one line, never a backtrace.

use std::process::ExitCode;
use std::sync::Arc;

use clap::Parser;

use iam_mfa::app::{App, Session};
use iam_mfa::cli::{Cli, Command};
use iam_mfa::clock;
use iam_mfa::iam::Iam;
use iam_mfa::iam::aws::profiles::AwsConnector;
use iam_mfa::iam::aws::{AwsIam, AwsSettings};
use iam_mfa::iam::connect::Connector;
use iam_mfa::iam::demo::DemoAccount;
use iam_mfa::iam::demo::profiles::{DemoConnector, MakeAccount};
use iam_mfa::progress::Progress;
use iam_mfa::{listing, log_file, output, runtime};

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return usage_error(error),
    };
    // Before anything else: packagers run this at build time, with no credentials and no terminal.
    if let Some(kind) = cli.generate {
        return match output::write_stdout(&iam_mfa::generate::render(kind)) {
            Ok(()) => ExitCode::SUCCESS,
            Err(message) => {
                say(&message);
                ExitCode::FAILURE
            }
        };
    }
    if let Err(message) = cli.check() {
        say(&format!("{message} (see iam-mfa --help)"));
        return ExitCode::from(2);
    }
    if let Err(message) = init_logging(cli.log_file.as_deref()) {
        say(&message);
        return ExitCode::FAILURE;
    }
    let tokio = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(tokio) => tokio,
        Err(error) => {
            say(&format!("cannot start the async runtime: {error}"));
            return ExitCode::FAILURE;
        }
    };
    let code = match tokio.block_on(run(cli)) {
        Ok(code) => code,
        Err(message) => {
            say(&message);
            ExitCode::FAILURE
        }
    };
    // Leave at once: a clipboard call stuck on a dead display must not hold the exit.
    tokio.shutdown_background();
    code
}

/// One line on stderr. A failed write is ignored: stderr may be gone (a closed terminal), and
/// `eprintln!` would panic.
fn say(message: &str) {
    use std::io::Write;
    let _ = writeln!(std::io::stderr(), "iam-mfa: {message}");
}

/// clap's own output for --help and --version; for a usage error its first line only (plus a pointer to
/// --help), so a typo never scrolls a wall of text.
fn usage_error(error: clap::Error) -> ExitCode {
    use clap::error::ErrorKind;
    if matches!(
        error.kind(),
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion
    ) {
        let _ = error.print();
        return ExitCode::SUCCESS;
    }
    let rendered = error.render().to_string();
    let first = rendered.lines().next().unwrap_or("invalid arguments");
    let first = first.strip_prefix("error: ").unwrap_or(first);
    say(&format!("{first} (see iam-mfa --help)"));
    ExitCode::from(2)
}

fn init_logging(path: Option<&std::path::Path>) -> Result<(), String> {
    let Some(path) = path else {
        return Ok(());
    };
    let file = log_file::open(path)?;
    tracing_subscriber::fmt()
        .with_writer(std::sync::Mutex::new(file))
        .with_ansi(false)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("IAM_MFA_LOG")
                .unwrap_or_else(|_| "iam_mfa=debug,info".into()),
        )
        .init();
    Ok(())
}

async fn run(cli: Cli) -> Result<ExitCode, String> {
    let clock = clock::system();
    let (iam, connector): (Arc<dyn Iam>, Arc<dyn Connector>) = if cli.target.demo {
        let identity = cli.target.demo_identity();
        let iam: Arc<dyn Iam> = Arc::new(match &cli.target.demo_data {
            Some(path) => DemoAccount::from_file(identity, clock.clone(), path)
                .map_err(|error| error.to_string())?,
            None => DemoAccount::new(identity, clock.clone()),
        });
        // The other demo profiles start from the same data (checked above, so it loads again).
        let (data, clock) = (cli.target.demo_data.clone(), clock.clone());
        let make: MakeAccount = Box::new(move |identity| match &data {
            Some(path) => DemoAccount::from_file(identity, clock.clone(), path)
                .unwrap_or_else(|_| DemoAccount::new(identity, clock.clone())),
            None => DemoAccount::new(identity, clock.clone()),
        });
        (iam.clone(), Arc::new(DemoConnector::new(iam, make)))
    } else {
        let settings = AwsSettings {
            profile: cli.target.profile.clone(),
            region: cli.target.region.clone(),
            endpoint_url: cli.target.endpoint_url.clone(),
        };
        let iam = AwsIam::connect(&settings)
            .await
            .map_err(|error| error.to_string())?;
        (Arc::new(iam), Arc::new(AwsConnector { settings }))
    };
    match cli.command {
        Some(Command::List(args)) => {
            let progress = Progress::new(listing::what(&args), None);
            let rows = progress.around(listing::fetch(iam.as_ref(), &args)).await;
            progress.finish();
            let rows = rows.map_err(|error| error.to_string())?;
            output::write_stdout(&listing::format(&rows, args.output))?;
            Ok(ExitCode::SUCCESS)
        }
        Some(Command::Audit(args)) => {
            if let Err(message) = iam_mfa::audit::selected(&args.control) {
                say(&format!("{message} (see iam-mfa audit --help)"));
                return Ok(ExitCode::from(2));
            }
            let now = iam_mfa::iam::Timestamp(i64::try_from(clock.now()).unwrap_or(i64::MAX));
            // A line on stderr while the account is read, only on a terminal (never in a pipe).
            let progress = Progress::new("Checking MFA coverage", None);
            let outcome = progress
                .around(iam_mfa::audit::run(iam.as_ref(), &args, now))
                .await;
            progress.finish();
            match outcome {
                iam_mfa::audit::Outcome::Done { text, failed } => {
                    output::write_stdout(&text)?;
                    Ok(ExitCode::from(if failed { 3 } else { 0 }))
                }
                iam_mfa::audit::Outcome::Error(message) => Err(message),
            }
        }
        None => run_interface(iam, connector, clock, cli.target.demo, cli.redact, cli.qr).await,
    }
}

async fn run_interface(
    iam: Arc<dyn Iam>,
    connector: Arc<dyn Connector>,
    clock: clock::SharedClock,
    demo: bool,
    redact: bool,
    qr: iam_mfa::cli::QrOutput,
) -> Result<ExitCode, String> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return Err("the interface needs a terminal; for scripts use `iam-mfa list`".into());
    }
    let size = crossterm::terminal::size().unwrap_or((80, 24));
    let session = Session::new(iam.describe(), demo, redact);
    let (app, effects) = App::new(session, clock.now(), size);
    Ok(runtime::run(app, effects, iam, Some(connector), clock, qr).await)
}
