//! Decodes the 1,000-order page that `cargo bench --bench decode -- --write-page <file>` wrote into the lean
//! struct of `benches/decode.rs`, with exact money through `arbitrary_precision`, and prints the median time.

use std::{hint::black_box, time::Instant};

use rust_decimal::Decimal;
use serde::Deserialize;

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
    #[serde(rename = "Price", with = "rust_decimal::serde::arbitrary_precision")]
    price: Decimal,
    #[serde(rename = "CurrencyCode")]
    currency_code: String,
}

fn main() {
    let path = std::env::args().nth(1).expect("the page file written by the decode bench");
    let body = std::fs::read(&path).unwrap();
    let page: LeanPage = serde_json::from_slice(&body).unwrap();
    assert_eq!(page.orders[0].total.price.to_string(), "223.50");
    // As the decode bench does: 15 medians of 3, the median of those.
    let mut medians: Vec<_> = (0..15)
        .map(|_| {
            let mut times: Vec<_> = (0..3)
                .map(|_| {
                    let started = Instant::now();
                    black_box(serde_json::from_slice::<LeanPage>(black_box(&body)).unwrap());
                    started.elapsed()
                })
                .collect();
            times.sort();
            times[1]
        })
        .collect();
    medians.sort();
    println!(
        "lean hand-written struct with arbitrary_precision ({} bytes): {:.2?}",
        body.len(),
        medians[7]
    );
}
