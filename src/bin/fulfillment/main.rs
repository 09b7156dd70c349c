//! `fulfillment`: every operation of the Gooten, Bootic and Rewix specs from a terminal, and exactly-once,
//! resumable bulk order import (cargo feature `cli`).
//!
//! ```text
//! fulfillment --sandbox gooten get-countries --output table
//! fulfillment gooten get-order --id WEB-100482
//! fulfillment gooten submit-orders orders.jsonl --concurrency 16 --journal orders.journal
//! ```
//!
//! The commands are built at start-up from the specs compiled into the binary (`spec.rs`) and run through the
//! library's generated dispatcher, so a new spec operation is a new command with no code here.

mod bulk;
mod config;
mod output;
mod run;
mod spec;

use std::{path::PathBuf, process::ExitCode};

use clap::{Arg, ArgAction, Command, CommandFactory, FromArgMatches, Parser};

use crate::{
    output::{CliError, EXIT_CODES, Format},
    spec::{Operation, Provider},
};

/// Options for every command (they may come before or after the command).
#[derive(Debug, Parser)]
#[command(
    name = "fulfillment",
    version,
    about = "Every operation of the Gooten, Bootic and Rewix APIs, and exactly-once bulk order import",
    after_help = after_help(),
    subcommand_required = true,
    arg_required_else_help = true
)]
pub struct Global {
    /// Start the embedded sandbox (fakes of all three APIs) in-process and send every call to it: no account
    /// needed.
    #[arg(long, global = true)]
    pub sandbox: bool,
    /// Use this profile of the config file (`profiles.<name>.<provider>` in a JSON file).
    #[arg(long, global = true, value_name = "NAME")]
    pub profile: Option<String>,
    /// The config file [default: $FULFILLMENT_CONFIG, else ~/.config/fulfillment/config.json].
    #[arg(long, global = true, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Send to this base URL instead of the provider's production host (a proxy, a running
    /// fulfillment-sandbox). Gooten also takes `staging`, Rewix `sandbox` and `production-us`.
    #[arg(long, global = true, value_name = "URL")]
    pub base_url: Option<String>,
    /// How answers are printed.
    #[arg(long, global = true, value_enum, default_value_t = Format::Json)]
    pub output: Format,
}

fn after_help() -> String {
    let variables: Vec<&str> = config::VARIABLES.iter().map(|(_, _, v)| *v).collect();
    format!(
        "Credentials: environment variables {}, or a --profile; never printed.\n\
         Each provider's operations: `fulfillment <provider> list`.\n\n{EXIT_CODES}",
        variables.join(", ")
    )
}

/// Flags that an operation parameter may not take (they are the CLI's own).
const RESERVED: &[&str] = &[
    "sandbox", "profile", "config", "base-url", "output", "arg", "body", "help", "version",
];

fn provider_about(provider: Provider) -> &'static str {
    match provider {
        Provider::Gooten => "Gooten print-on-demand API (spec/gooten.yaml)",
        Provider::Bootic => "Bootic shop API (spec/bootic.yaml)",
        Provider::Rewix => "Rewix dropshipping API (spec/rewix.yaml)",
    }
}

/// The command of one operation: a flag per parameter, `--arg name=value`, and `--body` when it has one.
fn operation_command(op: &Operation) -> Command {
    let mut about = op.summary.clone();
    if about.is_empty() {
        about = format!("{} {}", op.method, op.path);
    }
    let mut long = format!(
        "{about}\n\n{} {} (operationId {})",
        op.method, op.path, op.id
    );
    if !op.description.is_empty() {
        long += &format!("\n\n{}", reflow(&op.description));
    }
    let mut command = Command::new(op.name.clone()).about(about).long_about(long);
    let mut taken: Vec<String> = Vec::new();
    for param in &op.params {
        let flag = spec::kebab(&param.name);
        if RESERVED.contains(&flag.as_str()) || taken.contains(&flag) {
            continue;
        }
        taken.push(flag.clone());
        let mut help = format!(
            "[{} {}{}]",
            param.location,
            param.ty,
            if param.required { ", required" } else { "" }
        );
        if !param.description.is_empty() {
            help = format!(
                "{} {help}",
                param.description.lines().next().unwrap_or_default()
            );
        }
        command = command.arg(
            Arg::new(flag.clone())
                .long(flag)
                .value_name(param.ty.to_uppercase())
                .help(help)
                .action(ArgAction::Set),
        );
    }
    command = command.arg(
        Arg::new("arg")
            .long("arg")
            .value_name("NAME=VALUE")
            .action(ArgAction::Append)
            .help("A parameter by its spec name (repeatable)"),
    );
    if let Some(required) = op.body {
        command = command.arg(
            Arg::new("body")
                .long("body")
                .value_name("FILE|-")
                .help(format!(
                    "The JSON request body from a file, or `-` for stdin{}",
                    if required { " [required]" } else { "" }
                )),
        );
    }
    command
}

fn provider_command(provider: Provider, ops: &[Operation]) -> Command {
    let mut command = Command::new(provider.name())
        .about(provider_about(provider))
        .subcommand_required(true)
        .arg_required_else_help(true)
        .subcommand(Command::new("list").about("List the operations with their summaries"));
    for op in ops {
        command = command.subcommand(operation_command(op));
    }
    if let Some(bulk) = bulk::command(provider) {
        command = command.subcommand(bulk);
    }
    command
}

fn main() -> ExitCode {
    let catalog: Vec<(Provider, Vec<Operation>)> = Provider::ALL
        .into_iter()
        .map(|p| (p, spec::operations(p)))
        .collect();
    let mut command = Global::command();
    for (provider, ops) in &catalog {
        command = command.subcommand(provider_command(*provider, ops));
    }
    let matches = command.get_matches();
    let global = match Global::from_arg_matches(&matches) {
        Ok(global) => global,
        Err(e) => e.exit(),
    };
    let Some((provider_name, provider_matches)) = matches.subcommand() else {
        return ExitCode::from(2);
    };
    let (provider, ops) = catalog
        .iter()
        .find(|(p, _)| p.name() == provider_name)
        .expect("clap only accepts known providers");
    let Some((op_name, op_matches)) = provider_matches.subcommand() else {
        return ExitCode::from(2);
    };
    if op_name == "list" {
        return run::list(*provider, ops, global.output);
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("fulfillment: cannot start the async runtime: {e}");
            return ExitCode::from(1);
        }
    };
    let result = runtime.block_on(async {
        let sandbox = if global.sandbox {
            Some(
                fulfillment_apis::sandbox::Sandbox::start()
                    .await
                    .map_err(|e| CliError::Other(format!("cannot start the sandbox: {e}")))?,
            )
        } else {
            None
        };
        let client = config::client(&global, *provider, sandbox.as_ref())?;
        if bulk::is_bulk(*provider, op_name) {
            return bulk::run(&client, op_matches, global.output).await;
        }
        let op = ops
            .iter()
            .find(|op| op.name == op_name)
            .expect("clap only accepts known operations");
        run::operation(&client, op, op_matches, global.output)
            .await
            .map(|()| 0)
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(error) => {
            error.print(global.output);
            ExitCode::from(error.exit_code())
        }
    }
}

/// The spec's prose as paragraphs: its hard line breaks (the YAML's width) joined, blank lines and list items
/// kept, so clap wraps it to the terminal instead of breaking it twice.
fn reflow(text: &str) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let line = line.trim_end();
        let list_item = line.trim_start().starts_with(['-', '*', '|']);
        if line.is_empty() {
            if !out.ends_with("\n\n") {
                out.push_str("\n\n");
            }
        } else if out.is_empty() || out.ends_with('\n') {
            out.push_str(line);
        } else if list_item {
            out.push('\n');
            out.push_str(line);
        } else {
            out.push(' ');
            out.push_str(line.trim_start());
        }
    }
    out.trim_end().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn reflow_joins_wrapped_lines_and_keeps_paragraphs_and_list_items() {
        let text = "One sentence\nwrapped here.\n\nSecond paragraph:\n- a\n- b\ncontinued";
        assert_eq!(
            super::reflow(text),
            "One sentence wrapped here.\n\nSecond paragraph:\n- a\n- b continued"
        );
    }
}
