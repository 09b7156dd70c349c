//! One operation: the command line turned into the dispatcher's JSON arguments (checked against the spec
//! before anything is sent), the call, and the answer printed; the streams (`gooten search-orders`, Rewix's
//! product export) as JSON Lines.

use std::{io::Read, process::ExitCode};

use clap::ArgMatches;
use futures::StreamExt;
use serde_json::{Map, Value};

use crate::{
    config::Client,
    output::{self, CliError, Format},
    spec::{self, Operation, Provider},
};

/// `fulfillment <provider> list`.
pub fn list(provider: Provider, ops: &[Operation], format: Format) -> ExitCode {
    let rows: Vec<Value> = ops
        .iter()
        .map(|op| {
            serde_json::json!({
                "command": op.name,
                "operation_id": op.id,
                "method": op.method,
                "path": op.path,
                "summary": op.summary,
                "dispatchable": provider.dispatchable().contains(&op.id.as_str()),
            })
        })
        .collect();
    let answer = Value::Array(rows);
    let result = match format {
        Format::Json => output::print(&answer, format),
        Format::Jsonl => output::print(&answer, format),
        Format::Table => {
            let mut text = String::new();
            let width = ops.iter().map(|op| op.name.len()).max().unwrap_or(0);
            for op in ops {
                text += &format!("{:<width$}  {}\n", op.name, op.summary);
            }
            print!("{text}");
            Ok(())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => ExitCode::from(e.exit_code()),
    }
}

/// Reads `--body FILE|-` as JSON.
pub fn read_json(source: &str) -> Result<Value, CliError> {
    let text = if source == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| CliError::Usage(format!("--body -: cannot read stdin: {e}")))?;
        text
    } else {
        std::fs::read_to_string(source)
            .map_err(|e| CliError::Usage(format!("--body {source}: {e}")))?
    };
    serde_json::from_str(&text)
        .map_err(|e| CliError::Usage(format!("--body {source}: not JSON: {e}")))
}

fn normalized(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '_' | '-' | '.'))
        .flat_map(char::to_lowercase)
        .collect()
}

/// The dispatcher's arguments from the command line; a value of the wrong type or a missing required
/// parameter is a usage error, before anything is sent.
pub fn arguments(op: &Operation, matches: &ArgMatches) -> Result<Map<String, Value>, CliError> {
    let mut args = Map::new();
    let bad =
        |name: &str, message: String| CliError::Usage(format!("{}: --{name}: {message}", op.name));
    for param in &op.params {
        let flag = spec::kebab(&param.name);
        if let Ok(Some(raw)) = matches.try_get_one::<String>(&flag) {
            let value = spec::json_value(Some(param), raw).map_err(|m| bad(&flag, m))?;
            args.insert(param.name.clone(), value);
        }
    }
    if let Ok(Some(pairs)) = matches.try_get_many::<String>("arg") {
        for pair in pairs {
            let Some((name, raw)) = pair.split_once('=') else {
                return Err(bad("arg", format!("{pair:?} is not NAME=VALUE")));
            };
            let param = op
                .params
                .iter()
                .find(|p| normalized(&p.name) == normalized(name));
            let value =
                spec::json_value(param, raw).map_err(|m| bad("arg", format!("{name}: {m}")))?;
            let key = param.map_or_else(|| name.to_string(), |p| p.name.clone());
            args.insert(key, value);
        }
    }
    if let Ok(Some(source)) = matches.try_get_one::<String>("body") {
        args.insert("body".into(), read_json(source)?);
    }
    for param in op.params.iter().filter(|p| p.required) {
        if !args.contains_key(&param.name) {
            return Err(CliError::Usage(format!(
                "{}: missing required parameter --{} (or --arg {}=VALUE)",
                op.name,
                spec::kebab(&param.name),
                param.name
            )));
        }
    }
    if op.body == Some(true) && !args.contains_key("body") {
        return Err(CliError::Usage(format!(
            "{}: missing --body FILE|-",
            op.name
        )));
    }
    Ok(args)
}

/// Runs one operation and prints its answer.
pub async fn operation(
    client: &Client,
    op: &Operation,
    matches: &ArgMatches,
    format: Format,
) -> Result<(), CliError> {
    let args = arguments(op, matches)?;
    match (client, op.id.as_str()) {
        (Client::Gooten(gooten), "searchOrders") => {
            return search_orders(gooten, &args, format).await;
        }
        (Client::Gooten(gooten), "uploadImages") => {
            return upload_images(gooten, &args, format).await;
        }
        _ => {}
    }
    let dispatchable = match client {
        Client::Gooten(_) => Provider::Gooten,
        Client::Bootic(_) => Provider::Bootic,
        Client::Rewix(_) => Provider::Rewix,
    }
    .dispatchable();
    if !dispatchable.contains(&op.id.as_str()) {
        return Err(CliError::Usage(format!(
            "{}: this operation has no generic runner (its body is not JSON); use the library's typed method",
            op.name
        )));
    }
    let answer = client.dispatch(&op.id, &args).await?;
    if matches!(client, Client::Rewix(_)) && op.id == "exportProducts" && format != Format::Table {
        // A product catalog: one product per line, so `| jq` works on huge catalogs.
        let mut out = String::new();
        for key in ["page_items", "items"] {
            for product in answer
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out += &format!("{product}\n");
            }
        }
        print!("{out}");
        return Ok(());
    }
    output::print(&answer, format)
}

/// `gooten search-orders`: every matching order over all pages, one JSON line each as the pages arrive.
async fn search_orders(
    client: &fulfillment_apis::gooten::Client,
    args: &Map<String, Value>,
    format: Format,
) -> Result<(), CliError> {
    use fulfillment_apis::gooten::OrderQuery;
    let mut query = OrderQuery::new();
    for (name, value) in args {
        let text = value
            .as_str()
            .map(str::to_string)
            .unwrap_or_else(|| value.to_string());
        let date = || {
            chrono::NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
                CliError::Usage(format!("search-orders: {name}: {text:?} is not yyyy-mm-dd"))
            })
        };
        let number = || {
            value
                .as_i64()
                .and_then(|n| i32::try_from(n).ok())
                .ok_or_else(|| {
                    CliError::Usage(format!("search-orders: {name}: {text:?} is not an int32"))
                })
        };
        query = match normalized(name).as_str() {
            "genericvalues" => query.set_generic_values(text),
            "lastname" => query.set_last_name(text),
            "email" => query.set_email(text),
            "postalcode" => query.set_postal_code(text),
            "startdate" => query.set_start_date(date()?),
            "enddate" => query.set_end_date(date()?),
            "uniqueuserid" => query.set_unique_user_id(text),
            "pagesize" => query.with_page_size(number()?),
            "page" => query.with_first_page(number()?),
            _ => {
                return Err(CliError::Usage(format!(
                    "search-orders: {name} is not supported by the order search stream"
                )));
            }
        };
    }
    let mut stream = client.search_orders(query);
    let mut rows = Vec::new();
    while let Some(order) = stream.next().await {
        let order = serde_json::to_value(order?)
            .map_err(|e| CliError::Other(format!("cannot render an order: {e}")))?;
        if format == Format::Table {
            rows.push(order);
        } else {
            println!("{order}");
        }
    }
    if format == Format::Table {
        print!("{}", output::table(&rows));
    }
    Ok(())
}

/// `gooten upload-images --arg file=PATH ...` (multipart, through the client's typed method).
async fn upload_images(
    client: &fulfillment_apis::gooten::Client,
    args: &Map<String, Value>,
    format: Format,
) -> Result<(), CliError> {
    let paths: Vec<String> = args
        .iter()
        .filter(|(name, _)| normalized(name) == "file")
        .filter_map(|(_, v)| v.as_str())
        .flat_map(|v| v.split(',').map(str::to_string))
        .collect();
    if paths.is_empty() {
        return Err(CliError::Usage(
            "upload-images: give --arg file=PATH[,PATH...]".into(),
        ));
    }
    let mut files = Vec::new();
    for path in paths {
        let bytes = std::fs::read(&path).map_err(|e| CliError::Usage(format!("{path}: {e}")))?;
        let name = std::path::Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.clone());
        let lower = name.to_ascii_lowercase();
        let content_type = if lower.ends_with(".png") {
            "image/png"
        } else if lower.ends_with(".jpg") || lower.ends_with(".jpeg") {
            "image/jpeg"
        } else {
            "application/octet-stream"
        };
        files.push(fulfillment_apis::gooten::ImageFile::new(
            name,
            content_type,
            bytes,
        ));
    }
    let answer = client.upload_images(files).await?;
    let answer = serde_json::to_value(answer).map_err(|e| CliError::Other(e.to_string()))?;
    output::print(&answer, format)
}
