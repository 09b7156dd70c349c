//! How fast the generated types decode realistic Gooten answers, with exact decimals.
//!
//! `cargo bench --bench decode` prints throughput; a plain harness keeps the build light (no criterion).
//! Target: decoding must never be the bottleneck of a shop backend: well above 10,000 orders/s on one core.
//!
//! Also decodes a 1,000-order page into the generated types and into a lean hand-written struct of the fields a
//! shop reads (money exact, as [`fulfillment_apis::Amount`]), in the same run: the generated types cost what
//! their extra fields cost, nothing else.

use std::{hint::black_box, time::Instant};

use fulfillment_apis::{Amount, gooten::types::OrderSearchResponse};
use serde::Deserialize;
use serde_json::json;

/// What a careful engineer would decode by hand from a search page.
#[derive(Deserialize)]
#[allow(dead_code)]
struct LeanPage {
    #[serde(rename = "Orders")]
    orders: Vec<LeanOrder>,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct LeanOrder {
    #[serde(rename = "Id")]
    id: String,
    #[serde(rename = "SourceId")]
    source_id: Option<String>,
    #[serde(rename = "Items")]
    items: Vec<LeanItem>,
    #[serde(rename = "Total")]
    total: LeanPrice,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct LeanItem {
    #[serde(rename = "Sku")]
    sku: String,
    #[serde(rename = "Quantity")]
    quantity: i32,
    #[serde(rename = "Status")]
    status: String,
    #[serde(rename = "Price")]
    price: LeanPrice,
}

#[derive(Deserialize)]
#[allow(dead_code)]
struct LeanPrice {
    #[serde(rename = "Price")]
    price: Amount,
    #[serde(rename = "CurrencyCode")]
    currency_code: String,
}

/// The median time of `rounds` decodes of `body` with `decode`.
fn median_time(rounds: usize, body: &[u8], decode: impl Fn(&[u8])) -> std::time::Duration {
    let mut times: Vec<_> = (0..rounds)
        .map(|_| {
            let started = Instant::now();
            decode(black_box(body));
            started.elapsed()
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

fn page(orders: usize) -> Vec<u8> {
    let price = |p: &str| {
        // A marker string, turned into the number's exact text below (a `Value` would hold an f64).
        json!({"Price": format!("@@{p}@@"), "CurrencyCode": "USD",
        "FormattedPrice": format!("${p}"), "CurrencyFormat": "${1}", "CurrencyDigits": 2})
    };
    let orders: Vec<_> = (0..orders)
        .map(|i| {
            json!({
                "Id": format!("7-8c3e1f2a-4b5d-4e6f-8a9b-{i:012}"), "NiceId": format!("Doe-{i}"), "SourceId": format!("WEB-{i}"),
                "Items": (0..3).map(|n| json!({"Sku": "CanvsWrp-BlkWrp-12x12", "ProductId": 43, "Product": "Canvas Wrap",
                    "Quantity": n + 1, "Status": "Shipped", "Price": price("74.50"), "DiscountAmount": price("0.00"),
                    "SourceId": format!("WEB-{i}-{n}"), "Meta": {"note": "gift"},
                    "Shipments": [{"TrackingNumber": "9400111899223197428490", "ShipCarrierName": "USPS"}]})).collect::<Vec<_>>(),
                "Total": price("223.50"), "ShippingTotal": price("8.95"),
                "ShippingAddress": {"FirstName": "John", "LastName": "Doe", "Line1": "350 5th Ave", "City": "New York",
                    "State": "NY", "CountryCode": "US", "PostalCode": "10118", "Phone": "212-555-0142", "Email": "john.doe@example.com"},
                "Meta": {"customer_accountID": "12993029"}
            })
        })
        .collect();
    serde_json::to_string(&json!({"Orders": orders, "Page": 1, "TotalPages": 1, "HadError": false}))
        .unwrap()
        .replace("\"@@", "")
        .replace("@@\"", "")
        .into_bytes()
}

fn main() {
    let body = page(200);
    let rounds = 200;
    // Warm up, and check the decimal digits survive.
    let decoded: OrderSearchResponse = serde_json::from_slice(&body).unwrap();
    assert_eq!(
        decoded.orders[0]
            .total
            .as_ref()
            .unwrap()
            .price
            .unwrap()
            .to_string(),
        "223.50"
    );
    let started = Instant::now();
    for _ in 0..rounds {
        let decoded: OrderSearchResponse = serde_json::from_slice(black_box(&body)).unwrap();
        black_box(decoded);
    }
    let elapsed = started.elapsed();
    let orders = (200 * rounds) as f64;
    let mib = (body.len() * rounds) as f64 / (1024.0 * 1024.0);
    println!(
        "decode OrderSearchResponse: {} bytes/page, {:.0} orders/s, {:.1} MiB/s ({rounds} pages of 200 orders in {:.2?})",
        body.len(),
        orders / elapsed.as_secs_f64(),
        mib / elapsed.as_secs_f64(),
        elapsed
    );

    // A 1,000-order page, generated types against the lean struct, interleaved.
    let big = page(1000);
    // `-- --write-page <file>`: the page for decode-baseline/ (the lean struct with arbitrary_precision).
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--write-page") {
        std::fs::write(args.get(at + 1).expect("--write-page takes a file"), &big).unwrap();
    }
    let (mut generated, mut as_text, mut lean) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..15 {
        generated.push(median_time(3, &big, |b| {
            black_box(serde_json::from_slice::<OrderSearchResponse>(b).unwrap());
        }));
        // As the client reads an answer: its UTF-8 checked once, then decoded as text.
        as_text.push(median_time(3, &big, |b| {
            let text = std::str::from_utf8(b).unwrap();
            black_box(serde_json::from_str::<OrderSearchResponse>(text).unwrap());
        }));
        lean.push(median_time(3, &big, |b| {
            black_box(serde_json::from_slice::<LeanPage>(b).unwrap());
        }));
    }
    generated.sort();
    as_text.sort();
    lean.sort();
    let (generated, as_text, lean) = (generated[7], as_text[7], lean[7]);
    println!(
        "decode a 1,000-order page ({} bytes): generated types {:.2?} (read as text, as the client does: {:.2?}), \
         lean hand-written struct {:.2?} (ratio {:.2}, as text {:.2})",
        big.len(),
        generated,
        as_text,
        lean,
        generated.as_secs_f64() / lean.as_secs_f64(),
        as_text.as_secs_f64() / lean.as_secs_f64()
    );
}
