//! The Bdroppy login of the Rewix client against scripted servers: the login request as the plugin sends it,
//! the token scrubbed from errors and traces, and the login read like every other call (HTTPS or loopback only,
//! size-limited, never the answer of a redirect target).
#![cfg(feature = "rewix")]

mod support;

use std::time::Duration;

use fulfillment_apis::{
    ErrorKind, RetryPolicy, Secret,
    rewix::{self, Credentials},
};
use serde_json::json;
use support::{Reply, ScriptedServer, all_traces};

const EMAIL: &str = "ak-bd+7Qz3";
const PASSWORD: &str = "pw-Bd/S3cr3t=";
const TOKEN: &str = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ0In0.tok-SECRET-9f3a";

fn builder(base: String) -> rewix::ClientBuilder {
    rewix::Client::builder_with(Credentials::bdroppy_login(
        Secret::new(EMAIL),
        Secret::new(PASSWORD),
    ))
    .with_environment(rewix::Environment::Custom(base))
    .with_retry(RetryPolicy::default().with_initial_backoff(Duration::from_millis(2)))
}

fn text(status: u16, body: &str) -> Reply {
    Reply::Respond {
        status,
        headers: vec![("Content-Type".into(), "text/plain".into())],
        body: body.into(),
    }
}

#[tokio::test]
async fn the_login_is_posted_as_json_and_the_token_sent_as_bearer() {
    let server = ScriptedServer::start(|request| {
        if request.path() == "/api/auth/login" {
            Reply::json(200, json!({ "token": TOKEN }))
        } else {
            Reply::json(200, json!([{"id": 39, "name": "TNT", "cost": 9.8}]))
        }
    })
    .await;
    let client = builder(server.url("")).build().unwrap();
    client.api().list_carriers().await.unwrap();
    let recorded = server.recorded();
    assert_eq!(recorded.len(), 2);
    let login = &recorded[0];
    assert_eq!(
        (login.method.as_str(), login.path()),
        ("POST", "/api/auth/login")
    );
    assert_eq!(login.json(), json!({"email": EMAIL, "password": PASSWORD}));
    assert!(!login.headers.contains_key("authorization"));
    assert_eq!(
        recorded[1].headers.get("authorization").map(String::as_str),
        Some(format!("Bearer {TOKEN}").as_str())
    );
}

#[tokio::test]
async fn the_token_and_the_password_never_appear_in_errors_or_traces() {
    let logs = all_traces();
    // A careless server that echoes the token and the login in its error.
    let server = ScriptedServer::start(|request| {
        if request.path() == "/api/auth/login" {
            Reply::json(200, json!({ "token": TOKEN }))
        } else {
            text(
                404,
                &format!("no carriers for {EMAIL}/{PASSWORD} with {TOKEN}"),
            )
        }
    })
    .await;
    let client = builder(server.url("")).build().unwrap();
    let err = client.api().list_carriers().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::NotFound, "{err}");
    // A login answer without a token keeps its body, token-like fields redacted.
    let broken = ScriptedServer::start(|_| {
        Reply::json(200, json!({ "access_token": TOKEN, "note": PASSWORD }))
    })
    .await;
    let broken_err = builder(broken.url(""))
        .build()
        .unwrap()
        .api()
        .list_carriers()
        .await
        .unwrap_err();
    assert_eq!(broken_err.kind(), ErrorKind::Decode, "{broken_err}");
    assert_eq!(broken_err.operation(), Some("bdroppyLogin"));
    let outputs = [
        format!("{client:?}"),
        format!("{err:?}"),
        err.to_string(),
        String::from_utf8_lossy(err.body().unwrap()).into_owned(),
        format!("{broken_err:?}"),
        String::from_utf8_lossy(broken_err.body().unwrap()).into_owned(),
        logs.text(),
    ];
    assert!(
        logs.text().contains("fulfillment_apis.rewix.login"),
        "tracing captured the login: {}",
        logs.text()
    );
    for output in &outputs {
        for secret in [EMAIL, PASSWORD, TOKEN] {
            assert!(!output.contains(secret), "{secret} leaked in: {output}");
        }
    }
}

#[tokio::test]
async fn the_login_is_never_sent_in_plain_http_to_another_host() {
    let err = builder("http://prod.bdroppy.example".into())
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    let err = rewix::Client::builder_with(Credentials::bdroppy_login("", "pw"))
        .build()
        .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::Configuration);
    assert_eq!(
        rewix::Environment::Bdroppy.base_url(),
        "https://prod.bdroppy.com"
    );
    assert_eq!(
        rewix::Environment::BdroppySandbox.base_url(),
        "https://dev.bdroppy.com"
    );
}

#[tokio::test]
async fn a_redirected_login_is_refused_and_the_target_sees_nothing() {
    let target = ScriptedServer::start(|_| Reply::json(200, json!({ "token": TOKEN }))).await;
    let location = format!("{}/api/auth/login", target.url(""));
    let origin = ScriptedServer::start(move |_| Reply::Respond {
        status: 307,
        headers: vec![("Location".into(), location.clone())],
        body: String::new(),
    })
    .await;
    let client = builder(origin.url(""))
        .with_retry(RetryPolicy::never())
        .build()
        .unwrap();
    let err = client.api().list_carriers().await.unwrap_err();
    assert_eq!(err.operation(), Some("bdroppyLogin"), "{err}");
    assert!(
        target.recorded().is_empty(),
        "the login was never redirected"
    );
    assert_eq!(origin.recorded().len(), 1, "no API call without a token");
}

#[tokio::test]
async fn the_login_answer_is_size_limited() {
    let big = "x".repeat(256 << 10);
    let server =
        ScriptedServer::start(move |_| Reply::json(200, json!({ "token": TOKEN, "pad": big })))
            .await;
    let client = builder(server.url(""))
        .with_max_response_bytes(64 << 10)
        .with_retry(RetryPolicy::never())
        .build()
        .unwrap();
    let err = client.api().list_carriers().await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::ResponseTooLarge, "{err}");
    assert_eq!(err.operation(), Some("bdroppyLogin"));
}

/// The generated login types hold the password and the token as `Secret`s (`format: password` in the spec):
/// their `Debug` never shows them, and the body still carries the password on the wire.
#[test]
fn the_generated_login_types_never_debug_print_the_password_or_the_token() {
    use fulfillment_apis::rewix::types::{BdroppyLoginRequest, BdroppyLoginResponse};
    let request: BdroppyLoginRequest =
        serde_json::from_value(json!({"email": "key-1", "password": "pass-Secret-99"})).unwrap();
    assert!(
        !format!("{request:?}").contains("pass-Secret-99"),
        "{request:?}"
    );
    let wire = serde_json::to_string(&request).unwrap();
    assert_eq!(wire, r#"{"email":"key-1","password":"pass-Secret-99"}"#);
    let answer: BdroppyLoginResponse =
        serde_json::from_value(json!({"token": "eyJ.token-Secret-77.sig"})).unwrap();
    assert!(
        !format!("{answer:?}").contains("token-Secret-77"),
        "{answer:?}"
    );
    assert_eq!(answer.token.expose(), "eyJ.token-Secret-77.sig");
}
