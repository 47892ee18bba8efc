//! `iam-mfa --generate KIND`: the man page and the shell completion scripts, made from the same clap
//! definition as the parser, so they can never list an option the binary does not have. Packagers and
//! users write them where their system looks (the README says where).

use std::io;

use clap::{Command, CommandFactory, ValueEnum};
use clap_complete::Shell;
use clap_mangen::Man;

use crate::cli::Cli;

/// What `--generate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generated {
    /// The man page, in roff (`man -l`, or copy it to a `man1` directory)
    Man,
    /// Completions for bash (source it, or copy it to bash-completion's directory)
    CompleteBash,
    /// Completions for zsh (save it as `_iam-mfa` in a directory on `$fpath`)
    CompleteZsh,
    /// Completions for fish (save it as `iam-mfa.fish` in `~/.config/fish/completions`)
    CompleteFish,
    /// Completions for PowerShell (dot-source it from your profile)
    CompletePowershell,
}

/// The text of the man page or completion script.
pub fn render(kind: Generated) -> String {
    let shell = match kind {
        Generated::Man => return man_page(),
        Generated::CompleteBash => Shell::Bash,
        Generated::CompleteZsh => Shell::Zsh,
        Generated::CompleteFish => Shell::Fish,
        Generated::CompletePowershell => Shell::PowerShell,
    };
    let mut command = Cli::command();
    let name = command.get_name().to_string();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut command, name, &mut out);
    // clap's text is UTF-8 and the generator copies it through unchanged.
    let script = String::from_utf8_lossy(&out).into_owned();
    match shell {
        Shell::Bash => bash_with_subcommand_states_fixed(script),
        Shell::Fish => fish_with_option_values_at_the_top_level(script),
        _ => script,
    }
}

/// clap_complete 4.6.12's bash script spells a subcommand's state two ways when the binary's name has a
/// hyphen (clap-rs/clap#6421): the loop that reads the words sets `iam__mfa__subcmd__list`, the `case`
/// that completes it waits for `iam__subcmd__mfa__subcmd__list`, so nothing after `iam-mfa list`
/// completes. Spell the arms as the loop does; once clap fixes it this replaces nothing (tests/cli.rs
/// checks that `iam-mfa list --output <Tab>` offers the formats).
fn bash_with_subcommand_states_fixed(script: String) -> String {
    script.replace("iam__subcmd__mfa", "iam__mfa")
}

/// The line of clap_complete's fish script that gives up when the words so far do not parse.
const FISH_GIVE_UP: &str = "2>/dev/null\n    or return\n";

/// clap_complete's fish script offers the top level's completions only once the words so far parse;
/// while an option waits for its value (`iam-mfa --demo-as <Tab>`) they do not, so fish fell back to
/// file names. Treat "does not parse yet" as "no subcommand yet", so the option's values are offered.
fn fish_with_option_values_at_the_top_level(script: String) -> String {
    script.replacen(
        FISH_GIVE_UP,
        "2>/dev/null\n    # An option still waiting for its value: still the top level.\n    or return 0\n",
        1,
    )
}

/// One page for the whole tool. clap_mangen's own page points to a page per subcommand
/// (`iam-mfa-list(1)`), which a single `--generate man` cannot install; so the subcommands' options are
/// sections of this page instead.
fn man_page() -> String {
    let mut out = Vec::new();
    man_page_sections(&mut out).expect("writing to a Vec cannot fail");
    let page = String::from_utf8_lossy(&out);
    // Each piece starts with roff's preamble (what an empty document holds); once is enough.
    let mut preamble = Vec::new();
    roff::Roff::new()
        .to_writer(&mut preamble)
        .expect("writing to a Vec cannot fail");
    let preamble = String::from_utf8_lossy(&preamble);
    format!("{preamble}{}", page.replace(&*preamble, ""))
}

fn man_page_sections(out: &mut Vec<u8>) -> io::Result<()> {
    let page = Man::new(Cli::command());
    page.render_title(out)?;
    page.render_name_section(out)?;
    page.render_synopsis_section(out)?;
    page.render_description_section(out)?;
    page.render_options_section(out)?;

    let mut command = Cli::command();
    // Building fills in each subcommand's full name (`iam-mfa list`) and its help flag.
    command.build();
    let subcommands: Vec<&Command> = command
        .get_subcommands()
        .filter(|sub| !sub.is_hide_set() && sub.get_name() != "help")
        .collect();
    commands_section(&subcommands).to_writer(out)?;
    for sub in subcommands {
        // clap (without its `string` feature) takes only `&'static str` headings; this runs once
        // before the process exits, so the few leaked bytes cost nothing.
        let heading: &'static str = format!(
            "Options of {}",
            sub.get_bin_name().unwrap_or(sub.get_name())
        )
        .leak();
        // Its own options only: the global ones are in OPTIONS above.
        let own_options = sub.clone().mut_args(|arg| {
            if arg.is_global_set() {
                arg.hide(true)
            } else {
                arg.help_heading(heading)
            }
        });
        Man::new(own_options).render_options_section(out)?;
    }

    page.render_extra_section(out)?;
    page.render_version_section(out)
}

fn commands_section(subcommands: &[&Command]) -> roff::Roff {
    let mut section = roff::Roff::new();
    section.control("SH", ["COMMANDS"]);
    for sub in subcommands {
        let full_name = sub.get_bin_name().unwrap_or(sub.get_name());
        section.control("TP", []).text([roff::bold(full_name)]);
        if let Some(about) = sub.get_about() {
            section.text([roff::roman(format!("{about}; its options are below."))]);
        }
    }
    section.control("PP", []).text([roff::roman(
        "Without a command, iam-mfa opens the terminal interface.",
    )]);
    section
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_names_the_binary_and_its_options() {
        for kind in Generated::value_variants() {
            let text = render(*kind);
            assert!(text.contains("iam-mfa"), "{kind:?}");
            let option = if *kind == Generated::Man {
                "demo\\-data"
            } else {
                "demo-data"
            };
            assert!(text.contains(option), "{kind:?}: {text}");
        }
    }

    /// clap_complete 4.6 copies a possible value's help unescaped into a double-quoted string of the
    /// fish and zsh scripts (clap-rs/clap#4053), so one `"` breaks the whole script there.
    #[test]
    fn no_possible_value_help_holds_a_double_quote() {
        fn check(command: &Command) {
            for arg in command.get_arguments() {
                for value in arg.get_possible_values() {
                    let help = value
                        .get_help()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    assert!(!help.contains('"'), "--{}: {help}", arg.get_id());
                }
            }
            command.get_subcommands().for_each(check);
        }
        check(&Cli::command());
    }

    #[test]
    fn the_fish_script_is_repaired_where_clap_complete_gives_up() {
        let mut command = Cli::command();
        let mut out = Vec::new();
        clap_complete::generate(Shell::Fish, &mut command, "iam-mfa", &mut out);
        let original = String::from_utf8(out).unwrap();
        // If clap_complete changes this function, look again at whether the repair is still needed.
        assert_eq!(original.matches(FISH_GIVE_UP).count(), 1, "{original}");
        let repaired = render(Generated::CompleteFish);
        assert!(repaired.contains("    or return 0\n"), "{repaired}");
        assert!(!repaired.contains(FISH_GIVE_UP), "{repaired}");
    }

    #[test]
    fn the_man_page_holds_the_subcommands_options_and_points_to_no_other_page() {
        let page = render(Generated::Man);
        assert!(page.contains(".TH iam-mfa 1"), "{page}");
        assert!(page.contains(".SH COMMANDS"), "{page}");
        assert!(page.contains(".SH \"OPTIONS OF IAM-MFA LIST\""), "{page}");
        assert!(page.contains("\\-\\-assignment"), "{page}");
        assert!(!page.contains("iam\\-mfa\\-list(1)"), "{page}");
        assert_eq!(
            page.matches(".ds Aq").count(),
            2,
            "one preamble (two lines): {page}"
        );
        // The global options are listed once, under OPTIONS.
        assert_eq!(
            page.matches("\\fB\\-\\-demo\\-data\\fR").count(),
            2,
            "{page}"
        );
    }
}
