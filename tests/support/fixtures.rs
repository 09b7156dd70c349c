//! The payloads real clients send and receive (`tests/fixtures/real/<provider>/`) and the list of those the
//! tests refuse, in each folder's `SOURCES.md`.

use std::{fs, path::PathBuf};

/// The folder of one provider's recorded payloads.
pub fn real_dir(provider: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/real")
        .join(provider)
}

/// The `| file | reason |` rows of the "Refused for now" section of `provider`'s `SOURCES.md`, for the files
/// whose name ends with one of `endings`.
pub fn refused_in_sources(provider: &str, endings: &[&str]) -> Vec<(String, String)> {
    let text = fs::read_to_string(real_dir(provider).join("SOURCES.md")).unwrap();
    let section = text
        .split("## Refused for now")
        .nth(1)
        .expect("SOURCES.md has a \"Refused for now\" section");
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.split('|').map(str::trim).collect();
            let file = cells.get(1)?.trim_matches('`');
            (cells.len() >= 4 && endings.iter().any(|ending| file.ends_with(ending)))
                .then(|| (file.to_string(), cells[2].to_string()))
        })
        .collect()
}
