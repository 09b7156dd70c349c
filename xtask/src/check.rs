//! `cargo xtask check [SPEC...]`: loads each spec, runs the rules and prints the findings and a
//! summary line per spec.

use std::{
    fs,
    path::{Path, PathBuf},
    process::ExitCode,
};

use crate::{
    rules,
    spec::{self, Finding, Location, Spec},
};

/// Files in `spec/` that are linter configurations, not OpenAPI documents.
const NOT_SPECS: [&str; 3] = [
    "redocly.yaml",
    ".spectral.yaml",
    ".redocly.lint-ignore.yaml",
];

/// Checks the specs named in `args` (every spec when empty); fails when any rule fails.
pub fn run(root: &Path, args: &[String]) -> ExitCode {
    let files = if args.is_empty() {
        match default_specs(root) {
            Ok(files) => files,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::FAILURE;
            }
        }
    } else {
        args.iter().map(|arg| spec_path(root, arg)).collect()
    };
    let mut failed = 0;
    for file in &files {
        let label = file
            .strip_prefix(root)
            .unwrap_or(file)
            .display()
            .to_string();
        let (findings, summary) = check_file(file);
        for finding in &findings {
            if finding.location.is_root() {
                println!("{label}: {}", finding.message);
            } else {
                println!("{label}: {}: {}", finding.location, finding.message);
            }
        }
        let verdict = match findings.len() {
            0 => "ok".to_owned(),
            1 => "1 problem".to_owned(),
            n => format!("{n} problems"),
        };
        println!("{label}: {verdict}{summary}");
        failed += usize::from(!findings.is_empty());
    }
    if failed > 0 {
        eprintln!(
            "cargo xtask check: {failed} of {} specs break the rules",
            files.len()
        );
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

/// Every `spec/*.yaml` except the linter configurations, sorted.
fn default_specs(root: &Path) -> Result<Vec<PathBuf>, String> {
    let dir = root.join("spec");
    let entries = fs::read_dir(&dir).map_err(|e| format!("cannot list {}: {e}", dir.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|entry| Some(entry.ok()?.path()))
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .filter(|path| {
            path.file_name()
                .is_some_and(|name| !NOT_SPECS.iter().any(|n| name == *n))
        })
        .collect();
    files.sort();
    Ok(files)
}

/// A path as given, or `spec/<name>.yaml` for a bare provider name such as `gooten`.
fn spec_path(root: &Path, arg: &str) -> PathBuf {
    let named = root.join("spec").join(format!("{arg}.yaml"));
    if !Path::new(arg).exists() && named.exists() {
        named
    } else {
        PathBuf::from(arg)
    }
}

/// The findings on one file, and the summary of what was checked (` (N operations, ...)`, or
/// nothing when the file could not be read as YAML).
fn check_file(file: &Path) -> (Vec<Finding>, String) {
    let text = match fs::read_to_string(file) {
        Ok(text) => text,
        Err(error) => {
            return (
                vec![document_finding(format!("cannot read: {error}"))],
                String::new(),
            );
        }
    };
    let spec = match Spec::parse(&text) {
        Ok(spec) => spec,
        Err(error) => {
            return (
                vec![document_finding(format!("not YAML: {error}"))],
                String::new(),
            );
        }
    };
    // Rules run on the JSON value, so they still report what they can when openapiv3 (the
    // parser build.rs feeds progenitor from) rejects the document.
    let (mut findings, checked) = rules::check(&spec);
    if let Some(message) = spec::openapiv3_error(&text) {
        findings.insert(0, document_finding(message));
    }
    let summary = format!(
        " ({} operations, {} schemas, {} examples checked)",
        checked.operations, checked.schemas, checked.examples
    );
    (findings, summary)
}

/// A finding about the whole document.
fn document_finding(message: String) -> Finding {
    Finding {
        location: Location::root(),
        message,
    }
}
