//! Bulk order import: `gooten submit-orders` and `rewix send-orders` read one order per line (the spec's JSON
//! of one order), send each exactly once through the client's `submit_order` / `send_order` (keyed by
//! Gooten's `SourceId`, Rewix's `key`), `--concurrency N` at a time, and append each order's progress to a
//! journal as it happens:
//!
//! ```text
//! {"key":"WEB-1","line":1,"event":"sending"}
//! {"key":"WEB-1","line":1,"event":"created","id":"7-..."}
//! {"key":"WEB-2","line":2,"event":"refused","error":{"kind":"validation",...}}
//! ```
//!
//! Running the same command again reads the journal: orders created or found are skipped; an order that was
//! being sent when the process died (or whose outcome was unknown) is first looked up by its key, and sent
//! only if the provider does not have it; every other order is sent.

use std::{
    collections::HashMap,
    io::{IsTerminal, Write},
    path::{Path, PathBuf},
    sync::{
        Arc, Mutex,
        atomic::{AtomicBool, AtomicUsize, Ordering},
    },
    time::{Duration, Instant},
};

use clap::{Arg, ArgMatches, Command, value_parser};
use fulfillment_apis::{Error, ErrorKind, Outcome, gooten, rewix};
use futures::StreamExt;
use serde_json::{Value, json};

use crate::{
    config::Client,
    output::{CliError, Format, error_json},
    spec::Provider,
};

/// The bulk command of a provider, if it has one.
pub fn command(provider: Provider) -> Option<Command> {
    let (name, what) = match provider {
        Provider::Gooten => (
            "submit-orders",
            "a Gooten order (submitOrder body) with a SourceId",
        ),
        Provider::Rewix => (
            "send-orders",
            "a Rewix dropshipping order (one order_list element) with a key",
        ),
        Provider::Bootic => return None,
    };
    Some(
        Command::new(name)
            .about("Bulk import: send every order of a JSON Lines file exactly once, resumably")
            .long_about(format!(
                "Bulk import: send every order of a JSON Lines file exactly once, resumably.\n\n\
                 Each line is {what}. Each order's progress is appended to the journal as it happens; run \
                 the same command again after a crash or Ctrl-C and it skips the orders done, looks up \
                 those that were in flight, and sends only the rest. Invalid lines are reported with \
                 their line number and the valid ones imported. Progress goes to stderr, the summary \
                 (created / already existed / refused with reasons) to stdout."
            ))
            .arg(Arg::new("file").required(true).value_name("ORDERS.jsonl"))
            .arg(
                Arg::new("concurrency")
                    .long("concurrency")
                    .value_name("N")
                    .default_value("4")
                    .value_parser(value_parser!(u16).range(1..=256))
                    .help("Orders in flight at once"),
            )
            .arg(
                Arg::new("journal")
                    .long("journal")
                    .value_name("FILE")
                    .value_parser(value_parser!(PathBuf))
                    .help("The journal [default: ORDERS.jsonl.journal]"),
            ),
    )
}

pub fn is_bulk(provider: Provider, command_name: &str) -> bool {
    matches!(
        (provider, command_name),
        (Provider::Gooten, "submit-orders") | (Provider::Rewix, "send-orders")
    )
}

enum Order {
    Gooten(Box<gooten::types::Order>),
    Rewix(Box<rewix::DropshippingOrder>),
}

struct Work {
    line: usize,
    key: String,
    order: Order,
}

/// One input line as an order, or why not.
fn parse_line(client: &Client, text: &str) -> Result<(String, Order), String> {
    match client {
        Client::Gooten(_) => {
            let order: gooten::types::Order =
                serde_json::from_str(text).map_err(|e| format!("not a Gooten order: {e}"))?;
            let key = order.source_id.clone().filter(|k| !k.trim().is_empty());
            let key = key.ok_or("the order has no SourceId (needed to send it exactly once)")?;
            Ok((key, Order::Gooten(Box::new(order))))
        }
        Client::Rewix(_) => {
            let wire: rewix::types::DropshippingOrder =
                serde_json::from_str(text).map_err(|e| format!("not a Rewix order: {e}"))?;
            let date = rewix::OrderDate::parse(&wire.date).map_err(|e| format!("date: {e}"))?;
            let carrier = match wire.carrier_id.as_deref().map(str::trim) {
                None | Some("") => None,
                Some(id) => Some(
                    id.parse::<i64>()
                        .map_err(|_| format!("carrierId {id:?} is not a number"))?,
                ),
            };
            let mut items = Vec::new();
            for item in &wire.item_list {
                let stock = item.stock_id.trim().parse::<i64>();
                let quantity = item.quantity.trim().parse::<u32>();
                match (stock, quantity) {
                    (Ok(stock), Ok(quantity)) => items.push((stock, quantity)),
                    _ => {
                        return Err(format!(
                            "item {:?} x {:?} is not numbers",
                            item.stock_id, item.quantity
                        ));
                    }
                }
            }
            let mut order = rewix::DropshippingOrder::new(
                wire.key.clone(),
                date,
                carrier,
                wire.recipient_details,
            )
            .set_items(items);
            if let Some(auto) = wire.auto_confirm {
                order = order.set_auto_confirm(auto.to_string() == "true");
            }
            // Refused here, with the line number, rather than when its turn comes.
            order.to_request().map_err(|e| e.to_string())?;
            Ok((wire.key, Order::Rewix(Box::new(order))))
        }
        Client::Bootic(_) => Err("Bootic has no bulk import".into()),
    }
}

/// What the journal says about each key.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Journaled {
    Done,
    InFlight,
    Refused,
}

fn read_journal(path: &Path) -> Result<HashMap<String, Journaled>, CliError> {
    let mut state = HashMap::new();
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(state),
        Err(e) => {
            return Err(CliError::Other(format!(
                "cannot read the journal {}: {e}",
                path.display()
            )));
        }
    };
    // A line cut short by a crash does not parse and is ignored: its order is then looked up or sent.
    for entry in text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
    {
        let Some(key) = entry.get("key").and_then(Value::as_str) else {
            continue;
        };
        let now = match entry.get("event").and_then(Value::as_str) {
            Some("created" | "already_existed") => Journaled::Done,
            Some("refused")
                if entry.pointer("/error/outcome_unknown") == Some(&Value::Bool(true)) =>
            {
                Journaled::InFlight
            }
            Some("refused") => Journaled::Refused,
            Some("sending") => Journaled::InFlight,
            _ => continue,
        };
        let slot = state.entry(key.to_string()).or_insert(now);
        if *slot != Journaled::Done {
            *slot = now;
        }
    }
    Ok(state)
}

/// The append-only journal: each entry one line, written with one `write` on an `O_APPEND` file.
struct Journal(Mutex<std::fs::File>);

impl Journal {
    fn open(path: &Path) -> Result<Self, CliError> {
        let cannot = |e: std::io::Error| {
            CliError::Other(format!("cannot open the journal {}: {e}", path.display()))
        };
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(cannot)?;
        // After a crash mid-line, start on a fresh line.
        let text = std::fs::read(path).map_err(cannot)?;
        if text.last().is_some_and(|b| *b != b'\n') {
            file.write_all(b"\n").map_err(cannot)?;
        }
        Ok(Journal(Mutex::new(file)))
    }

    fn write(&self, entry: Value) {
        let mut line = entry.to_string();
        line.push('\n');
        let mut file = self.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Err(e) = file.write_all(line.as_bytes()).and_then(|()| file.flush()) {
            eprintln!("fulfillment: cannot write the journal: {e}");
        }
    }
}

enum Result_ {
    Created,
    Existed,
    Refused(Value),
    NotStarted,
}

/// Looks an order up by its key: `Ok(Some(id))` found, `Ok(None)` surely not there.
async fn look_up(client: &Client, key: &str) -> Result<Option<String>, Error> {
    match client {
        Client::Gooten(c) => match c.get_order(key).await {
            Ok(found) if found.source_id.as_deref().is_none_or(|s| s == key) => Ok(found.id),
            Ok(_) => Ok(None),
            Err(e) if e.kind() == ErrorKind::NotFound => Ok(None),
            Err(e) => Err(e),
        },
        Client::Rewix(c) => Ok(c.find_order(key).await?.map(|o| o.order_id.to_string())),
        Client::Bootic(_) => Ok(None),
    }
}

async fn send(client: &Client, order: &Order) -> Result<(Option<String>, Outcome), Error> {
    match (client, order) {
        (Client::Gooten(c), Order::Gooten(o)) => {
            let sent = c.submit_order((**o).clone()).await?;
            Ok((Some(sent.id), sent.outcome))
        }
        (Client::Rewix(c), Order::Rewix(o)) => {
            let sent = c.send_order(o).await?;
            Ok((sent.order_id.map(|id| id.to_string()), sent.outcome))
        }
        _ => Err(Error::new(ErrorKind::InvalidRequest)),
    }
}

async fn process(client: &Client, work: &Work, in_flight: bool, journal: &Journal) -> Result_ {
    let entry = |event: &str| json!({"key": work.key, "line": work.line, "event": event});
    journal.write(entry("sending"));
    let finish = |result: Result<(Option<String>, Outcome), Error>| {
        let mut e = entry("");
        let outcome = match result {
            Ok((id, outcome)) => {
                e["id"] = json!(id);
                if outcome == Outcome::Created {
                    e["event"] = json!("created");
                    Result_::Created
                } else {
                    e["event"] = json!("already_existed");
                    Result_::Existed
                }
            }
            Err(error) => {
                e["event"] = json!("refused");
                e["error"] = error_json(&error);
                Result_::Refused(e.clone())
            }
        };
        journal.write(e);
        outcome
    };
    if in_flight {
        match look_up(client, &work.key).await {
            Ok(Some(id)) => return finish(Ok((Some(id), Outcome::AlreadyExisted))),
            Ok(None) => {}
            Err(error) => return finish(Err(error)),
        }
    }
    let result = match send(client, &work.order).await {
        // The key was used before this run's send (e.g. by another tool): that order is this one.
        Err(error) if error.kind() == ErrorKind::Duplicate => {
            match look_up(client, &work.key).await {
                Ok(Some(id)) => Ok((Some(id), Outcome::AlreadyExisted)),
                _ => Err(error),
            }
        }
        other => other,
    };
    finish(result)
}

#[derive(Default)]
struct Counters {
    done: AtomicUsize,
    created: AtomicUsize,
    existed: AtomicUsize,
    refused: AtomicUsize,
}

fn progress_line(counters: &Counters, total: usize, started: Instant) -> String {
    let done = counters.done.load(Ordering::Relaxed);
    let rate = done as f64 / started.elapsed().as_secs_f64().max(1e-3);
    let eta = if rate > 0.0 {
        (total.saturating_sub(done)) as f64 / rate
    } else {
        0.0
    };
    format!(
        "{done}/{total} orders ({} created, {} already existed, {} refused) {rate:.1}/s, eta {eta:.0}s",
        counters.created.load(Ordering::Relaxed),
        counters.existed.load(Ordering::Relaxed),
        counters.refused.load(Ordering::Relaxed),
    )
}

/// Runs the bulk import; returns the exit code.
pub async fn run(client: &Client, matches: &ArgMatches, format: Format) -> Result<u8, CliError> {
    let file: &String = matches.get_one("file").expect("required");
    let concurrency = usize::from(
        *matches
            .get_one::<u16>("concurrency")
            .expect("has a default"),
    );
    let journal_path = matches
        .get_one::<PathBuf>("journal")
        .cloned()
        .unwrap_or_else(|| PathBuf::from(format!("{file}.journal")));
    let text =
        std::fs::read_to_string(file).map_err(|e| CliError::Usage(format!("{file}: {e}")))?;
    let journaled = read_journal(&journal_path)?;
    let journal = Journal::open(&journal_path)?;

    let mut invalid = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let (mut work, mut skipped) = (Vec::new(), 0usize);
    for (index, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let number = index + 1;
        let (key, order) = match parse_line(client, line) {
            Ok(parsed) => parsed,
            Err(message) => {
                eprintln!("{file}:{number}: {message}");
                invalid.push(json!({"line": number, "message": message}));
                continue;
            }
        };
        if let Some(first) = seen.insert(key.clone(), number) {
            let message = format!("key {key:?} is already on line {first}");
            eprintln!("{file}:{number}: {message}");
            invalid.push(json!({"line": number, "message": message}));
            continue;
        }
        match journaled.get(&key) {
            Some(Journaled::Done) => skipped += 1,
            state => work.push((
                Work {
                    line: number,
                    key,
                    order,
                },
                state == Some(&Journaled::InFlight),
            )),
        }
    }

    let total = work.len();
    let in_flight = work.iter().filter(|(_, f)| *f).count();
    eprintln!(
        "{total} orders to send ({in_flight} in flight in an earlier run, looked up first); \
         {skipped} already done per the journal {}",
        journal_path.display()
    );
    let stop = Arc::new(AtomicBool::new(false));
    let interrupted = tokio::spawn({
        let stop = stop.clone();
        async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!("interrupted: finishing the orders in flight, starting no more");
                stop.store(true, Ordering::SeqCst);
            }
        }
    });
    let counters = Arc::new(Counters::default());
    let started = Instant::now();
    let tty = std::io::stderr().is_terminal();
    let reporter = tokio::spawn({
        let counters = counters.clone();
        async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                let line = progress_line(&counters, total, started);
                if tty {
                    eprint!("\r{line}\x1b[K");
                } else {
                    eprintln!("progress: {line}");
                }
            }
        }
    });
    let results: Vec<Result_> = futures::stream::iter(work.iter())
        .map(|(work, in_flight)| {
            let (stop, counters, journal) = (&stop, &counters, &journal);
            async move {
                if stop.load(Ordering::SeqCst) {
                    return Result_::NotStarted;
                }
                let result = process(client, work, *in_flight, journal).await;
                let counter = match &result {
                    Result_::Created => &counters.created,
                    Result_::Existed => &counters.existed,
                    _ => &counters.refused,
                };
                counter.fetch_add(1, Ordering::Relaxed);
                counters.done.fetch_add(1, Ordering::Relaxed);
                result
            }
        })
        .buffer_unordered(concurrency)
        .collect()
        .await;
    reporter.abort();
    interrupted.abort();
    let elapsed = started.elapsed().as_secs_f64();
    eprintln!(
        "{}{}",
        if tty { "\r" } else { "progress: " },
        progress_line(&counters, total, started)
    );

    let count = |f: fn(&Result_) -> bool| results.iter().filter(|r| f(r)).count();
    let refusals: Vec<&Value> = results
        .iter()
        .filter_map(|r| match r {
            Result_::Refused(e) => Some(e),
            _ => None,
        })
        .collect();
    let not_started = count(|r| matches!(r, Result_::NotStarted));
    let sent = total - not_started;
    let summary = json!({
        "created": count(|r| matches!(r, Result_::Created)),
        "already_existed": count(|r| matches!(r, Result_::Existed)),
        "refused": refusals.len(),
        "skipped_done_before": skipped,
        "invalid_lines": invalid.len(),
        "not_started": not_started,
        "seconds": (elapsed * 1000.0).round() / 1000.0,
        "orders_per_second": ((sent as f64 / elapsed.max(1e-3)) * 10.0).round() / 10.0,
        "concurrency": concurrency,
        "journal": journal_path.display().to_string(),
        "refusals": refusals,
        "invalid": invalid,
    });
    if format == Format::Table {
        println!(
            "created {}, already existed {}, refused {}, skipped (done before) {}, invalid lines {}, not started {} in {elapsed:.1}s",
            summary["created"],
            summary["already_existed"],
            summary["refused"],
            skipped,
            invalid.len(),
            not_started
        );
        for r in &refusals {
            println!(
                "  line {} {}: {}",
                r["line"],
                r["key"],
                r["error"]["message"].as_str().unwrap_or_default()
            );
        }
    } else {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary).unwrap_or_default()
        );
    }
    Ok(if stop.load(Ordering::SeqCst) {
        130
    } else if refusals.is_empty() && invalid.is_empty() {
        0
    } else {
        13
    })
}
