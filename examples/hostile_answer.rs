//! Feeds a client a 4 GiB answer from a loopback server (announced with `Content-Length`, or endless and
//! chunked) and prints what the client did. Run under `/usr/bin/time -v` to see that memory stays bounded by
//! the response limit (64 MiB by default):
//!
//! ```sh
//! cargo build --release --example hostile_answer
//! /usr/bin/time -v target/release/examples/hostile_answer chunked
//! ```

use std::time::{Duration, Instant};

use fulfillment_apis::{RetryPolicy, gooten};
use tokio::{
    io::{AsyncReadExt, AsyncWriteExt},
    net::TcpListener,
};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let chunked = std::env::args().nth(1).as_deref() == Some("chunked");
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let mut head = [0u8; 4096];
                let _ = stream.read(&mut head).await;
                let framing = if chunked {
                    "Transfer-Encoding: chunked".to_string()
                } else {
                    format!("Content-Length: {}", 4u64 << 30)
                };
                let head = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
                );
                let _ = stream.write_all(head.as_bytes()).await;
                let block = vec![b' '; 1 << 20];
                // At most 4 GiB or 60 s, whichever comes first; stops as soon as the client hangs up.
                let started = Instant::now();
                for _ in 0..4096 {
                    let frame = if chunked {
                        let mut f = format!("{:x}\r\n", block.len()).into_bytes();
                        f.extend_from_slice(&block);
                        f.extend_from_slice(b"\r\n");
                        f
                    } else {
                        block.clone()
                    };
                    if stream.write_all(&frame).await.is_err()
                        || started.elapsed() > Duration::from_secs(60)
                    {
                        return;
                    }
                }
            });
        }
    });
    let client = gooten::Client::builder("recipe-for-the-measurement")
        .with_environment(gooten::Environment::Custom(format!("http://{addr}/api")))
        .with_retry(RetryPolicy::never())
        .build()
        .unwrap();
    let started = Instant::now();
    let result = client.api().get_countries().await;
    match result {
        Ok(_) => println!("unexpectedly decoded"),
        Err(err) => println!(
            "{} after {:?}: {err}",
            if chunked { "chunked" } else { "content-length" },
            started.elapsed()
        ),
    }
}
