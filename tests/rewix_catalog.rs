//! Issue 12, through the public API against the sandbox: sync the catalog, order an available `stock_id`, see the
//! stock go down in the next incremental sync, open a return for the order; plus the cost of a full sync of a
//! 5,000-product catalog against an incremental one.
#![cfg(feature = "sandbox")]

use fulfillment_apis::{
    Secret,
    rewix::{
        self, Address, AddressFields, CatalogQuery, DropshippingOrder, OrderDate, Phone, Recipient,
        ReturnRequest, StatusCode, WireFormat, types,
    },
    sandbox::RewixSandbox,
};

fn client(sandbox: &RewixSandbox) -> rewix::ClientBuilder {
    let _ = rustls::crypto::ring::default_provider().install_default();
    rewix::Client::builder(
        Secret::new(RewixSandbox::API_KEY),
        Secret::new(RewixSandbox::PASSWORD),
    )
    .with_environment(rewix::Environment::Custom(sandbox.base_url()))
}

fn order(key: &str, stock_id: i64, quantity: u32) -> DropshippingOrder {
    let recipient = Recipient::new(
        "ACME srl",
        Address::from(AddressFields {
            street_name: "Roma",
            address_number: "1",
            zip: "10100",
            city: "TORINO",
            province: "TO",
            country_code: "IT",
        }),
        Phone::new("+39", "0112838474"),
    );
    DropshippingOrder::new(key, OrderDate::now(), None, recipient).add_item(stock_id, quantity)
}

fn availability(products: &[types::Product], stock_id: i64) -> Option<i32> {
    products
        .iter()
        .flat_map(|p| &p.models)
        .find(|m| m.id == stock_id)
        .and_then(|m| m.availability)
}

/// Sync, order by the given client, sync again, return: the shared scenario of the JSON and XML runs.
async fn scenario(sandbox: &RewixSandbox, client: &rewix::Client, key: &str) {
    let query = CatalogQuery::new("en_US");
    let first = client.sync(&query, None).await.unwrap();
    assert!(first.full);
    let (stock_id, before) = first
        .products
        .iter()
        .flat_map(|p| &p.models)
        .find_map(|m| m.availability.filter(|a| *a >= 2).map(|a| (m.id, a)))
        .expect("an available model");

    let sent = client
        .reserve_and_send(&order(key, stock_id, 2))
        .await
        .unwrap();
    let order_id = sent.order_id.expect("the order id");
    let status = client.find_order(key).await.unwrap().expect("the order");
    assert_eq!(status.status_code(), StatusCode::ToDispatch);

    let next = client.sync(&query, Some(&first.watermark)).await.unwrap();
    assert!(!next.full);
    assert_eq!(next.products.len(), 1, "only the ordered product changed");
    assert_eq!(availability(&next.products, stock_id), Some(before - 2));
    assert_ne!(next.watermark, first.watermark);
    let quiet = client.sync(&query, Some(&next.watermark)).await.unwrap();
    assert!(quiet.products.is_empty(), "nothing changed since");

    let ext_ref = format!("R-{key}");
    let answer = client
        .request_return(
            &ReturnRequest::new(order_id)
                .add_item(
                    stock_id,
                    1,
                    types::ReturnReason::try_from(6).unwrap(),
                    &ext_ref,
                )
                .set_notes("too small"),
        )
        .await
        .unwrap();
    assert!(answer.status, "{answer:?}");
    let rows = client.returns_by_key(&ext_ref).await.unwrap();
    assert_eq!(rows.order_id, order_id);
    assert_eq!(rows.returned_good_request_item.len(), 1);
    assert!(!rows.returned_good_request_item[0].is_authorized());
    assert_eq!(sandbox.authorize_return(&ext_ref), 1);
    let rows = client.returns_by_order(order_id).await.unwrap();
    assert!(rows.returned_good_request_item[0].is_authorized());
    assert!(rows.returned_good_request_item[0].pdf_link.is_some());
    // More units than were ordered cannot be returned.
    let refused = client
        .request_return(&ReturnRequest::new(order_id).add_item(
            stock_id,
            2,
            types::ReturnReason::try_from(0).unwrap(),
            "R-too-many",
        ))
        .await
        .unwrap();
    assert!(!refused.status);
}

#[tokio::test]
async fn json_sync_order_incremental_sync_and_return() {
    let sandbox = RewixSandbox::start().await.unwrap();
    sandbox.populate_catalog(20);
    let client = client(&sandbox).build().unwrap();
    scenario(&sandbox, &client, "JSON-1").await;
}

#[tokio::test]
async fn xml_sync_order_incremental_sync_and_return() {
    let sandbox = RewixSandbox::start().await.unwrap();
    sandbox.populate_catalog(20);
    let client = client(&sandbox)
        .with_wire_format(WireFormat::Xml)
        .build()
        .unwrap();
    scenario(&sandbox, &client, "XML-1").await;
}

/// The "done when": one sync, the same available model ordered once by XML and once by JSON, and the
/// next incremental sync shows both orders taken from its stock; both orders are found in either format.
#[tokio::test]
async fn orders_by_xml_and_by_json_both_show_in_the_next_incremental_sync() {
    let sandbox = RewixSandbox::start().await.unwrap();
    sandbox.populate_catalog(20);
    let json = client(&sandbox).build().unwrap();
    let xml = client(&sandbox)
        .with_wire_format(WireFormat::Xml)
        .build()
        .unwrap();
    let query = CatalogQuery::new("en_US");
    let first = json.sync(&query, None).await.unwrap();
    let (stock_id, before) = first
        .products
        .iter()
        .flat_map(|p| &p.models)
        .find_map(|m| m.availability.filter(|a| *a >= 3).map(|a| (m.id, a)))
        .expect("an available model");

    let by_xml = xml.send_order(&order("DW-XML", stock_id, 2)).await.unwrap();
    let by_json = json
        .send_order(&order("DW-JSON", stock_id, 1))
        .await
        .unwrap();
    assert!(by_xml.short_items.is_empty() && by_json.short_items.is_empty());

    let next = xml.sync(&query, Some(&first.watermark)).await.unwrap();
    assert!(!next.full);
    assert_eq!(availability(&next.products, stock_id), Some(before - 3));
    for key in ["DW-XML", "DW-JSON"] {
        let by_xml = xml.find_order(key).await.unwrap().expect("found by XML");
        let by_json = json.find_order(key).await.unwrap().expect("found by JSON");
        assert_eq!(by_xml.order_id, by_json.order_id);
        assert_eq!(by_xml.status_code(), by_json.status_code());
        // xsd:dateTime on the XML side, epoch ms on the JSON side: the same instant.
        assert_eq!(by_xml.parsed_date, by_json.parsed_date);
    }
    let order_id = by_xml.order_id.unwrap();
    let found = xml.order(order_id).await.unwrap().expect("by server key");
    assert_eq!(found.ext_ref.as_deref(), Some("DW-XML"));
    assert!(xml.order(999_999).await.unwrap().is_none());
    let reservation = xml.reservation().await.unwrap();
    assert_eq!(
        format!("{reservation:?}"),
        format!("{:?}", json.reservation().await.unwrap())
    );
    let answer = xml
        .request_return(&ReturnRequest::new(order_id).add_item(
            stock_id,
            1,
            types::ReturnReason::try_from(6).unwrap(),
            "R-DW-XML",
        ))
        .await
        .unwrap();
    assert!(answer.status, "{answer:?}");
}

#[tokio::test]
async fn the_stream_yields_every_product_and_filters_apply() {
    use futures::StreamExt;
    let sandbox = RewixSandbox::start().await.unwrap();
    sandbox.populate_catalog(10);
    let client = client(&sandbox).build().unwrap();
    let query = CatalogQuery::new("en_US");
    let all: Vec<_> = client.products(&query).collect().await;
    assert_eq!(all.len(), 13);
    let shoes = client
        .sync(&CatalogQuery::new("en_US").set_category("shoes"), None)
        .await
        .unwrap();
    assert!(!shoes.products.is_empty() && shoes.products.len() < 13);
    // A watermark older than the incremental window falls back to a full export.
    let old = rewix::Watermark::new("2019-06-20T13:02:09.565+02:00");
    let sync = client.sync(&query, Some(&old)).await.unwrap();
    assert!(sync.full);
    assert_eq!(sync.products.len(), 13);
    let locales = client.api().export_locales().await.unwrap();
    assert!(locales.iter().any(|v| v.key == "en_US"));
}

/// The cost figures of the closing note: a full export of a 5,000-product catalog against an
/// incremental one after one order (`cargo test --all-features --test rewix_catalog sync_cost -- --nocapture`).
#[tokio::test]
async fn sync_cost_of_a_5000_product_catalog() {
    let sandbox = RewixSandbox::start().await.unwrap();
    sandbox.populate_catalog(5_000);
    let client = client(&sandbox).build().unwrap();
    let query = CatalogQuery::new("en_US");
    let http = reqwest::Client::new();
    let export = |since: Option<String>| {
        let mut params = vec![
            ("v", "TEAL".to_string()),
            ("acceptedlocales", "en_US".to_string()),
        ];
        params.extend(since.map(|s| ("since", s)));
        http.get(format!(
            "{}/restful/export/api/products.json",
            sandbox.base_url()
        ))
        .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
        .query(&params)
        .send()
    };
    let full = export(None).await.unwrap().bytes().await.unwrap();
    let first = client.sync(&query, None).await.unwrap();
    assert_eq!(first.products.len(), 5_003);
    let stock_id = 2_000_000;
    client
        .reserve_and_send(&order("COST-1", stock_id, 1))
        .await
        .unwrap();
    let incremental = export(Some(first.watermark.to_string()))
        .await
        .unwrap()
        .bytes()
        .await
        .unwrap();
    let next = client.sync(&query, Some(&first.watermark)).await.unwrap();
    assert_eq!(next.products.len(), 1);
    println!(
        "full sync: 1 request, {} bytes, {} products; incremental after one order: 1 request, {} bytes, {} product",
        full.len(),
        first.products.len(),
        incremental.len(),
        next.products.len()
    );
    assert!(incremental.len() * 100 < full.len());
}
