//! Coverage-guided: the fuzzer's input is one HTTP answer (first byte: which call and which status; the rest:
//! the body), served on loopback to a real client of each provider. Every call must end in `Ok` or a typed
//! `Error` without panicking, hanging or showing a secret.
#![no_main]

use std::{
    sync::{Arc, Mutex, OnceLock},
    time::Duration,
};

use fulfillment_apis::{RetryPolicy, Secret, Timeouts, bootic, gooten, rewix};
use libfuzzer_sys::fuzz_target;
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

const SECRETS: [&str; 3] = ["fuzz-recipe-0123", "fuzz+billing/key=", "fuzz-password-value"];
const STATUSES: [u16; 8] = [200, 201, 400, 401, 404, 422, 429, 500];

struct Harness {
    runtime: tokio::runtime::Runtime,
    answer: Arc<Mutex<(u16, Vec<u8>)>>,
    gooten: gooten::Client,
    bootic: bootic::Client,
    rewix: rewix::Client,
}

fn harness() -> &'static Harness {
    static HARNESS: OnceLock<Harness> = OnceLock::new();
    HARNESS.get_or_init(|| {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let runtime = tokio::runtime::Runtime::new().unwrap();
        let answer = Arc::new(Mutex::new((200, Vec::new())));
        let current = answer.clone();
        let addr = runtime.block_on(async {
            let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
            let addr = listener.local_addr().unwrap();
            tokio::spawn(async move {
                while let Ok((mut stream, _)) = listener.accept().await {
                    let current = current.clone();
                    tokio::spawn(async move {
                        let mut request = vec![0u8; 65536];
                        let n = stream.read(&mut request).await.unwrap_or(0);
                        let token = String::from_utf8_lossy(&request[..n]).contains("/oauth/token");
                        let (status, body) = if token {
                            (200, br#"{"access_token":"fuzz-token","expires_in":3600}"#.to_vec())
                        } else {
                            current.lock().unwrap().clone()
                        };
                        let head = format!(
                            "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        let _ = stream.write_all(head.as_bytes()).await;
                        let _ = stream.write_all(&body).await;
                    });
                }
            });
            addr
        });
        let base = format!("http://{addr}");
        let timeouts = Timeouts::default().with_attempt(Duration::from_secs(2));
        Harness {
            gooten: gooten::Client::builder(SECRETS[0])
                .with_billing_key(Secret::new(SECRETS[1]))
                .with_environment(gooten::Environment::Custom(format!("{base}/api")))
                .with_retry(RetryPolicy::never())
                .with_timeouts(timeouts.clone())
                .build()
                .unwrap(),
            bootic: bootic::Client::builder(bootic::Credentials::access_token(Secret::new(
                "fuzz-token",
            )))
            .with_environment(bootic::Environment::Custom(format!("{base}/v1")))
            .with_retry(RetryPolicy::never())
            .with_timeouts(timeouts.clone())
            .build()
            .unwrap(),
            rewix: rewix::Client::builder(Secret::new("fuzz-key"), Secret::new(SECRETS[2]))
                .with_environment(rewix::Environment::Custom(base))
                .with_retry(RetryPolicy::never())
                .with_timeouts(timeouts)
                .build()
                .unwrap(),
            runtime,
            answer,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, body)) = data.split_first() else {
        return;
    };
    let h = harness();
    *h.answer.lock().unwrap() = (STATUSES[usize::from(selector % 8)], body.to_vec());
    let shown = h.runtime.block_on(async {
        match selector / 8 % 4 {
            0 => h.gooten.api().get_order().id("7-abc").await.err(),
            1 => h.gooten.api().search_orders().page(1).await.err(),
            2 => h.bootic.get_order(29, "R1C3964").await.err(),
            _ => h.rewix.find_order("WEB-1").await.err(),
        }
        .map(|err| format!("{err} {err:?}"))
    });
    if let Some(shown) = shown {
        for secret in SECRETS {
            assert!(!shown.contains(secret), "{secret} leaked: {shown}");
        }
    }
});
