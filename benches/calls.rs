//! Per-call cost of the crate against the code a careful engineer writes by hand: `reqwest` + `serde_json`
//! decoding into the *same* generated types. Both run in one process, interleaved round by round (the order
//! alternates), against an in-process keep-alive HTTP/1.1 server on loopback, at concurrency 1 and 16.
//! Prints calls/s of each and the ratios crate/raw (median over the rounds; 1.00 = no overhead): of wall time,
//! and of the CPU time the whole process spent (client and server both). On a machine that is busy with other
//! work the wall-time ratio is noise; the CPU-time ratio still says what each call costs.
//!
//! The raw loop is the issue's baseline: it sets no timeout. A third side, `raw-timeout` (columns `c/rt`), is
//! the same loop on a `reqwest::Client` given the crate's default timeouts, so the two ratios together show
//! what the timeouts cost and what the rest of the crate costs. The three sides' order rotates every round.
//!
//! `cargo bench --bench calls` (release build); `-- --quick` for fewer rounds, `-- --only getOrder` for the
//! scenarios whose name contains `getOrder`. `-- --only getOrder --profile crate --calls 1000` runs just one
//! side (`crate`, `raw` or `raw-timeout`), sequentially, for a profiler: instruction counts of a `crate` and a
//! `raw` run of the same calls, minus those of a `--calls 0` run, give what one call costs each.

use std::{
    net::SocketAddr,
    sync::Arc,
    time::{Duration, Instant},
};

use fulfillment_apis::{RetryPolicy, Secret, gooten, gooten::types};
use futures::{StreamExt, stream};
use serde_json::{Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

const RECIPE: &str = "bench-recipe-id";
const BILLING_KEY: &str = "bench-billing-key";

/// A keep-alive server answering every request with `body`.
async fn serve(body: Vec<u8>) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let body = Arc::new(body);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let _ = stream.set_nodelay(true);
            let body = body.clone();
            tokio::spawn(async move {
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                );
                let mut buffer = Vec::with_capacity(8192);
                let mut chunk = [0u8; 8192];
                loop {
                    // One request: the head, then its Content-Length body (none for these GETs).
                    let end = loop {
                        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                            break at + 4;
                        }
                        match stream.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    };
                    buffer.drain(..end);
                    if stream.write_all(head.as_bytes()).await.is_err()
                        || stream.write_all(&body).await.is_err()
                    {
                        return;
                    }
                }
            });
        }
    });
    addr
}

/// The spec's example answer of an operation (status 200).
fn example(operation: &str) -> Value {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/gooten.yaml")).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    for item in spec["paths"].as_object().unwrap().values() {
        for op in item.as_object().unwrap().values() {
            if op.get("operationId").and_then(Value::as_str) == Some(operation) {
                return op["responses"]["200"]["content"]["application/json"]["example"].clone();
            }
        }
    }
    panic!("no example for {operation}")
}

/// A search page of `orders` orders, as Gooten answers it.
fn search_page(orders: usize) -> Vec<u8> {
    let one = example("getOrder");
    let orders: Vec<Value> = (0..orders)
        .map(|i| {
            let mut order = one.clone();
            order["Id"] = json!(format!("7-8c3e1f2a-4b5d-4e6f-8a9b-{i:012}"));
            order["SourceId"] = json!(format!("WEB-{i}"));
            order
        })
        .collect();
    serde_json::to_vec(&json!({"Orders": orders, "Page": 1, "TotalPages": 1, "HadError": false}))
        .unwrap()
}

struct Scenario {
    name: &'static str,
    body: Vec<u8>,
    calls: usize,
}

#[derive(Clone, Copy)]
enum Call {
    Variants,
    Search,
    Order,
}

async fn crate_call(client: &gooten::Client, call: Call) {
    let api = client.api();
    match call {
        Call::Variants => {
            let v = api
                .get_product_variants()
                .country_code("US")
                .product_id(43)
                .await
                .unwrap();
            std::hint::black_box(v);
        }
        Call::Search => {
            let v = api.search_orders().page(1).await.unwrap();
            std::hint::black_box(v);
        }
        Call::Order => {
            let v = api.get_order().id("7-8c3e1f2a").await.unwrap();
            std::hint::black_box(v);
        }
    }
}

async fn raw_call(http: &reqwest::Client, base: &str, call: Call) {
    let (url, query): (String, Vec<(&str, &str)>) = match call {
        Call::Variants => (
            format!("{base}/v/5/source/api/productvariants"),
            vec![
                ("countryCode", "US"),
                ("productId", "43"),
                ("recipeid", RECIPE),
            ],
        ),
        Call::Search => (
            format!("{base}/ordersearch"),
            vec![
                ("page", "1"),
                ("recipeid", RECIPE),
                ("partnerBillingKey", BILLING_KEY),
            ],
        ),
        Call::Order => (
            format!("{base}/v/5/source/api/orders"),
            vec![("id", "7-8c3e1f2a"), ("recipeid", RECIPE)],
        ),
    };
    let bytes = http
        .get(url)
        .query(&query)
        .send()
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    match call {
        Call::Variants => {
            std::hint::black_box(
                serde_json::from_slice::<types::ProductVariantsResponse>(&bytes).unwrap(),
            );
        }
        Call::Search => {
            std::hint::black_box(
                serde_json::from_slice::<types::OrderSearchResponse>(&bytes).unwrap(),
            );
        }
        Call::Order => {
            std::hint::black_box(serde_json::from_slice::<types::OrderDetails>(&bytes).unwrap());
        }
    }
}

/// The CPU time this process has used so far, all threads (zero where the platform does not tell).
fn process_cpu_time() -> Duration {
    #[cfg(unix)]
    {
        let mut now = libc::timespec {
            tv_sec: 0,
            tv_nsec: 0,
        };
        // SAFETY: `now` is a valid, writable timespec for the duration of the call.
        if unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut now) } == 0 {
            return Duration::new(now.tv_sec as u64, now.tv_nsec as u32);
        }
    }
    Duration::ZERO
}

/// Wall time and process CPU time of `calls` calls at `concurrency`.
async fn timed<F: std::future::Future<Output = ()>>(
    calls: usize,
    concurrency: usize,
    f: impl Fn() -> F,
) -> (Duration, Duration) {
    let started = Instant::now();
    let cpu = process_cpu_time();
    stream::iter(0..calls)
        .map(|_| f())
        .buffer_unordered(concurrency)
        .collect::<Vec<()>>()
        .await;
    (started.elapsed(), process_cpu_time().saturating_sub(cpu))
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let rounds = if quick { 3 } else { 9 };
    // `-- --only <text>`: the scenarios whose name contains it (for profiling one of them).
    let args: Vec<String> = std::env::args().collect();
    let filter = args
        .iter()
        .position(|a| a == "--only")
        .and_then(|at| args.get(at + 1).cloned());
    let profile = args
        .iter()
        .position(|a| a == "--profile")
        .and_then(|at| args.get(at + 1).cloned());
    let profile_calls: usize = args
        .iter()
        .position(|a| a == "--calls")
        .and_then(|at| args.get(at + 1))
        .map_or(1000, |n| n.parse().expect("--calls takes a number"));
    let _ = rustls::crypto::ring::default_provider().install_default();
    let scenarios = [
        (
            Scenario {
                name: "getProductVariants",
                body: serde_json::to_vec(&example("getProductVariants")).unwrap(),
                calls: 2000,
            },
            Call::Variants,
        ),
        (
            Scenario {
                name: "searchOrders, 25 orders",
                body: search_page(25),
                calls: 600,
            },
            Call::Search,
        ),
        (
            Scenario {
                name: "getOrder",
                body: serde_json::to_vec(&example("getOrder")).unwrap(),
                calls: 2000,
            },
            Call::Order,
        ),
        (
            Scenario {
                name: "searchOrders, 1,000 orders",
                body: search_page(1000),
                calls: 40,
            },
            Call::Search,
        ),
    ];
    println!(
        "crate vs hand-written reqwest + serde_json, same generated types, loopback; median of {rounds} interleaved rounds"
    );
    println!(
        "{:<28} {:>4} {:>8} {:>10} {:>10} {:>10} {:>10} {:>10} {:>10}",
        "call", "conc", "bytes", "crate/s", "raw/s", "wall c/r", "cpu c/r", "wall c/rt", "cpu c/rt"
    );
    for (scenario, call) in scenarios {
        if filter
            .as_ref()
            .is_some_and(|f| !scenario.name.contains(f.as_str()))
        {
            continue;
        }
        let addr = serve(scenario.body.clone()).await;
        let base = format!("http://{addr}/api");
        let client = gooten::Client::builder(RECIPE)
            .with_billing_key(Secret::new(BILLING_KEY))
            .with_environment(gooten::Environment::Custom(base.clone()))
            .with_retry(RetryPolicy::never())
            .build()
            .unwrap();
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        // The same loop with the timeouts the crate sets by default (connect 10 s, each attempt 30 s): what a
        // careful engineer adds, so the crate is also compared with code that pays for them.
        let defaults = fulfillment_apis::Timeouts::default();
        let http_timeout = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(defaults.connect())
            .timeout(defaults.attempt())
            .build()
            .unwrap();
        if let Some(side) = &profile {
            // One side only, one call at a time, with nothing else in the process: for a profiler.
            for _ in 0..profile_calls {
                match side.as_str() {
                    "crate" => crate_call(&client, call).await,
                    "raw" => raw_call(&http, &base, call).await,
                    "raw-timeout" => raw_call(&http_timeout, &base, call).await,
                    other => panic!("--profile takes crate, raw or raw-timeout, not {other}"),
                }
            }
            continue;
        }
        for concurrency in [1, 16] {
            let calls = scenario.calls;
            // Side 0 is the crate, 1 the raw loop, 2 the raw loop with timeouts.
            let side = |which: usize, calls: usize| {
                let (client, http, http_timeout, base) = (&client, &http, &http_timeout, &base);
                async move {
                    match which {
                        0 => timed(calls, concurrency, || crate_call(client, call)).await,
                        1 => timed(calls, concurrency, || raw_call(http, base, call)).await,
                        _ => timed(calls, concurrency, || raw_call(http_timeout, base, call)).await,
                    }
                }
            };
            // Warm up all three (connections, allocator).
            for which in 0..3 {
                side(which, calls / 10 + 1).await;
            }
            let mut results: [Vec<(Duration, Duration)>; 3] = Default::default();
            for round in 0..rounds {
                // The order rotates, so no side always runs first or last.
                for offset in 0..3 {
                    let which = (round + offset) % 3;
                    results[which].push(side(which, calls).await);
                }
            }
            let ratio = |of: usize, to: usize, cpu: bool| {
                median(
                    results[of]
                        .iter()
                        .zip(&results[to])
                        .map(|(a, b)| {
                            let (a, b) = if cpu { (a.1, b.1) } else { (a.0, b.0) };
                            a.as_secs_f64() / b.as_secs_f64().max(1e-9)
                        })
                        .collect(),
                )
            };
            let per_second = |which: usize| {
                median(
                    results[which]
                        .iter()
                        .map(|r| calls as f64 / r.0.as_secs_f64())
                        .collect(),
                )
            };
            println!(
                "{:<28} {:>4} {:>8} {:>10.0} {:>10.0} {:>9.2}x {:>9.2}x {:>9.2}x {:>9.2}x",
                scenario.name,
                concurrency,
                scenario.body.len(),
                per_second(0),
                per_second(1),
                ratio(0, 1, false),
                ratio(0, 1, true),
                ratio(0, 2, false),
                ratio(0, 2, true),
            );
        }
    }
}
