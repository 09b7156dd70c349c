//! A bounded load loop against the in-process Gooten sandbox (issue 14, part 4): req/s for GET products and
//! POST orders at concurrency 1 and 32, with 1,000 and then 100,000 orders stored, and the process RSS after
//! each fill. Release build:
//!
//! ```text
//! cargo run --release --features sandbox --example sandbox_load            # 1,000 then 100,000
//! cargo run --release --features sandbox --example sandbox_load -- 1000 20000 # other fill levels
//! ```
//!
//! The fill goes through `POST orders` at concurrency 64 (each order with its own SourceId and
//! `IsPartnerSourceIdUnique`, so the duplicate check runs on every one); each measured cell runs for a fixed
//! time (`SANDBOX_LOAD_SECS`, default 2 s).

use std::{
    sync::{
        Arc,
        atomic::{AtomicU64, Ordering},
    },
    time::{Duration, Instant},
};

use fulfillment_apis::sandbox::GootenSandbox;

fn order(source_id: &str) -> String {
    serde_json::json!({
        "SourceId": source_id,
        "IsPartnerSourceIdUnique": true,
        "ShipToAddress": {"FirstName": "Jane", "LastName": "Roe", "Line1": "1 Main St", "City": "Austin",
            "State": "TX", "CountryCode": "US", "PostalCode": "78701", "Phone": "512-555-0100",
            "Email": "jane@example.com"},
        "BillingAddress": {"FirstName": "Jane", "LastName": "Roe", "CountryCode": "US", "PostalCode": "78701"},
        "Items": [{"SKU": "PremTee-Blk-M", "Quantity": 1, "ShipType": "standard",
            "Images": [{"Url": "https://x.test/a.png"}]}],
        "Payment": {"PartnerBillingKey": GootenSandbox::PARTNER_BILLING_KEY},
        "IsInTestMode": true
    })
    .to_string()
}

struct Target {
    http: reqwest::Client,
    products: String,
    orders: String,
    next: AtomicU64,
}

impl Target {
    async fn post(&self) {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let answer = self
            .http
            .post(&self.orders)
            .header("content-type", "application/json")
            .body(order(&format!("LOAD-{n}")))
            .send()
            .await
            .expect("POST orders");
        assert!(
            answer.status().is_success(),
            "POST orders: {}",
            answer.status()
        );
        answer.bytes().await.expect("POST body");
    }

    async fn get(&self) {
        let answer = self
            .http
            .get(&self.products)
            .send()
            .await
            .expect("GET products");
        assert!(
            answer.status().is_success(),
            "GET products: {}",
            answer.status()
        );
        answer.bytes().await.expect("GET body");
    }
}

/// Runs `concurrency` workers for `secs`, each doing `post` (or `get`) in a loop; returns calls per second.
async fn rate(target: &Arc<Target>, post: bool, concurrency: usize, secs: f64) -> f64 {
    let end = Instant::now() + Duration::from_secs_f64(secs);
    let start = Instant::now();
    let workers: Vec<_> = (0..concurrency)
        .map(|_| {
            let target = target.clone();
            tokio::spawn(async move {
                let mut calls = 0u64;
                while Instant::now() < end {
                    if post {
                        target.post().await
                    } else {
                        target.get().await
                    }
                    calls += 1;
                }
                calls
            })
        })
        .collect();
    let mut calls = 0;
    for worker in workers {
        calls += worker.await.unwrap();
    }
    calls as f64 / start.elapsed().as_secs_f64()
}

/// Posts `count` orders at concurrency 64.
async fn fill(target: &Arc<Target>, count: u64) {
    let left = Arc::new(AtomicU64::new(count));
    let workers: Vec<_> = (0..64)
        .map(|_| {
            let (target, left) = (target.clone(), left.clone());
            tokio::spawn(async move {
                while left
                    .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |n| n.checked_sub(1))
                    .is_ok()
                {
                    target.post().await;
                }
            })
        })
        .collect();
    for worker in workers {
        worker.await.unwrap();
    }
}

fn rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

#[tokio::main(flavor = "multi_thread")]
async fn main() {
    // This example's own reqwest client (the load loop is the application here, so it may choose the process's
    // crypto provider; the library never does).
    let _ = rustls::crypto::ring::default_provider().install_default();
    let levels: Vec<u64> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("a fill level"))
        .collect();
    let levels = if levels.is_empty() {
        vec![1_000, 100_000]
    } else {
        levels
    };
    let secs: f64 = std::env::var("SANDBOX_LOAD_SECS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let sandbox = GootenSandbox::start().await.expect("sandbox");
    let base = sandbox.base_url();
    let recipe = GootenSandbox::RECIPE_ID;
    let target = Arc::new(Target {
        http: reqwest::Client::builder()
            .pool_max_idle_per_host(256)
            .build()
            .unwrap(),
        products: format!("{base}/v/5/source/api/products?countryCode=US&recipeid={recipe}"),
        orders: format!("{base}/v/5/source/api/orders?recipeid={recipe}"),
        next: AtomicU64::new(0),
    });
    println!("rss at start: {:.1} MiB", rss_mib());
    println!(
        "| stored orders | GET products c1 | c32 | POST orders c1 | c32 | RSS after fill (MiB) |"
    );
    println!("|---|---|---|---|---|---|");
    for level in levels {
        let stored = sandbox.order_count() as u64;
        let filled = Instant::now();
        fill(&target, level.saturating_sub(stored)).await;
        let fill_secs = filled.elapsed().as_secs_f64();
        let rss = rss_mib();
        let stored = sandbox.order_count();
        let get1 = rate(&target, false, 1, secs).await;
        let get32 = rate(&target, false, 32, secs).await;
        let post1 = rate(&target, true, 1, secs).await;
        let post32 = rate(&target, true, 32, secs).await;
        println!(
            "| {stored} | {get1:.0} | {get32:.0} | {post1:.0} | {post32:.0} | {rss:.1} | (fill {fill_secs:.1} s)"
        );
    }
}
