//! Repository tasks, run as `cargo xtask <command>` (an alias in `.cargo/config.toml`).
//!
//! - `check [SPEC...]`: our own rules for the OpenAPI specs in `spec/` (see `spec/README.md`).
//! - `regen`: regenerates everything derived from the specs and shows what changed.
//! - `docs [SPEC...]`: renders each spec to a static HTML reference page in `target/docs/`.

mod check;
mod docs;
mod regen;
mod rules;
mod schema;
mod spec;

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
};

const USAGE: &str = "\
Usage: cargo xtask <command>

Commands:
  check [SPEC...]  Check the OpenAPI specs against the rules of spec/README.md.
                   SPEC is a file path or a provider name (`gooten` = spec/gooten.yaml);
                   default: every spec/*.yaml except the linter configurations.
  regen            Rebuild the generated client (build.rs), rewrite the insta snapshots
                   in tests/snapshots and show what changed under tests/snapshots and spec.
  docs [SPEC...]   Render each spec to target/docs/<provider>.html with Redocly's build-docs
                   (the pinned @redocly/cli of `bash .ci/install-tools`), plus index.html
                   and manifest.json (the operations each page must show).
  help             Show this text.
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = workspace_root();
    match args.first().map(String::as_str) {
        None | Some("help" | "-h" | "--help") => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Some("check") => check::run(&root, &args[1..]),
        Some("regen") if args.len() == 1 => regen::run(&root),
        Some("regen") => usage_error("`regen` takes no arguments"),
        Some("docs") => docs::run(&root, &args[1..]),
        Some(other) => usage_error(&format!("unknown command `{other}`")),
    }
}

/// Prints `message` and the usage text to stderr; the exit code says the command line was wrong.
fn usage_error(message: &str) -> ExitCode {
    eprint!("error: {message}\n\n{USAGE}");
    ExitCode::from(2)
}

/// The workspace root, whatever directory `cargo xtask` was started from.
fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}
