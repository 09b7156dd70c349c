//! The `fulfillment` command line (feature `cli`), run as a process against the sandbox: every operation of
//! every spec is reachable, errors come out typed with their exit code, and a bulk import of 1,000 orders with
//! dropped answers, killed part-way and run again with the same journal, leaves exactly 1,000 orders.
#![cfg(feature = "cli")]

use std::{
    path::{Path, PathBuf},
    process::{Command, Output, Stdio},
    time::{Duration, Instant},
};

use fulfillment_apis::sandbox::{GootenSandbox, RewixSandbox};
use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_fulfillment");

/// The binary with a clean environment (no credentials or profile of the machine running the tests).
fn cli() -> Command {
    let mut command = Command::new(BIN);
    command.env_clear();
    command
}

fn run(args: &[&str]) -> Output {
    cli().args(args).output().unwrap()
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("fulfillment-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn spec_operation_ids(provider: &str) -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("spec/{provider}.yaml"));
    let spec: Value = serde_norway::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut ids = Vec::new();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if let Some(id) = op.get("operationId").and_then(Value::as_str) {
                ids.push(id.to_string());
            }
        }
    }
    ids
}

#[test]
fn every_operation_of_every_spec_is_reachable() {
    for provider in ["gooten", "bootic", "rewix"] {
        let dispatchable: &[&str] = match provider {
            "gooten" => fulfillment_apis::gooten::dispatchable(),
            "bootic" => fulfillment_apis::bootic::dispatchable(),
            _ => fulfillment_apis::rewix::dispatchable(),
        };
        let listed = run(&[provider, "list"]);
        assert!(listed.status.success());
        let listed: Vec<Value> = serde_json::from_slice(&listed.stdout).unwrap();
        let ids = spec_operation_ids(provider);
        assert_eq!(
            listed.len(),
            ids.len(),
            "{provider}: one command per operation"
        );
        for id in dispatchable {
            assert!(
                ids.contains(&id.to_string()),
                "{provider}: {id} dispatchable but not in the spec"
            );
        }
        for id in &ids {
            let entry = listed
                .iter()
                .find(|e| e["operation_id"] == id.as_str())
                .unwrap_or_else(|| panic!("{provider}: {id} is not listed"));
            let command = entry["command"].as_str().unwrap();
            let help = run(&[provider, command, "--help"]);
            let text = String::from_utf8(help.stdout).unwrap();
            assert!(
                help.status.success() && text.contains(id.as_str()),
                "{provider} {command}: {text}"
            );
            // No secret of any kind is a default in a help text.
            for secret in [GootenSandbox::PARTNER_BILLING_KEY, RewixSandbox::PASSWORD] {
                assert!(!text.contains(secret));
            }
            if !dispatchable.contains(&id.as_str()) {
                continue;
            }
            // A real call with no arguments: an answer, or a typed refusal (missing parameter, provider
            // error), never an unexpected failure.
            let called = run(&["--sandbox", provider, command]);
            let code = called.status.code().unwrap();
            if code == 0 {
                // JSON, or JSON Lines for the streams (possibly none: an empty sandbox).
                let text = String::from_utf8(called.stdout).unwrap();
                if serde_json::from_str::<Value>(&text).is_err() {
                    for line in text.lines() {
                        serde_json::from_str::<Value>(line)
                            .unwrap_or_else(|e| panic!("{provider} {command}: not JSON: {e}"));
                    }
                }
            } else {
                assert_ne!(
                    code,
                    1,
                    "{provider} {command}: {}",
                    String::from_utf8_lossy(&called.stderr)
                );
                let error: Value = serde_json::from_slice(&called.stderr).unwrap();
                assert!(
                    error["error"]["kind"].is_string(),
                    "{provider} {command}: {error}"
                );
            }
        }
    }
}

#[test]
fn errors_are_typed_with_an_exit_code_per_kind() {
    let missing = run(&["gooten", "get-countries"]);
    assert_eq!(
        missing.status.code(),
        Some(3),
        "no credentials is a configuration error"
    );
    let usage = run(&["--sandbox", "gooten", "get-order"]);
    assert_eq!(usage.status.code(), Some(2));
    let bad_type = run(&[
        "--sandbox",
        "gooten",
        "get-product-variants",
        "--product-id",
        "abc",
    ]);
    assert_eq!(
        bad_type.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&bad_type.stderr)
    );
    let not_found = run(&["--sandbox", "gooten", "get-order", "--id", "nope"]);
    assert_eq!(not_found.status.code(), Some(5));
    let error: Value = serde_json::from_slice(&not_found.stderr).unwrap();
    assert_eq!(error["error"]["kind"], "not found");
    assert_eq!(error["error"]["status"], 404);
    assert!(error["error"]["reference"].is_string());
    let table = run(&["--sandbox", "--output", "table", "gooten", "get-countries"]);
    assert!(String::from_utf8(table.stdout).unwrap().starts_with("Code"));
}

fn gooten_order(key: &str) -> Value {
    json!({
        "ShipToAddress": {"FirstName": "Jane", "LastName": "Roe", "Line1": "1 Main St", "City": "Austin",
            "State": "TX", "CountryCode": "US", "PostalCode": "78701", "Phone": "512-555-0100",
            "Email": "jane@example.com"},
        "BillingAddress": {"FirstName": "Jane", "LastName": "Roe", "CountryCode": "US", "PostalCode": "78701"},
        "Items": [{"SKU": "PremTee-Blk-M", "Quantity": 1, "ShipType": "standard",
            "Images": [{"Url": "https://x.test/a.png"}]}],
        "SourceId": key,
        "IsInTestMode": true
    })
}

fn write_lines(path: &Path, lines: impl IntoIterator<Item = String>) {
    let text: String = lines.into_iter().map(|l| l + "\n").collect();
    std::fs::write(path, text).unwrap();
}

fn outcomes_in(journal: &Path) -> usize {
    std::fs::read_to_string(journal)
        .map(|t| {
            t.lines()
                .filter(|l| l.contains("\"created\"") || l.contains("\"already_existed\""))
                .count()
        })
        .unwrap_or(0)
}

#[test]
fn bad_lines_are_reported_by_number_and_the_valid_ones_imported() {
    let dir = scratch("bad-lines");
    let file = dir.join("orders.jsonl");
    let mut lines: Vec<String> = (0..3)
        .map(|i| gooten_order(&format!("OK-{i}")).to_string())
        .collect();
    lines.insert(1, "{not json".into());
    let mut no_key = gooten_order("x");
    no_key.as_object_mut().unwrap().remove("SourceId");
    lines.push(no_key.to_string());
    lines.push(gooten_order("OK-0").to_string());
    write_lines(&file, lines);
    let out = run(&[
        "--sandbox",
        "gooten",
        "submit-orders",
        file.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(13));
    let stderr = String::from_utf8(out.stderr).unwrap();
    for line in [":2:", ":5:", ":6:"] {
        assert!(stderr.contains(line), "{line} in {stderr}");
    }
    let summary: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (
            summary["created"].as_u64(),
            summary["invalid_lines"].as_u64()
        ),
        (Some(3), Some(3))
    );
}

/// Runs the CLI against a sandbox of this test process (which outlives it).
fn bulk(provider: &str, base_url: &str, file: &Path, journal: &Path) -> Command {
    let mut command = cli();
    command
        .env("GOOTEN_RECIPE_ID", GootenSandbox::RECIPE_ID)
        .env("GOOTEN_BILLING_KEY", GootenSandbox::PARTNER_BILLING_KEY)
        .env("REWIX_API_KEY", RewixSandbox::API_KEY)
        .env("REWIX_PASSWORD", RewixSandbox::PASSWORD)
        .args(["--base-url", base_url, provider])
        .arg(if provider == "gooten" {
            "submit-orders"
        } else {
            "send-orders"
        })
        .arg(file)
        .args(["--concurrency", "8", "--journal"])
        .arg(journal)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bulk_import_killed_part_way_and_run_again_sends_each_order_exactly_once() {
    const ORDERS: usize = 1000;
    let sandbox = GootenSandbox::start().await.unwrap();
    sandbox.faults().set_drop_after_commit_rate(0.05);
    let dir = scratch("kill");
    let (file, journal) = (dir.join("orders.jsonl"), dir.join("orders.journal"));
    write_lines(
        &file,
        (0..ORDERS).map(|i| gooten_order(&format!("BULK-{i}")).to_string()),
    );
    let base_url = sandbox.base_url();
    let (killed_after, second, took) = tokio::task::spawn_blocking({
        let (file, journal, base_url) = (file.clone(), journal.clone(), base_url.clone());
        move || {
            let started = Instant::now();
            let mut child = bulk("gooten", &base_url, &file, &journal).spawn().unwrap();
            while outcomes_in(&journal) < 300 {
                assert!(started.elapsed() < Duration::from_secs(120), "no progress");
                assert!(
                    child.try_wait().unwrap().is_none(),
                    "finished before it could be killed"
                );
                std::thread::sleep(Duration::from_millis(10));
            }
            child.kill().unwrap();
            child.wait().unwrap();
            let killed_after = outcomes_in(&journal);
            let second_started = Instant::now();
            let second = bulk("gooten", &base_url, &file, &journal).output().unwrap();
            (killed_after, second, second_started.elapsed())
        }
    })
    .await
    .unwrap();
    let summary: Value = serde_json::from_slice(&second.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&second.stderr)));
    eprintln!("killed after {killed_after} outcomes; the second run took {took:?}: {summary}");
    assert_eq!(second.status.code(), Some(0), "{summary}");
    assert_eq!(sandbox.order_count(), ORDERS);
    for i in 0..ORDERS {
        assert_eq!(
            sandbox.orders_with_source_id(&format!("BULK-{i}")),
            1,
            "BULK-{i}"
        );
    }
    let done_before = summary["skipped_done_before"].as_u64().unwrap() as usize;
    assert!(
        done_before >= killed_after.min(ORDERS) && done_before < ORDERS,
        "{summary}"
    );
    let resolved =
        summary["created"].as_u64().unwrap() + summary["already_existed"].as_u64().unwrap();
    assert_eq!(resolved as usize + done_before, ORDERS, "{summary}");
    assert!(
        sandbox.faults().dropped_connections() > 0,
        "answers were dropped"
    );
    // A third run has nothing left to do.
    let third = tokio::task::spawn_blocking(move || {
        bulk("gooten", &base_url, &file, &journal).output().unwrap()
    })
    .await
    .unwrap();
    let summary: Value = serde_json::from_slice(&third.stdout).unwrap();
    assert_eq!(summary["skipped_done_before"], ORDERS);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rewix_send_orders_with_dropped_answers_is_exactly_once_and_resumable() {
    let sandbox = RewixSandbox::start().await.unwrap();
    sandbox.set_available(55, 1000);
    sandbox.faults().set_drop_after_commit_rate(0.2);
    let dir = scratch("rewix");
    let (file, journal) = (dir.join("orders.jsonl"), dir.join("orders.journal"));
    write_lines(
        &file,
        (0..30).map(|i| {
            json!({"key": format!("R-{i}"), "date": "2024/03/15 14:30:00 +0100", "carrierId": "20",
                "recipient_details": {"recipient": "ACME srl",
                    "address": {"street_name": "Roma", "address_number": "1", "zip": "10100", "city": "TORINO",
                        "province": "TO", "countrycode": "IT"},
                    "phone": {"prefix": "+39", "number": "0112838474"}},
                "item_list": [{"stock_id": "55", "quantity": "1"}]})
            .to_string()
        }),
    );
    let base_url = sandbox.base_url();
    let (first, second) = tokio::task::spawn_blocking(move || {
        let first = bulk("rewix", &base_url, &file, &journal).output().unwrap();
        let second = bulk("rewix", &base_url, &file, &journal).output().unwrap();
        (first, second)
    })
    .await
    .unwrap();
    let first: Value = serde_json::from_slice(&first.stdout).unwrap();
    assert_eq!(first["refused"], 0, "{first}");
    let second: Value = serde_json::from_slice(&second.stdout).unwrap();
    assert_eq!(second["skipped_done_before"], 30, "{second}");
    assert_eq!(sandbox.order_count(), 30);
    for i in 0..30 {
        assert_eq!(sandbox.orders_with_key(&format!("R-{i}")), 1);
    }
}
