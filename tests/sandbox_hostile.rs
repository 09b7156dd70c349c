//! The sandbox keeps its hostile-input behaviour (issue 15): 413 on a 100 MB body, a clean refusal of
//! 100,000-deep JSON (and still serving afterwards), 431 on 1 MB of headers, and a connection whose headers
//! trickle in (slowloris) closed at hyper's 30 s header-read timeout. Loopback only, bounded sizes and times.
#![cfg(feature = "sandbox")]

use std::time::{Duration, Instant};

use fulfillment_apis::sandbox::{BooticSandbox, GootenSandbox, RewixSandbox};
use reqwest::StatusCode;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .timeout(Duration::from_secs(60))
        .build()
        .unwrap()
}

/// An order-creating request of each fake, authenticated as the sandbox expects, without a body yet.
async fn order_requests() -> (Vec<reqwest::RequestBuilder>, impl Sized) {
    let http = http();
    let gooten = GootenSandbox::start().await.unwrap();
    let rewix = RewixSandbox::start().await.unwrap();
    let bootic = BooticSandbox::start().await.unwrap();
    let token = http
        .post(bootic.token_url())
        .basic_auth(BooticSandbox::CLIENT_ID, Some(BooticSandbox::CLIENT_SECRET))
        .form(&[("grant_type", "client_credentials"), ("scope", "admin")])
        .send()
        .await
        .unwrap()
        .json::<serde_json::Value>()
        .await
        .unwrap()["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let requests = vec![
        http.post(format!(
            "{}/v/5/source/api/orders?recipeid={}",
            gooten.base_url(),
            GootenSandbox::RECIPE_ID
        )),
        http.post(format!(
            "{}/restful/ghost/orders/0/dropshipping",
            rewix.base_url()
        ))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD)),
        http.post(format!(
            "{}/shops/{}/orders",
            bootic.base_url(),
            BooticSandbox::SHOP_ID
        ))
        .bearer_auth(token),
    ];
    (requests, (gooten, rewix, bootic))
}

#[tokio::test]
async fn a_100_mb_body_answers_413_on_every_fake() {
    let (requests, _running) = order_requests().await;
    let body = vec![b' '; 100 * 1024 * 1024];
    for request in requests {
        let response = request
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }
}

#[tokio::test]
async fn deeply_nested_json_is_refused_and_the_fake_keeps_serving() {
    let (requests, _running) = order_requests().await;
    let depth = 100_000;
    let body = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    // Each API's own refusal of a body it cannot read: Gooten 400, Rewix 429 (its answer to a bad body),
    // Bootic 422 with `_embedded.errors`.
    let expected = [
        StatusCode::BAD_REQUEST,
        StatusCode::TOO_MANY_REQUESTS,
        StatusCode::UNPROCESSABLE_ENTITY,
    ];
    for (request, expected) in requests.into_iter().zip(expected) {
        let again = request.try_clone().unwrap();
        let response = request
            .header("content-type", "application/json")
            .body(body.clone())
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), expected);
        // Still serving: a small bad body gets the same ordinary refusal.
        let response = again
            .header("content-type", "application/json")
            .body("[]")
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{}", response.status());
    }
}

#[tokio::test]
async fn a_megabyte_of_headers_answers_431() {
    let gooten = GootenSandbox::start().await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(gooten.addr()).await.unwrap();
    let filler = "a".repeat(1024 * 1024);
    let request =
        format!("GET /api/userinfo HTTP/1.1\r\nhost: localhost\r\nx-filler: {filler}\r\n\r\n");
    let _ = stream.write_all(request.as_bytes()).await;
    let mut answer = Vec::new();
    let _ = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut answer)).await;
    let text = String::from_utf8_lossy(&answer);
    assert!(text.starts_with("HTTP/1.1 431"), "{text}");
}

/// Headers trickled one byte every 2 s: the sandbox closes the connection at its 30 s header-read timeout
/// instead of holding it open for as long as the client likes.
#[tokio::test]
async fn a_slowloris_connection_is_closed_at_30_s() {
    let rewix = RewixSandbox::start().await.unwrap();
    let mut stream = tokio::net::TcpStream::connect(rewix.addr()).await.unwrap();
    let started = Instant::now();
    let head = b"GET /restful/export/carriers HTTP/1.1\r\nhost: localhost\r\nx-slow: ";
    stream.write_all(head).await.unwrap();
    let closed_after = loop {
        assert!(
            started.elapsed() < Duration::from_secs(45),
            "still open after 45 s"
        );
        let mut probe = [0u8; 512];
        match tokio::time::timeout(Duration::from_secs(2), stream.read(&mut probe)).await {
            // The server closed the connection (or answered 408 and closed it).
            Ok(_) => break started.elapsed(),
            Err(_) => {
                if stream.write_all(b"a").await.is_err() {
                    break started.elapsed();
                }
            }
        }
    };
    assert!(
        closed_after >= Duration::from_secs(25) && closed_after < Duration::from_secs(40),
        "closed after {closed_after:?}"
    );
}
