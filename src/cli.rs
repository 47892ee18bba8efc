//! The command line: where calls go (demo account or AWS, with the usual overrides) and what to run.

use clap::{Args, Parser, Subcommand, ValueEnum, ValueHint};

use crate::generate::Generated;
use crate::iam::AssignmentFilter;
use crate::iam::demo::DemoIdentity;

#[derive(Debug, Parser)]
#[command(
    name = "iam-mfa",
    version,
    about = "Assign, list, resync, rotate and clean up AWS IAM MFA devices from the terminal",
    after_help = "Run with --demo to try everything on a built-in demo account: no AWS account or credentials needed."
)]
pub struct Cli {
    #[command(flatten)]
    pub target: Target,

    /// Hide secrets (seed, QR code, codes) on screen: for screen recordings and shared screens.
    #[arg(long, global = true)]
    pub redact: bool,

    /// How QR codes are drawn: as images where the terminal says it shows them (Kitty, iTerm2, Sixel),
    /// else in character cells (auto); always in cells, and the terminal is not queried (blocks); as
    /// images even when the terminal does not say so, except inside tmux (image).
    #[arg(long, global = true, value_enum, default_value_t = QrOutput::Auto)]
    pub qr: QrOutput,

    /// Write a debug log to this file (never contains secrets).
    #[arg(long, global = true, value_name = "FILE")]
    pub log_file: Option<std::path::PathBuf>,

    /// Print the man page or a shell completion script to stdout, and exit.
    #[arg(long, value_name = "KIND")]
    pub generate: Option<Generated>,

    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where IAM calls go.
#[derive(Debug, Clone, Args)]
pub struct Target {
    /// Use the built-in demo account instead of AWS (no credentials needed).
    #[arg(long, global = true)]
    pub demo: bool,

    /// Who you are on the demo account [default: admin]; needs --demo.
    // Checked in `Cli::check` rather than with clap's `requires`, whose message does not say which
    // option needs --demo.
    #[arg(long, global = true, value_enum)]
    pub demo_as: Option<DemoIdentity>,

    /// Start the demo account from this TOML file instead of the built-in one (the same shape as
    /// assets/demo-account.toml); needs --demo.
    #[arg(long, global = true, value_name = "FILE", value_hint = ValueHint::FilePath)]
    pub demo_data: Option<std::path::PathBuf>,

    /// The AWS profile to use (default: AWS_PROFILE, then "default"); SSO profiles work.
    #[arg(long, global = true, conflicts_with = "demo")]
    pub profile: Option<String>,

    /// The AWS region for the STS endpoint (IAM is global).
    #[arg(long, global = true, conflicts_with = "demo")]
    pub region: Option<String>,

    /// Send IAM and STS calls to this endpoint instead of AWS (for example a local moto server).
    #[arg(long, global = true, value_name = "URL", conflicts_with = "demo")]
    pub endpoint_url: Option<String>,
}

impl Cli {
    /// What clap cannot say well: `Err` is a one-line usage message.
    pub fn check(&self) -> Result<(), String> {
        if self.target.demo_as.is_some() && !self.target.demo {
            return Err("--demo-as needs --demo".into());
        }
        if self.target.demo_data.is_some() && !self.target.demo {
            return Err("--demo-data needs --demo".into());
        }
        Ok(())
    }
}

impl Target {
    /// Who the demo account's caller is.
    pub fn demo_identity(&self) -> DemoIdentity {
        self.demo_as.unwrap_or(DemoIdentity::Admin)
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List MFA devices without opening the interface (for scripts).
    List(ListArgs),
    /// Check MFA coverage against Security Hub (FSBP) and CIS controls, live (for scripts and CI).
    /// Exit status: 0 when every selected control passes, 3 when any fails, 1 on an error.
    Audit(AuditArgs),
}

#[derive(Debug, Clone, Args)]
pub struct AuditArgs {
    /// Only this control (FSBP IAM.5, IAM.19, IAM.9, IAM.6; CIS 7.0 2.10, 2.5, 2.6); repeatable.
    /// Default: all.
    #[arg(long, value_name = "ID")]
    pub control: Vec<String>,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Args)]
pub struct ListArgs {
    /// Only this user's devices (every kind: virtual, hardware, passkey).
    #[arg(long)]
    pub user: Option<String>,

    /// Which virtual devices: any, assigned or unassigned (ignored with --user).
    #[arg(long, value_enum, default_value_t = AssignmentFilter::Any)]
    pub assignment: AssignmentFilter,

    /// Output format.
    #[arg(long, value_enum, default_value_t = OutputFormat::Table)]
    pub output: OutputFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QrOutput {
    Auto,
    Blocks,
    Image,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Table,
    Json,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn list_flags_parse() {
        let cli = Cli::try_parse_from([
            "iam-mfa",
            "--demo",
            "list",
            "--assignment",
            "unassigned",
            "--output",
            "json",
        ])
        .unwrap();
        assert!(cli.target.demo);
        let Some(Command::List(args)) = cli.command else {
            panic!("no list command")
        };
        assert_eq!(args.assignment, AssignmentFilter::Unassigned);
        assert_eq!(args.output, OutputFormat::Json);
    }

    #[test]
    fn qr_output_defaults_to_auto() {
        let cli = Cli::try_parse_from(["iam-mfa", "--demo"]).unwrap();
        assert_eq!(cli.qr, QrOutput::Auto);
        let cli = Cli::try_parse_from(["iam-mfa", "--demo", "--qr", "blocks"]).unwrap();
        assert_eq!(cli.qr, QrOutput::Blocks);
        assert!(Cli::try_parse_from(["iam-mfa", "--qr", "ascii"]).is_err());
    }

    #[test]
    fn bad_assignment_is_refused() {
        let error =
            Cli::try_parse_from(["iam-mfa", "list", "--assignment", "sometimes"]).unwrap_err();
        assert!(error.to_string().contains("invalid value 'sometimes'"));
    }

    #[test]
    fn demo_as_needs_demo() {
        let without = Cli::try_parse_from(["iam-mfa", "--demo-as", "root", "list"]).unwrap();
        assert_eq!(without.check(), Err("--demo-as needs --demo".into()));
        let with = Cli::try_parse_from(["iam-mfa", "list", "--demo", "--demo-as", "root"]).unwrap();
        assert_eq!(with.check(), Ok(()));
        assert_eq!(with.target.demo_identity(), DemoIdentity::Root);
        let default = Cli::try_parse_from(["iam-mfa", "--demo"]).unwrap();
        assert_eq!(default.target.demo_identity(), DemoIdentity::Admin);
    }

    #[test]
    fn demo_data_needs_demo() {
        let without = Cli::try_parse_from(["iam-mfa", "--demo-data", "a.toml", "list"]).unwrap();
        assert_eq!(without.check(), Err("--demo-data needs --demo".into()));
        let with =
            Cli::try_parse_from(["iam-mfa", "list", "--demo", "--demo-data", "a.toml"]).unwrap();
        assert_eq!(with.check(), Ok(()));
        assert_eq!(with.target.demo_data, Some("a.toml".into()));
    }

    #[test]
    fn generate_takes_the_kinds_ripgrep_uses() {
        for (text, kind) in [
            ("man", Generated::Man),
            ("complete-bash", Generated::CompleteBash),
            ("complete-zsh", Generated::CompleteZsh),
            ("complete-fish", Generated::CompleteFish),
            ("complete-powershell", Generated::CompletePowershell),
        ] {
            let cli = Cli::try_parse_from(["iam-mfa", "--generate", text]).unwrap();
            assert_eq!(cli.generate, Some(kind));
        }
        assert!(Cli::try_parse_from(["iam-mfa", "--generate", "complete-tcsh"]).is_err());
    }

    #[test]
    fn demo_excludes_aws_targets() {
        assert!(
            Cli::try_parse_from(["iam-mfa", "--demo", "--endpoint-url", "http://127.0.0.1:1"])
                .is_err()
        );
    }
}
