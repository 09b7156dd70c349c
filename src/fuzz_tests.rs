//! A seeded, bounded mutation test: every operation of every client (through the generated dispatcher, so an
//! operation added to a spec is covered with no new code) is called against a loopback server that answers
//! with the spec's own examples, mutated: bytes flipped, cut, duplicated; values replaced by other types,
//! huge numbers, deep nesting, invalid UTF-8; statuses and content types swapped. Every call must end, within
//! a deadline, in a typed result, with no panic and no secret in the error.
//!
//! `FUZZ_CASES` (per operation, default 100) and `FUZZ_SEED` run it longer or differently.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex},
    time::Duration,
};

use serde_json::{Map, Value, json};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

use crate::{ErrorKind, RetryPolicy, Secret, Timeouts, bootic, gooten, rewix};

const RECIPE: &str = "fuzz-recipe-0123";
const BILLING_KEY: &str = "fuzz+billing/key=";
const CLIENT_SECRET: &str = "fuzz-client-secret";
const PASSWORD: &str = "fuzz-password-value";

/// One answer the server gives.
#[derive(Clone, Debug)]
struct Answer {
    status: u16,
    content_type: Option<&'static str>,
    body: Vec<u8>,
}

/// A loopback server answering every request with the current [`Answer`] (Bootic's token endpoint with a
/// token), counting the requests it served.
struct Server {
    addr: SocketAddr,
    answer: Arc<Mutex<Answer>>,
    served: Arc<Mutex<usize>>,
    /// Every request, token requests included.
    requests: Arc<Mutex<usize>>,
}

impl Server {
    async fn start() -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let answer = Arc::new(Mutex::new(Answer {
            status: 200,
            content_type: Some("application/json"),
            body: b"{}".to_vec(),
        }));
        let served = Arc::new(Mutex::new(0));
        let requests = Arc::new(Mutex::new(0));
        let (current, count, all) = (answer.clone(), served.clone(), requests.clone());
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let (current, count, all) = (current.clone(), count.clone(), all.clone());
                tokio::spawn(async move {
                    let Some(path) = read_request(&mut stream).await else {
                        return;
                    };
                    *all.lock().unwrap() += 1;
                    let answer = if path.ends_with("/oauth/token") {
                        Answer {
                            status: 200,
                            content_type: Some("application/json"),
                            body: br#"{"access_token":"fuzz-token-1","expires_in":3600}"#.to_vec(),
                        }
                    } else {
                        *count.lock().unwrap() += 1;
                        current.lock().unwrap().clone()
                    };
                    let mut head = format!(
                        "HTTP/1.1 {} X\r\nContent-Length: {}\r\nConnection: close\r\n",
                        answer.status,
                        answer.body.len()
                    );
                    if let Some(content_type) = answer.content_type {
                        head.push_str(&format!("Content-Type: {content_type}\r\n"));
                    }
                    head.push_str("\r\n");
                    let _ = stream.write_all(head.as_bytes()).await;
                    let _ = stream.write_all(&answer.body).await;
                    let _ = stream.shutdown().await;
                });
            }
        });
        Server {
            addr,
            answer,
            served,
            requests,
        }
    }
}

/// Reads one request (head and `Content-Length` body); returns its path.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<String> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 8192];
    let head_end = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-length")
                .then(|| v.trim().parse().ok())?
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    head.split_whitespace().nth(1).map(str::to_string)
}

/// What the spec gives for one operation: example arguments and example answers.
struct Operation {
    id: String,
    args: Map<String, Value>,
    /// The names of its path parameters, with whether each is a string.
    path_params: Vec<(String, bool)>,
    answers: Vec<(u16, Value)>,
}

/// Follows `$ref`s inside the spec document.
fn resolve<'a>(spec: &'a Value, node: &'a Value) -> &'a Value {
    let mut node = node;
    for _ in 0..8 {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => {
                node = spec
                    .pointer(reference.trim_start_matches('#'))
                    .unwrap_or(&Value::Null)
            }
            None => return node,
        }
    }
    node
}

/// A value for a parameter: its example, its schema's example or first enum value, else one of its type. An
/// `explode: false` array is one comma-separated string, as the Rust generator takes it (spec/README.md).
fn sample(spec: &Value, parameter: &Value) -> Value {
    let value = example_of(spec, parameter);
    match (&value, parameter.get("explode")) {
        (Value::Array(items), Some(Value::Bool(false))) => {
            let joined: Vec<String> = items
                .iter()
                .map(|i| i.as_str().map_or_else(|| i.to_string(), str::to_string))
                .collect();
            json!(joined.join(","))
        }
        _ => value,
    }
}

fn example_of(spec: &Value, parameter: &Value) -> Value {
    if let Some(example) = parameter.get("example") {
        return example.clone();
    }
    let schema = resolve(spec, parameter.get("schema").unwrap_or(&Value::Null));
    if let Some(example) = schema.get("example") {
        return example.clone();
    }
    if let Some(first) = schema.get("enum").and_then(|e| e.get(0)) {
        return first.clone();
    }
    match (
        schema.get("type").and_then(Value::as_str),
        schema.get("format").and_then(Value::as_str),
    ) {
        (Some("integer"), _) => json!(1),
        (Some("number"), _) => json!(1.5),
        (Some("boolean"), _) => json!(true),
        (Some("string"), Some("date-time")) => json!("2024-01-02T03:04:05Z"),
        (Some("string"), Some("date")) => json!("2024-01-02"),
        (Some("array"), _) => json!([example_of(spec, &json!({"schema": schema.get("items")}))]),
        _ => json!("x1"),
    }
}

/// The JSON example of a request body or answer (`example`, or the first of `examples`).
fn media_example(spec: &Value, content: &Value) -> Option<Value> {
    let media = content.get("application/json")?;
    if let Some(example) = media.get("example") {
        return Some(example.clone());
    }
    let examples = media.get("examples")?.as_object()?;
    let first = resolve(spec, examples.values().next()?);
    first.get("value").cloned()
}

fn operations(provider: &str) -> Vec<Operation> {
    let path = format!("{}/spec/{provider}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    let spec: Value = serde_norway::from_str(&text).unwrap();
    let mut out = Vec::new();
    for (_, item) in spec["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let mut args = Map::new();
            let mut path_params = Vec::new();
            let shared = item.get("parameters").and_then(Value::as_array);
            let own = op.get("parameters").and_then(Value::as_array);
            for parameter in shared.into_iter().chain(own).flatten() {
                let parameter = resolve(&spec, parameter);
                let name = parameter["name"].as_str().unwrap().to_string();
                if parameter["in"] == "path" {
                    let schema = resolve(&spec, &parameter["schema"]);
                    path_params.push((name.clone(), schema["type"] == "string"));
                }
                args.insert(name, sample(&spec, parameter));
            }
            if let Some(body) = op.get("requestBody") {
                let body = resolve(&spec, body);
                if let Some(example) = media_example(&spec, &body["content"]) {
                    args.insert("body".into(), example);
                }
            }
            let mut answers = Vec::new();
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = resolve(&spec, response);
                let status = status.parse().unwrap_or(500);
                let example = media_example(&spec, &response["content"]).unwrap_or(json!({}));
                answers.push((status, example));
            }
            out.push(Operation {
                id: id.to_string(),
                args,
                path_params,
                answers,
            });
        }
    }
    out
}

/// Mutations of a JSON document, at the byte level and at the value level.
fn mutate(rng: &mut fastrand::Rng, example: &Value) -> Vec<u8> {
    let mut bytes = serde_json::to_vec(example).unwrap();
    match rng.u8(0..12) {
        0 => bytes,
        1 if !bytes.is_empty() => {
            let at = rng.usize(..bytes.len());
            bytes[at] ^= 1 << rng.u8(0..8);
            bytes
        }
        2 => {
            bytes.truncate(rng.usize(..=bytes.len()));
            bytes
        }
        3 if !bytes.is_empty() => {
            let start = rng.usize(..bytes.len());
            let end = rng.usize(start..=bytes.len());
            let copy = bytes[start..end].to_vec();
            let at = rng.usize(..=bytes.len());
            bytes.splice(at..at, copy);
            bytes
        }
        4 => {
            const TOKENS: &[&[u8]] = &[
                b"{",
                b"}",
                b"[",
                b"]",
                b"\"",
                b"\\",
                b",",
                b":",
                b"null",
                b"-1e999",
                b"1e400",
                b"\"\\ud800\"",
                b"\"\\u0000\"",
                b"\xff\xfe",
                b"\xc3",
                b"NaN",
                b"true",
                b"-0",
            ];
            let at = rng.usize(..=bytes.len());
            let token = TOKENS[rng.usize(..TOKENS.len())];
            bytes.splice(at..at, token.iter().copied());
            bytes
        }
        5 => {
            let depth = rng.usize(100..20_000);
            let mut nested = Vec::with_capacity(depth * 2 + 16);
            nested.extend(std::iter::repeat_n(b'[', depth));
            nested.extend(std::iter::repeat_n(b']', depth));
            serde_json::to_vec(&json!({"HadError": false})).map_or(nested.clone(), |mut doc| {
                doc.pop();
                doc.extend_from_slice(b",\"Unknown\":");
                doc.extend_from_slice(&nested);
                doc.push(b'}');
                doc
            })
        }
        6 => b"".to_vec(),
        7 => b"<html><body>502 Bad Gateway</body></html>".to_vec(),
        _ => {
            let mut value = example.clone();
            mutate_value(rng, &mut value, 0);
            serde_json::to_vec(&value).unwrap()
        }
    }
}

/// Replaces one node of `value` (chosen at random along a random path) by another type or an extreme value.
fn mutate_value(rng: &mut fastrand::Rng, value: &mut Value, depth: usize) {
    let descend = depth < 6 && rng.bool();
    match value {
        Value::Object(map) if descend && !map.is_empty() => {
            let key = map.keys().nth(rng.usize(..map.len())).unwrap().clone();
            if rng.u8(0..4) == 0 {
                // The same key in another casing, or removed.
                let node = map.remove(&key).unwrap();
                if rng.bool() {
                    map.insert(key.to_ascii_lowercase(), node);
                }
            } else {
                mutate_value(rng, map.get_mut(&key).unwrap(), depth + 1);
            }
        }
        Value::Array(items) if descend && !items.is_empty() => {
            let at = rng.usize(..items.len());
            mutate_value(rng, &mut items[at], depth + 1);
        }
        _ => {
            *value = match rng.u8(0..9) {
                0 => Value::Null,
                1 => json!(1e308),
                2 => json!(-9_223_372_036_854_775_808i64),
                3 => json!(18_446_744_073_709_551_615u64),
                4 => json!("x".repeat(rng.usize(0..5000))),
                5 => json!([]),
                6 => json!({}),
                7 => json!(true),
                _ => json!(0.1),
            }
        }
    }
}

/// The status and content type of a case: mostly the example's own, sometimes another.
fn frame(rng: &mut fastrand::Rng, documented: u16) -> (u16, Option<&'static str>) {
    let status = match rng.u8(0..10) {
        0 => [200, 201, 204, 302, 400, 401, 404, 409, 422, 429, 500, 503][rng.usize(..12)],
        _ => documented,
    };
    let content_type = match rng.u8(0..10) {
        0 => None,
        1 => Some("text/html"),
        2 => Some("application/xml"),
        _ => Some("application/json"),
    };
    (status, content_type)
}

/// A client of each provider against the loopback server at `base`: no retries, short attempts.
fn clients(base: &str) -> (gooten::Client, bootic::Client, rewix::Client) {
    let (retry, timeouts) = (
        RetryPolicy::never(),
        Timeouts::default().with_attempt(Duration::from_secs(3)),
    );
    let gooten = gooten::Client::builder(RECIPE)
        .with_billing_key(Secret::new(BILLING_KEY))
        .with_environment(gooten::Environment::Custom(format!("{base}/api")))
        .with_retry(retry.clone())
        .with_timeouts(timeouts.clone())
        .build()
        .unwrap();
    let bootic = bootic::Client::builder(bootic::Credentials::client_credentials(
        "fuzz-client",
        Secret::new(CLIENT_SECRET),
    ))
    .with_environment(bootic::Environment::Custom(format!("{base}/v1")))
    .with_token_url(format!("{base}/oauth/token"))
    .with_retry(retry.clone())
    .with_timeouts(timeouts.clone())
    .build()
    .unwrap();
    let rewix = rewix::Client::builder(Secret::new("fuzz-api-key"), Secret::new(PASSWORD))
        .with_environment(rewix::Environment::Custom(base.to_string()))
        .with_retry(retry)
        .with_timeouts(timeouts)
        .build()
        .unwrap();

    (gooten, bootic, rewix)
}

/// The stack of the threads the dispatcher runs on. In a debug build the generated `dispatch` reserves stack for
/// the future of every operation at once (more than 1 MiB for Gooten's 30), which with the decoders' own depth
/// leaves too little of the default 2 MiB; a release build needs a fraction of it.
const DISPATCH_STACK: usize = 16 << 20;

/// Runs `test` on a two-worker runtime whose threads, and the thread that blocks on it, have [`DISPATCH_STACK`].
fn on_dispatch_stack<F: std::future::Future<Output = ()> + 'static>(test: fn() -> F) {
    std::thread::Builder::new()
        .stack_size(DISPATCH_STACK)
        .spawn(move || {
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .thread_stack_size(DISPATCH_STACK)
                .enable_all()
                .build()
                .unwrap()
                .block_on(test())
        })
        .unwrap()
        .join()
        .unwrap();
}

#[test]
fn mutated_answers_to_every_operation_end_in_a_typed_result() {
    on_dispatch_stack(mutated_answers);
}

async fn mutated_answers() {
    let cases_per_operation: usize = std::env::var("FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100);
    let seed: u64 = std::env::var("FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5eed_f00d);
    let mut rng = fastrand::Rng::with_seed(seed);
    let server = Server::start().await;
    let base = format!("http://{}", server.addr);
    let (gooten, bootic, rewix) = clients(&base);

    let mut cases = 0usize;
    let mut outcomes = std::collections::BTreeMap::<String, usize>::new();
    for provider in ["gooten", "bootic", "rewix"] {
        let dispatchable: &[&str] = match provider {
            "gooten" => gooten::generated::DISPATCHABLE,
            "bootic" => bootic::generated::DISPATCHABLE,
            _ => rewix::generated::DISPATCHABLE,
        };
        let operations = operations(provider);
        for id in dispatchable {
            let op = operations
                .iter()
                .find(|op| op.id == *id)
                .unwrap_or_else(|| panic!("{provider} {id} is dispatchable but not in the spec"));
            for _ in 0..cases_per_operation {
                let (documented, example) = &op.answers[rng.usize(..op.answers.len())];
                let body = mutate(&mut rng, example);
                let (status, content_type) = frame(&mut rng, *documented);
                *server.answer.lock().unwrap() = Answer {
                    status,
                    content_type,
                    body: body.clone(),
                };
                let call = async {
                    match provider {
                        "gooten" => gooten::generated::dispatch(gooten.api(), id, &op.args).await,
                        "bootic" => bootic::generated::dispatch(bootic.api(), id, &op.args).await,
                        _ => rewix::generated::dispatch(rewix.api(), id, &op.args).await,
                    }
                };
                let result = tokio::time::timeout(Duration::from_secs(10), call)
                    .await
                    .unwrap_or_else(|_| {
                        panic!("{provider} {id} hung on status {status} body {body:?}")
                    });
                let detail = result
                    .as_ref()
                    .err()
                    .map(|e| e.to_string())
                    .unwrap_or_default();
                let outcome = match result {
                    Ok(_) => "ok".to_string(),
                    Err(err) => {
                        let shown = format!("{err} {err:?}");
                        for secret in [RECIPE, BILLING_KEY, CLIENT_SECRET, PASSWORD] {
                            assert!(!shown.contains(secret), "{secret} in {shown}");
                        }
                        assert_ne!(
                            err.kind(),
                            ErrorKind::Configuration,
                            "{provider} {id}: {err}"
                        );
                        err.kind().as_str().to_string()
                    }
                };
                if std::env::var_os("FUZZ_VERBOSE").is_some() {
                    eprintln!("{provider} {id} {status}: {outcome} {detail}");
                }
                *outcomes.entry(outcome).or_default() += 1;
                cases += 1;
            }
        }
    }
    let served = *server.served.lock().unwrap();
    eprintln!(
        "mutation test: {cases} cases, {served} mutated answers served, outcomes {outcomes:?}"
    );
    // Every case reached the server (a Bootic 401 is repeated once with a new token, so some twice): none
    // was refused before sending, so the arguments taken from the spec are valid.
    assert!(served >= cases, "{served} < {cases}: {outcomes:?}");
    assert!(!outcomes.contains_key("invalid request"), "{outcomes:?}");
    assert!(
        outcomes.get("ok").copied().unwrap_or(0) > cases / 20,
        "{outcomes:?}"
    );
    assert!(outcomes.len() >= 4, "{outcomes:?}");
}

mod path_params;
