//! What the CLI prints: answers as JSON, a table or JSON Lines; errors with kind, status, field errors and
//! reference; and the exit code of each kind of failure.

use std::io::Write;

use fulfillment_apis::{Error, ErrorKind};
use serde_json::{Value, json};

/// The exit codes, documented in `fulfillment --help` and the README.
pub const EXIT_CODES: &str = "\
Exit codes:
  0   success
  1   unexpected failure (answer not renderable, I/O)
  2   usage: bad command line, bad argument value, bad --body (nothing was sent)
  3   configuration: missing credentials or config file
  4   authentication or permission refused by the provider
  5   not found
  6   validation: the provider refused the request's content (see field_errors)
  7   duplicate: the provider already has it (e.g. an order with this SourceId)
  8   rate limited
  9   provider server error
  10  network: timeout or transport failure
  11  unreadable or oversized answer
  12  outcome unknown: a non-idempotent request may have been applied (look it up before resending)
  13  bulk import finished, but some orders were refused or some lines were invalid
  130 interrupted (Ctrl-C); the bulk import journal is intact, run the same command again to resume";

/// How answers are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Pretty JSON (the default).
    Json,
    /// A table of the answer's list (orders, products, carriers).
    Table,
    /// One JSON value per line: each element of the answer's list.
    Jsonl,
}

/// A failure of the CLI itself or of the API call.
#[derive(Debug)]
pub enum CliError {
    /// A bad command line or input (exit 2).
    Usage(String),
    /// Missing or unreadable configuration (exit 3).
    Config(String),
    /// Anything else local (exit 1).
    Other(String),
    /// The library's error.
    Api(Box<Error>),
}

impl CliError {
    pub fn config(message: String) -> Self {
        CliError::Config(message)
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Usage(_) => 2,
            CliError::Config(_) => 3,
            CliError::Other(_) => 1,
            CliError::Api(e) => exit_code(e),
        }
    }

    /// The error as JSON (what is printed on stderr).
    pub fn to_json(&self) -> Value {
        match self {
            CliError::Usage(m) => json!({"error": {"kind": "usage", "message": m}}),
            CliError::Config(m) => json!({"error": {"kind": "configuration", "message": m}}),
            CliError::Other(m) => json!({"error": {"kind": "other", "message": m}}),
            CliError::Api(e) => json!({"error": error_json(e)}),
        }
    }

    pub fn print(&self, format: Format) {
        let mut err = std::io::stderr().lock();
        let _ = match (format, self) {
            (Format::Table, CliError::Api(e)) => {
                let mut text = format!("error: {} ", e.kind());
                if let Some(status) = e.status() {
                    text += &format!("(HTTP {}) ", status.as_u16());
                }
                text += &e.to_string();
                if let Some(reference) = e.reference_code() {
                    text += &format!("\n  reference: {reference}");
                }
                for field in e.field_errors() {
                    text += &format!("\n  {}: {}", field.path, field.message);
                }
                if e.outcome_unknown() {
                    text +=
                        "\n  the request may have been applied: look it up before sending again";
                }
                writeln!(err, "{text}")
            }
            (Format::Table, other) => {
                writeln!(
                    err,
                    "error: {}",
                    other.to_json()["error"]["message"].as_str().unwrap_or("")
                )
            }
            _ => writeln!(err, "{}", self.to_json()),
        };
    }
}

impl From<Error> for CliError {
    fn from(e: Error) -> Self {
        CliError::Api(Box::new(e))
    }
}

/// The exit code of a library error.
pub fn exit_code(e: &Error) -> u8 {
    if e.outcome_unknown() {
        return 12;
    }
    match e.kind() {
        ErrorKind::InvalidRequest => 2,
        ErrorKind::Configuration => 3,
        ErrorKind::Authentication | ErrorKind::Permission => 4,
        ErrorKind::NotFound => 5,
        ErrorKind::Validation => 6,
        ErrorKind::Duplicate => 7,
        ErrorKind::RateLimited => 8,
        ErrorKind::Server => 9,
        ErrorKind::Timeout | ErrorKind::Transport => 10,
        ErrorKind::Decode | ErrorKind::ResponseTooLarge => 11,
        _ => 1,
    }
}

/// A library error as JSON: kind, status, message, reference, field errors.
pub fn error_json(e: &Error) -> Value {
    json!({
        "kind": e.kind().to_string(),
        "status": e.status().map(|s| s.as_u16()),
        "provider": e.provider().map(|p| format!("{p:?}").to_lowercase()),
        "operation": e.operation(),
        "message": e.to_string(),
        "reference": e.reference_code(),
        "field_errors": e.field_errors().iter().map(|f| json!({
            "path": f.path, "message": f.message, "attempted_value": f.attempted_value,
        })).collect::<Vec<_>>(),
        "outcome_unknown": e.outcome_unknown(),
    })
}

/// The list an answer carries: the answer itself when it is an array, else its first array-of-objects field.
pub fn list_of(answer: &Value) -> Option<&Vec<Value>> {
    match answer {
        Value::Array(items) => Some(items),
        Value::Object(fields) => fields
            .values()
            .filter_map(Value::as_array)
            .find(|items| items.iter().any(Value::is_object)),
        _ => None,
    }
}

/// Prints an answer.
pub fn print(answer: &Value, format: Format) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    let result = match format {
        Format::Json => serde_json::to_writer_pretty(&mut out, answer)
            .map_err(std::io::Error::other)
            .and_then(|()| writeln!(out)),
        Format::Jsonl => match list_of(answer) {
            Some(items) => items.iter().try_for_each(|item| writeln!(out, "{item}")),
            None => writeln!(out, "{answer}"),
        },
        Format::Table => match list_of(answer) {
            Some(items) => write!(out, "{}", table(items)),
            None => write!(out, "{}", table(std::slice::from_ref(answer))),
        },
    };
    result.map_err(|e| CliError::Other(format!("cannot write the answer: {e}")))
}

fn cell(value: &Value) -> String {
    let text = match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    };
    let text = text.replace(['\n', '\t'], " ");
    if text.chars().count() > 40 {
        text.chars().take(39).collect::<String>() + "…"
    } else {
        text
    }
}

/// A plain-text table of the scalar fields (at most 8 columns, in the order they first appear).
pub fn table(rows: &[Value]) -> String {
    let mut columns: Vec<String> = Vec::new();
    for row in rows {
        if let Value::Object(fields) = row {
            for (key, value) in fields {
                if !value.is_object()
                    && !value.is_array()
                    && !columns.contains(key)
                    && columns.len() < 8
                {
                    columns.push(key.clone());
                }
            }
        }
    }
    if columns.is_empty() {
        return rows.iter().map(|r| format!("{}\n", cell(r))).collect();
    }
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|row| {
            columns
                .iter()
                .map(|c| cell(row.get(c).unwrap_or(&Value::Null)))
                .collect()
        })
        .collect();
    let widths: Vec<usize> = columns
        .iter()
        .enumerate()
        .map(|(i, c)| {
            cells
                .iter()
                .map(|r| r[i].chars().count())
                .chain([c.len()])
                .max()
                .unwrap_or(0)
        })
        .collect();
    let line = |values: &[String]| {
        let mut text = values
            .iter()
            .zip(&widths)
            .map(|(v, w)| format!("{v:<w$}"))
            .collect::<Vec<_>>()
            .join("  ");
        text.truncate(text.trim_end().len());
        text + "\n"
    };
    let mut out = line(&columns);
    for row in &cells {
        out += &line(row);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_table_of_the_answers_list() {
        let answer =
            json!({"Products": [{"Id": 1, "Name": "Mug"}, {"Id": 22, "Name": "Tee", "Tags": [1]}]});
        assert_eq!(
            table(list_of(&answer).unwrap()),
            "Id  Name\n1   Mug\n22  Tee\n"
        );
    }

    #[test]
    fn exit_codes_by_kind() {
        assert_eq!(exit_code(&Error::new(ErrorKind::Validation)), 6);
        assert_eq!(exit_code(&Error::new(ErrorKind::NotFound)), 5);
    }
}
