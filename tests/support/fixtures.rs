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

/// Fills a transcription's `{placeholders}` with values of the right kind, by the element or attribute they
/// stand in: `stock_id` gets `stock_id`, `key` gets `key`, dates a valid date, numbers 1, text "X".
pub fn fill(text: &str, stock_id: i64, key: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let close = open + rest[open..].find('}').expect("closed placeholder");
        let before = &rest[..open];
        let placeholder = &rest[open + 1..close];
        let name = if before.ends_with('>') {
            let tag = &before[before.rfind('<').map_or(0, |i| i + 1)..before.len() - 1];
            tag.split(' ').next().unwrap().to_string()
        } else if let Some(attr) = before.strip_suffix("=\"") {
            attr[attr.rfind(char::is_whitespace).map_or(0, |i| i + 1)..].to_string()
        } else {
            String::new()
        };
        let value = match name.as_str() {
            "stock_id" | "stockModelId" => stock_id.to_string(),
            "quantity" => "1".into(),
            "key" => key.into(),
            "date" | "last_update" if placeholder.contains('Z') => {
                "2024/03/15 14:30:00 +0000".into()
            }
            "date" => "2024/03/15 14:30:00".into(),
            "parsedDate" => "2024-03-15T14:30:00+00:00".into(),
            "type" => "lock".into(),
            "countrycode" => "IT".into(),
            "cost" => "9.80".into(),
            _ if placeholder.contains(":int") || placeholder.contains('|') => "1".into(),
            "order_id" | "id" | "status" => "1".into(),
            // The catalog transcription's kinds: `{int}`, `{int = stock_id}`, `{long}`, `{decimal}`, ….
            _ if placeholder.starts_with("int") || placeholder == "long" => "1".into(),
            _ if placeholder == "decimal" || placeholder == "float" => "12.50".into(),
            _ if placeholder == "boolean" => "true".into(),
            _ if placeholder == "ISO8601" || placeholder == "xsd:dateTime" => {
                "2024-03-15T14:30:00.000+01:00".into()
            }
            _ => "X".into(),
        };
        out.push_str(before);
        out.push_str(&value);
        rest = &rest[close + 1..];
    }
    out.push_str(rest);
    out
}
