//! Issue 12, the catalog export in XML (`products.xml`): the real Brandsdistribution export and Zero11's TEAL
//! binding decode into the generated `ProductPage` with every value the JSON type has a field for, the
//! sandbox's XML and JSON exports of one catalog decode to the same values, and the catalog stream and the
//! incremental sync work with a client in `WireFormat::Xml`.
#![cfg(feature = "rewix")]

mod support;

use std::fs;

use fulfillment_apis::{
    Amount,
    rewix::{XmlDocument, types},
};
use serde_json::{Value, json};

fn fixture(name: &str) -> String {
    fs::read_to_string(support::fixtures::real_dir("rewix").join(name)).unwrap()
}

fn amount(text: &str) -> Option<Amount> {
    Some(text.parse().unwrap())
}

/// The same page written and read again: nothing the generated type holds is lost on the way.
fn assert_round_trips(page: &types::ProductPage) {
    let xml = page.to_xml().unwrap();
    let back = types::ProductPage::from_xml(&xml).unwrap();
    assert_eq!(
        serde_json::to_value(&back).unwrap(),
        serde_json::to_value(page).unwrap(),
        "{xml}"
    );
}

#[test]
fn the_real_legacy_export_decodes_with_every_value_the_type_has_a_field_for() {
    let page = types::ProductPage::from_xml(&fixture(
        "exportProducts.response.brandsdistribution-parser-legacy.xml",
    ))
    .unwrap();
    assert_eq!(
        (
            page.total_pages,
            page.total_number_of_elements,
            page.page_size,
            page.current_page
        ),
        (Some(1), Some(53), Some(53), Some(1))
    );
    assert_eq!(
        page.last_update.as_deref(),
        Some("2019-06-20T13:02:09.565+02:00")
    );
    assert!(page.page_items.is_empty(), "the XML list is `items`");
    let [product] = page.items.as_slice() else {
        panic!("one item: {:?}", page.items)
    };
    assert_eq!(product.id, 100696);
    assert_eq!(product.code.as_deref(), Some("BB7771_StanSmith"));
    assert_eq!(product.name.as_deref(), Some("StanSmith"));
    assert_eq!(product.brand.as_deref(), Some("Adidas"));
    assert_eq!(product.currency.as_deref(), Some("EUR"));
    assert_eq!(product.availability, Some(63));
    assert_eq!(product.madein.as_deref(), Some("India"));
    assert_eq!(product.hs.as_deref(), Some("64059010"), "`<intra>`");
    assert_eq!(product.weight, Some(json!(1.8)));
    // Money exact, with the digits of the document.
    assert_eq!(product.best_taxable, amount("55.00"));
    assert_eq!(product.taxable.unwrap().to_string(), "55.00");
    assert_eq!(product.street_price.unwrap().to_string(), "94.95");
    assert_eq!(product.suggested_price, amount("85.00"));
    let description = &product.descriptions["en_US"];
    assert!(description.starts_with("<div class=\"pdbDescContainer\">"));
    assert!(description.contains("&nbsp;"), "entities resolved once");
    assert_eq!(product.pictures.len(), 4);
    assert_eq!(product.pictures[0].id, Some(314118));
    assert_eq!(
        product.pictures[0].url,
        "/prod/stock_product_image_100696_1210304572.jpg"
    );
    assert_eq!(product.models.len(), 7);
    let model = &product.models[0];
    assert_eq!(model.id, 287605);
    assert_eq!(model.availability, Some(7));
    assert_eq!(model.barcode.as_deref(), Some("4059814927504"));
    assert_eq!(model.model.as_deref(), Some("UK 6.0"));
    assert_eq!(model.size.as_deref(), Some("UK 6.0"));
    assert_eq!(model.color.as_deref(), Some("white"));
    assert_eq!(model.code.as_deref(), Some("BB7771_StanSmith"));
    assert_eq!(model.taxable, amount("55.00"));
    assert_eq!(model.best_taxable, amount("55.00"));
    assert_eq!(model.street_price, amount("94.95"));
    assert_eq!(model.suggested_price, amount("85.00"));
    assert_eq!(
        model.last_update.as_deref(),
        Some("2019-06-20T12:56:54.990+02:00")
    );
    let availability: i32 = product.models.iter().filter_map(|m| m.availability).sum();
    assert_eq!(Some(availability), product.availability);
    assert_eq!(product.tags.len(), 9);
    let category = &product.tags[0];
    assert_eq!(
        (category.id, category.name.as_deref()),
        (Some(4), Some("category"))
    );
    let value = category.value.as_ref().unwrap();
    assert_eq!(value.value.as_deref(), Some("shoes"));
    assert_eq!(value.translations["en_US"], "Shoes");
    let productname = &product.tags[1];
    assert_eq!(
        productname.value.as_ref().unwrap().value.as_deref(),
        Some("StanSmith")
    );
    assert!(productname.value.as_ref().unwrap().translations.is_empty());
    assert_round_trips(&page);
}

#[test]
fn the_teal_binding_decodes_its_localizations_and_locale_values() {
    let text = support::fixtures::fill(
        &fixture("exportProducts.response.xroads-teal.xml"),
        148148,
        "FX-1",
    );
    let page = types::ProductPage::from_xml(&text).unwrap();
    assert_eq!(page.total_pages, Some(1));
    assert_eq!(
        page.last_update.as_deref(),
        Some("2024-03-15T14:30:00.000+01:00")
    );
    let product = &page.items[0];
    assert_eq!(product.taxable, amount("12.50"));
    assert_eq!(product.best_taxable, amount("12.50"));
    assert_eq!(product.street_price, amount("12.50"));
    assert_eq!(product.suggested_price, amount("12.50"));
    assert_eq!(product.weight, Some(json!(12.5)));
    assert_eq!(product.hs.as_deref(), Some("X"));
    assert_eq!(product.pictures.len(), 1);
    let fields: Vec<&str> = product
        .product_localizations
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        [
            "description",
            "metaDescription",
            "metaKeywords",
            "metaTitle",
            "name",
            "option1",
            "option2",
            "option3",
            "urlKey"
        ]
    );
    assert_eq!(
        product.product_localizations["name"],
        json!({"X": {"value": "X"}})
    );
    let model = &product.models[0];
    assert_eq!(model.id, 1);
    assert_eq!(model.street_price, amount("12.50"));
    assert_eq!(
        Value::Object(model.model_localizations.clone()),
        json!({
            "color": {"X": {"value": "X", "urlKey": "X"}},
            "size": {"X": {"value": "X", "urlKey": "X"}}
        })
    );
    assert_eq!(
        model.last_update.as_deref(),
        Some("2024-03-15T14:30:00.000+01:00")
    );
    let tag = &product.tags[0];
    assert_eq!(tag.id, Some(1));
    let value = tag.value.as_ref().unwrap();
    assert_eq!(value.value.as_deref(), Some("X"));
    assert_eq!(
        Value::Object(value.locale_values.clone()),
        json!({"X": {"value": "X", "urlKey": "X"}})
    );
    assert_round_trips(&page);
}

#[test]
fn a_decimal_that_is_not_one_is_a_decode_error_and_an_unwritable_localization_an_invalid_request() {
    let err = types::ProductPage::from_xml(
        "<page><items><item><id>1</id><taxable>12,50</taxable></item></items></page>",
    )
    .unwrap_err();
    assert_eq!(err.kind(), fulfillment_apis::ErrorKind::Decode);
    assert!(err.to_string().contains("Product.taxable"), "{err}");
    let mut page =
        types::ProductPage::from_xml("<page><items><item><id>1</id></item></items></page>")
            .unwrap();
    page.items[0]
        .product_localizations
        .insert("name".into(), json!([{"locale": "en_US", "name": "x"}]));
    let err = page.to_xml().unwrap_err();
    assert_eq!(err.kind(), fulfillment_apis::ErrorKind::InvalidRequest);
}

/// The export's 429 is rate limiting (xroads: "Too many requests … retry in 15 minutes"), on products.xml as on
/// products.json: an XML client waits and asks again, and reports `RateLimited` when it persists. The request is
/// the one Zero11's client sends: `v=TEAL`, the locales, `since`, `Accept: application/xml`, Basic auth.
#[tokio::test]
async fn a_429_from_products_xml_is_rate_limiting_and_retried() {
    use std::{
        sync::{Arc, Mutex},
        time::Duration,
    };

    use fulfillment_apis::{
        ErrorKind, RetryPolicy, Secret,
        rewix::{self, CatalogQuery, WireFormat},
    };
    use support::{Reply, ScriptedServer};

    let page = fixture("exportProducts.response.brandsdistribution-parser-legacy.xml");
    let calls = Arc::new(Mutex::new(0));
    let seen = calls.clone();
    let server = ScriptedServer::start(move |_| {
        let mut n = seen.lock().unwrap();
        *n += 1;
        if *n == 1 || *n >= 3 {
            Reply::Respond {
                status: 429,
                headers: vec![("Content-Type".into(), "text/plain".into())],
                body: "Too many requests".into(),
            }
        } else {
            Reply::Respond {
                status: 200,
                headers: vec![("Content-Type".into(), "application/xml".into())],
                body: page.clone(),
            }
        }
    })
    .await;
    let client = rewix::Client::builder(
        Secret::new(support::rewix_client::API_KEY),
        Secret::new(support::rewix_client::PASSWORD),
    )
    .with_environment(rewix::Environment::Custom(server.url("")))
    .with_retry(
        RetryPolicy::default()
            .with_initial_backoff(Duration::from_millis(5))
            .with_max_attempts(2),
    )
    .with_wire_format(WireFormat::Xml)
    .build()
    .unwrap();
    let query = CatalogQuery::new("en_US,it_IT");
    let since = rewix::Watermark::new("2019-06-20T13:02:09.565+02:00");
    let answer = client
        .export_products(&query, Some(&since), None)
        .await
        .unwrap();
    assert_eq!(answer.items[0].id, 100696);
    assert_eq!(*calls.lock().unwrap(), 2, "the 429 was retried once");
    {
        let requests = server.requests.lock().unwrap();
        let request = &requests[1];
        assert_eq!(request.path(), "/restful/export/api/products.xml");
        assert_eq!(request.query("v").as_deref(), Some("TEAL"));
        assert_eq!(
            request.query("acceptedlocales").as_deref(),
            Some("en_US,it_IT")
        );
        assert_eq!(request.query("since").as_deref(), Some(since.as_str()));
        assert_eq!(request.headers["accept"], "application/xml");
        assert_eq!(
            request.headers["authorization"],
            support::rewix_client::BASIC
        );
    }
    let err = client.sync(&query, None).await.unwrap_err();
    assert_eq!(err.kind(), ErrorKind::RateLimited);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
    assert_eq!(*calls.lock().unwrap(), 4, "two attempts, both refused");
}

#[cfg(feature = "sandbox")]
mod sandbox {
    use fulfillment_apis::{
        Secret,
        rewix::{self, CatalogQuery, WireFormat, XmlDocument, types},
        sandbox::RewixSandbox,
    };
    use futures::StreamExt;

    fn client(sandbox: &RewixSandbox, wire: WireFormat) -> rewix::Client {
        let _ = rustls::crypto::ring::default_provider().install_default();
        rewix::Client::builder(
            Secret::new(RewixSandbox::API_KEY),
            Secret::new(RewixSandbox::PASSWORD),
        )
        .with_environment(rewix::Environment::Custom(sandbox.base_url()))
        .with_wire_format(wire)
        .build()
        .unwrap()
    }

    /// The products as one list, whichever key carried them, with a product's pictures in one list too: the
    /// two places where the JSON (`pageItems`, `images`, TEAL JSON) and the XML (`items`, `pictures`) name the
    /// same data differently.
    fn normalized(page: types::ProductPage) -> serde_json::Value {
        let mut products = page.clone().into_products();
        for product in &mut products {
            let mut pictures = std::mem::take(&mut product.images);
            pictures.append(&mut product.pictures);
            product.pictures = pictures;
        }
        let page = types::ProductPage {
            page_items: Vec::new(),
            items: products,
            ..page
        };
        serde_json::to_value(page).unwrap()
    }

    async fn export(sandbox: &RewixSandbox, file: &str) -> String {
        reqwest::Client::new()
            .get(format!("{}/restful/export/api/{file}", sandbox.base_url()))
            .basic_auth(RewixSandbox::API_KEY, Some(RewixSandbox::PASSWORD))
            .query(&[("v", "TEAL"), ("acceptedlocales", "en_US,it_IT")])
            .send()
            .await
            .unwrap()
            .text()
            .await
            .unwrap()
    }

    /// The generated `exportProductsXml` request answers with the body's bytes, a type the caller can name
    /// (before, progenitor's `ByteStream`, which the crate does not export): the export a plain GET gets.
    #[tokio::test]
    async fn the_generated_xml_export_request_answers_with_the_whole_body() {
        let sandbox = RewixSandbox::start().await.unwrap();
        sandbox.populate_catalog(3);
        let client = client(&sandbox, WireFormat::Json);
        let body: bytes::Bytes = client
            .api()
            .export_products_xml()
            .v(types::ExportProductsXmlV::Teal)
            .acceptedlocales("en_US,it_IT")
            .await
            .unwrap();
        let page = types::ProductPage::from_xml(std::str::from_utf8(&body).unwrap()).unwrap();
        let plain = types::ProductPage::from_xml(&export(&sandbox, "products.xml").await).unwrap();
        assert!(!plain.clone().into_products().is_empty());
        // The same products (the page's own `lastUpdate` is the time of each export).
        assert_eq!(
            normalized(page)["items"],
            normalized(plain)["items"],
            "the generated request's body is the export"
        );
    }

    #[tokio::test]
    async fn the_sandbox_catalog_exported_as_json_and_as_xml_decodes_to_equal_values() {
        let sandbox = RewixSandbox::start().await.unwrap();
        sandbox.populate_catalog(5);
        // No change between the two exports, so both hold the same products; only `lastUpdate` (the instant
        // of each export) differs.
        let json: types::ProductPage =
            serde_json::from_str(&export(&sandbox, "products.json").await).unwrap();
        let xml_text = export(&sandbox, "products.xml").await;
        let xml = types::ProductPage::from_xml(&xml_text).unwrap();
        assert!(json.items.is_empty() && !json.page_items.is_empty());
        assert!(xml.page_items.is_empty() && !xml.items.is_empty());
        assert!(xml_text.contains("<pictures><image>"), "{xml_text}");
        assert!(xml_text.contains(r#"<localevalue localecode="it_IT">"#));
        assert!(json.last_update < xml.last_update);
        let json = normalized(types::ProductPage {
            last_update: None,
            ..json
        });
        let xml = normalized(types::ProductPage {
            last_update: None,
            ..xml
        });
        assert_eq!(json, xml);
        assert_eq!(json["items"].as_array().unwrap().len(), 8);
    }

    #[tokio::test]
    async fn an_xml_client_streams_and_syncs_the_catalog_through_products_xml() {
        let sandbox = RewixSandbox::start().await.unwrap();
        sandbox.populate_catalog(10);
        let xml = client(&sandbox, WireFormat::Xml);
        let json = client(&sandbox, WireFormat::Json);
        let query = CatalogQuery::new("en_US");
        let streamed: Vec<types::Product> =
            xml.products(&query).map(Result::unwrap).collect().await;
        assert_eq!(streamed.len(), 13);
        // Read from products.xml: the pictures come in `pictures`, as the XML names them (`images` in JSON).
        assert!(
            streamed
                .iter()
                .all(|p| p.images.is_empty() && !p.pictures.is_empty())
        );
        let by_json: Vec<types::Product> =
            json.products(&query).map(Result::unwrap).collect().await;
        assert_eq!(
            streamed.iter().map(|p| p.id).collect::<Vec<_>>(),
            by_json.iter().map(|p| p.id).collect::<Vec<_>>()
        );
        assert!(by_json.iter().all(|p| !p.images.is_empty()));

        let first = xml.sync(&query, None).await.unwrap();
        assert!(first.full);
        assert_eq!(first.products.len(), 13);
        let stock_id = first.products[5].models[0].id;
        let before = sandbox.stock(stock_id).unwrap().available;
        sandbox.set_available(stock_id, before + 4);
        let next = xml.sync(&query, Some(&first.watermark)).await.unwrap();
        assert!(!next.full);
        assert_eq!(next.products.len(), 1, "only the restocked product");
        let model = next.products[0]
            .models
            .iter()
            .find(|m| m.id == stock_id)
            .unwrap();
        assert_eq!(model.availability, Some(before + 4));
        // A watermark older than the incremental window: 412 over XML too, then the full export.
        let old = rewix::Watermark::new("2019-06-20T13:02:09.565+02:00");
        let full = xml.sync(&query, Some(&old)).await.unwrap();
        assert!(full.full);
        assert_eq!(full.products.len(), 13);
        // The XML page is the one the sandbox writes with the client's own document.
        let page = xml.export_products(&query, None, None).await.unwrap();
        assert_eq!(page.total_number_of_elements, Some(13));
        assert!(page.to_xml().unwrap().starts_with("<?xml"));
    }
}
