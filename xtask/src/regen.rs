//! `cargo xtask regen`: regenerates everything derived from the specs and shows what changed.

use std::{
    ffi::OsString,
    path::Path,
    process::{Command, ExitCode},
};

/// The snapshot test whose insta snapshots (`tests/snapshots/`) are derived from the specs.
const SNAPSHOT_TEST: &str = "snapshots";

/// Rebuilds the client (build.rs regenerates it from the specs), rewrites the insta snapshots
/// and prints `git status` of what is derived from or feeds the generation.
pub fn run(root: &Path) -> ExitCode {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"));

    let mut build = Command::new(&cargo);
    build.current_dir(root).args(["build", "--all-features"]);
    if !succeeds(&mut build) {
        return ExitCode::FAILURE;
    }

    if root
        .join("tests")
        .join(format!("{SNAPSHOT_TEST}.rs"))
        .exists()
    {
        let mut test = Command::new(&cargo);
        test.current_dir(root)
            .args(["test", "--all-features", "--test", SNAPSHOT_TEST])
            // `always` writes every changed file snapshot in place and lets its assertion pass.
            .env("INSTA_UPDATE", "always")
            // A force-pass left in the caller's environment would hide failures that are not
            // snapshot mismatches (a panic in the test itself); `always` needs no force-pass.
            .env_remove("INSTA_FORCE_PASS");
        if !succeeds(&mut test) {
            return ExitCode::FAILURE;
        }
    } else {
        println!("tests/{SNAPSHOT_TEST}.rs does not exist yet: no snapshots to update");
    }

    let mut status = Command::new("git");
    status
        .current_dir(root)
        .args(["status", "--short", "--", "tests/snapshots", "spec"]);
    println!("Changes under tests/snapshots and spec:");
    if succeeds(&mut status) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// Runs `command` with inherited output; reports why it failed.
fn succeeds(command: &mut Command) -> bool {
    let shown = format!("{command:?}");
    match command.status() {
        Ok(status) if status.success() => true,
        Ok(status) => {
            eprintln!("error: {shown} failed ({status})");
            false
        }
        Err(error) => {
            eprintln!("error: cannot run {shown}: {error}");
            false
        }
    }
}
