//! The Gooten fake over plain HTTP: auth, the validation envelope, duplicate SourceId protection, get by Safe Id
//! and by SourceId, search paging, and the catalog operations.
#![cfg(feature = "sandbox")]

use fulfillment_apis::{gooten::types as t, sandbox::GootenSandbox};
use reqwest::StatusCode;
use serde_json::{Value, json};

const RECIPE: &str = GootenSandbox::RECIPE_ID;
const KEY: &str = GootenSandbox::PARTNER_BILLING_KEY;

fn http() -> reqwest::Client {
    // reqwest is built without a default rustls provider (see the crate's runtime); plain HTTP still needs one.
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
}

fn order(source_id: &str) -> Value {
    json!({
        "ShipToAddress": {
            "FirstName": "John", "LastName": "Doe", "Line1": "350 5th Ave", "City": "New York", "State": "NY",
            "CountryCode": "US", "PostalCode": "10118", "Phone": "212-555-0142", "Email": "john.doe@example.com"
        },
        "BillingAddress": {"FirstName": "John", "LastName": "Doe", "PostalCode": "10118", "CountryCode": "US"},
        "Items": [{
            "SKU": "CanvsWrp-BlkWrp-12x12", "Quantity": 2, "ShipType": "standard",
            "Images": [{"Url": "https://cdn.example.com/artwork/sunset.jpg"}], "SourceId": format!("{source_id}-1")
        }],
        "Payment": {"PartnerBillingKey": KEY, "CurrencyCode": "USD"},
        "SourceId": source_id,
        "IsPartnerSourceIdUnique": true,
        "Meta": {"campaign": "spring"}
    })
}

async fn submit(gooten: &GootenSandbox, body: &Value) -> (StatusCode, Value) {
    let response = http()
        .post(format!("{}/v/5/source/api/orders", gooten.base_url()))
        .query(&[("recipeid", RECIPE)])
        .json(body)
        .send()
        .await
        .unwrap();
    (response.status(), response.json().await.unwrap())
}

fn errors_of(body: Value) -> Vec<t::ValidationFailure> {
    let error: t::Error = serde_json::from_value(body).unwrap();
    assert_eq!(error.had_error, Some(true));
    assert!(
        error
            .error_reference_code
            .is_some_and(|code| code.len() == 36),
        "a reference code"
    );
    error.errors
}

#[tokio::test]
async fn recipe_id_is_required_in_any_case_of_the_name() {
    let gooten = GootenSandbox::start().await.unwrap();
    let url = format!("{}/v/5/source/api/countries", gooten.base_url());
    for query in [vec![], vec![("recipeid", "wrong")]] {
        let response = http().get(&url).query(&query).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let body: Value = response.json().await.unwrap();
        assert_eq!(
            body,
            json!({"Message": "Authorization has been denied for this request. Invalid recipeId."})
        );
    }
    for name in ["recipeid", "recipeId", "RecipeID"] {
        let response = http()
            .get(&url)
            .query(&[(name, RECIPE)])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{name}");
        let countries: t::CountriesResponse = response.json().await.unwrap();
        assert!(
            countries
                .countries
                .iter()
                .any(|c| c.code.as_deref() == Some("US"))
        );
    }
}

#[tokio::test]
async fn search_needs_the_url_encoded_billing_key() {
    let gooten = GootenSandbox::start().await.unwrap();
    let url = format!("{}/ordersearch", gooten.base_url());
    let missing = http()
        .get(&url)
        .query(&[("recipeid", RECIPE)])
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), StatusCode::FORBIDDEN);
    assert_eq!(
        errors_of(missing.json().await.unwrap())[0]
            .property_name
            .as_deref(),
        Some("partnerBillingKey")
    );
    // Not URL-encoded: `+` arrives as a space, so the key does not match (the documents warn about this).
    let raw = http()
        .get(format!("{url}?recipeid={RECIPE}&partnerBillingKey={KEY}"))
        .send()
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::FORBIDDEN);
    let text = raw.text().await.unwrap();
    assert!(
        !text.contains("Billing/Key"),
        "the key is never echoed: {text}"
    );
    let encoded = http()
        .get(&url)
        .query(&[("recipeid", RECIPE), ("partnerBillingKey", KEY)])
        .send()
        .await
        .unwrap();
    assert_eq!(encoded.status(), StatusCode::OK);
}

#[tokio::test]
async fn missing_required_fields_answer_the_validation_envelope() {
    let gooten = GootenSandbox::start().await.unwrap();
    let mut body = order("WEB-1");
    body["ShipToAddress"]["PostalCode"] = json!("");
    body["BillingAddress"]
        .as_object_mut()
        .unwrap()
        .remove("LastName");
    body["Items"][0]["Images"][0]
        .as_object_mut()
        .unwrap()
        .remove("Url");
    let (status, response) = submit(&gooten, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let errors = errors_of(response);
    let postal = errors
        .iter()
        .find(|e| e.property_name.as_deref() == Some("Order.ShipToAddress.PostalCode"))
        .unwrap();
    assert_eq!(
        postal.error_message.as_deref(),
        Some("'Postal Code' should not be empty.")
    );
    assert_eq!(postal.attempted_value, Some(json!("")));
    let names: Vec<_> = errors
        .iter()
        .filter_map(|e| e.property_name.as_deref())
        .collect();
    assert!(
        names.contains(&"Order.BillingAddress.LastName"),
        "{names:?}"
    );
    assert!(names.contains(&"Order.Items[0].Images[0].Url"), "{names:?}");
    assert_eq!(gooten.order_count(), 0);
}

#[tokio::test]
async fn a_wrong_billing_key_in_the_body_is_refused_without_echoing_it() {
    let gooten = GootenSandbox::start().await.unwrap();
    let mut body = order("WEB-2");
    body["Payment"]["PartnerBillingKey"] = json!("stolen-key-123");
    let (status, response) = submit(&gooten, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert!(!response.to_string().contains("stolen-key-123"));
    let errors = errors_of(response);
    assert_eq!(
        errors[0].property_name.as_deref(),
        Some("Order.Payment.PartnerBillingKey")
    );
    assert_eq!(errors[0].attempted_value, None);
    assert_eq!(gooten.order_count(), 0);
}

#[tokio::test]
async fn an_unavailable_ship_type_or_unknown_sku_is_a_field_error() {
    let gooten = GootenSandbox::start().await.unwrap();
    let mut body = order("WEB-3");
    body["Items"] = json!([
        {"SKU": "PremTee-Blk-M", "Quantity": 1, "ShipType": "overnight", "Images": [{"Url": "https://x.test/a.png"}]},
        {"SKU": "NoSuchSku", "Quantity": 1, "ShipType": "standard", "Images": [{"Url": "https://x.test/b.png"}]}
    ]);
    let (status, response) = submit(&gooten, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let names: Vec<_> = errors_of(response)
        .into_iter()
        .filter_map(|e| e.property_name)
        .collect();
    assert_eq!(names, ["Order.Items[0].ShipType", "Order.Items[1].SKU"]);
}

#[tokio::test]
async fn a_duplicate_source_id_is_refused_when_marked_unique() {
    let gooten = GootenSandbox::start().await.unwrap();
    let (status, first) = submit(&gooten, &order("WEB-100482")).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    let first: t::SubmitOrderResponse = serde_json::from_value(first).unwrap();
    assert_eq!(first.had_error, Some(false));

    let (status, second) = submit(&gooten, &order("WEB-100482")).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let errors = errors_of(second);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].property_name.as_deref(), Some("Order.SourceId"));
    assert!(
        errors[0]
            .error_message
            .as_deref()
            .unwrap()
            .contains("already exists")
    );
    assert_eq!(gooten.orders_with_source_id("WEB-100482"), 1);

    // Without IsPartnerSourceIdUnique the same SourceId is accepted again, as documented.
    let mut again = order("WEB-100482");
    again["IsPartnerSourceIdUnique"] = json!(false);
    assert_eq!(submit(&gooten, &again).await.0, StatusCode::OK);
    assert_eq!(gooten.orders_with_source_id("WEB-100482"), 2);
}

#[tokio::test]
async fn orders_are_found_by_safe_id_and_by_source_id() {
    let gooten = GootenSandbox::start().await.unwrap();
    let (_, submitted) = submit(&gooten, &order("WEB-7")).await;
    let safe_id = submitted["Id"].as_str().unwrap().to_string();
    let get = |id: String| {
        let url = format!("{}/v/5/source/api/orders/", gooten.base_url());
        async move {
            http()
                .get(url)
                .query(&[("recipeid", RECIPE), ("id", &id)])
                .send()
                .await
                .unwrap()
        }
    };
    for id in [safe_id.clone(), "WEB-7".to_string()] {
        let response = get(id).await;
        assert_eq!(response.status(), StatusCode::OK);
        let details: t::OrderDetails = response.json().await.unwrap();
        assert_eq!(details.id.as_deref(), Some(safe_id.as_str()));
        assert_eq!(details.source_id.as_deref(), Some("WEB-7"));
        assert_eq!(details.items[0].quantity, Some(2));
        assert_eq!(
            details.items[0].status,
            Some(t::OrderItemStatus::New.into())
        );
        // Two 12x12 canvases at 39.99, shipped standard in one box: 8.95 + 3.00.
        assert_eq!(details.total.unwrap().price.unwrap().to_string(), "79.98");
        assert_eq!(
            details.shipping_total.unwrap().formatted_price.as_deref(),
            Some("$11.95")
        );
        assert!(details.nice_id.unwrap().starts_with("Doe-"));
    }
    let unknown = get("nope".into()).await;
    assert_eq!(unknown.status(), StatusCode::NOT_FOUND);
    assert_eq!(
        errors_of(unknown.json().await.unwrap())[0]
            .property_name
            .as_deref(),
        Some("id")
    );
}

#[tokio::test]
async fn search_pages_through_the_orders_newest_first() {
    let gooten = GootenSandbox::start().await.unwrap();
    for n in 1..=5 {
        assert_eq!(
            submit(&gooten, &order(&format!("WEB-{n}"))).await.0,
            StatusCode::OK
        );
    }
    let page = |n: u32| {
        let url = format!("{}/ordersearch", gooten.base_url());
        async move {
            let query = [
                ("recipeid", RECIPE),
                ("partnerBillingKey", KEY),
                ("pageSize", "2"),
                ("page", &n.to_string()),
            ];
            let response = http().get(url).query(&query).send().await.unwrap();
            assert_eq!(response.status(), StatusCode::OK);
            response.json::<t::OrderSearchResponse>().await.unwrap()
        }
    };
    let mut seen = Vec::new();
    for n in 1..=3 {
        let result = page(n).await;
        assert_eq!((result.page, result.total_pages), (Some(n as i32), Some(3)));
        seen.extend(result.orders.into_iter().map(|o| o.source_id.unwrap()));
    }
    assert_eq!(seen, ["WEB-5", "WEB-4", "WEB-3", "WEB-2", "WEB-1"]);
    assert!(page(4).await.orders.is_empty());

    let filtered = http()
        .get(format!("{}/ordersearch", gooten.base_url()))
        .query(&[
            ("recipeid", RECIPE),
            ("partnerBillingKey", KEY),
            ("genericValues", "web-3"),
        ])
        .send()
        .await
        .unwrap()
        .json::<t::OrderSearchResponse>()
        .await
        .unwrap();
    assert_eq!(filtered.orders.len(), 1);
    assert_eq!(filtered.total_pages, Some(1));
}

#[tokio::test]
async fn order_status_can_be_set_with_the_billing_key() {
    let gooten = GootenSandbox::start().await.unwrap();
    let (_, submitted) = submit(&gooten, &order("WEB-9")).await;
    let id = submitted["Id"].as_str().unwrap();
    let url = format!("{}/orderstatus", gooten.base_url());
    let set = |status: &'static str| {
        http()
            .post(&url)
            .query(&[
                ("recipeid", RECIPE),
                ("partnerBillingKey", KEY),
                ("id", id),
                ("orderStatusName", status),
            ])
            .send()
    };
    assert_eq!(set("Hold").await.unwrap().status(), StatusCode::OK);
    assert_eq!(
        gooten.order(id).unwrap().items[0].status,
        Some(t::OrderItemStatus::Hold.into())
    );
    assert_eq!(
        set("Shipped").await.unwrap().status(),
        StatusCode::BAD_REQUEST
    );
    assert!(gooten.ship_order(id, "9400111899223197428490"));
    assert_eq!(
        set("Cancelled").await.unwrap().status(),
        StatusCode::BAD_REQUEST,
        "a shipped order stays shipped"
    );
}

#[tokio::test]
async fn the_catalog_answers_from_products_to_shipping_prices() {
    let gooten = GootenSandbox::start().await.unwrap();
    let base = gooten.base_url();
    let get = |path: &str, query: Vec<(&str, &str)>| {
        let url = format!("{base}/v/5/source/api/{path}");
        let mut query = query;
        query.push(("recipeid", RECIPE));
        http().get(url).query(&query).send()
    };

    let products: t::ProductsResponse = get("products", vec![("countryCode", "US")])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let all: t::ProductsResponse = get("products", vec![("countryCode", "US"), ("all", "true")])
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(products.products.len() >= 3);
    assert!(
        all.products.len() > products.products.len(),
        "all=true adds products outside the recipe"
    );
    assert_eq!(
        get("products", vec![]).await.unwrap().status(),
        StatusCode::BAD_REQUEST,
        "countryCode is required"
    );

    let variants: t::ProductVariantsResponse = get(
        "productvariants",
        vec![
            ("countryCode", "DE"),
            ("productId", "43"),
            ("currencyCode", "EUR"),
        ],
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let canvas = variants
        .product_variants
        .iter()
        .find(|v| v.sku.as_deref() == Some("CanvsWrp-BlkWrp-12x12"))
        .unwrap();
    assert_eq!(
        canvas
            .price_info
            .as_ref()
            .unwrap()
            .formatted_price
            .as_deref(),
        Some("36.79 €")
    );
    assert_eq!(canvas.options.len(), 2);
    assert!(
        variants
            .options
            .iter()
            .any(|g| g.name.as_deref() == Some("Wrap") && g.values.len() == 2)
    );

    let templates = get("producttemplates", vec![("sku", "PremTee-Blk-M")])
        .await
        .unwrap();
    let templates: t::ProductTemplatesResponse = templates.json().await.unwrap();
    assert_eq!(templates.options[0].spaces.len(), 2, "front and back");
    assert_eq!(
        get("producttemplates", vec![("sku", "nope")])
            .await
            .unwrap()
            .status(),
        StatusCode::NOT_FOUND
    );

    let prices = http()
        .post(format!("{base}/v/5/source/api/shippingprices"))
        .query(&[("recipeid", RECIPE)])
        .json(&json!({"ShipToPostalCode": "10001", "ShipToCountry": "US", "ShipToState": "NY",
                      "Items": [{"SKU": "PremTee-Blk-M", "Quantity": 2}, {"SKU": "Mug-11oz-Wht", "Quantity": 1}]}))
        .send()
        .await
        .unwrap()
        .json::<t::ShippingPricesResponse>()
        .await
        .unwrap();
    assert_eq!(prices.result.len(), 2, "one group per product");
    let tees = &prices.result[0];
    assert_eq!(tees.sk_us, ["PremTee-Blk-M"]);
    assert_eq!(
        tees.ship_options.len(),
        2,
        "no overnight shipping for apparel"
    );
}

#[tokio::test]
async fn typed_query_parameters_refuse_values_of_another_type() {
    let gooten = GootenSandbox::start().await.unwrap();
    let search = format!("{}/ordersearch", gooten.base_url());
    let products = format!("{}/v/5/source/api/products", gooten.base_url());
    let variants = format!("{}/v/5/source/api/productvariants", gooten.base_url());
    let cases = [
        (
            &search,
            "partnerId",
            "-5915757101547",
            "The value '-5915757101547' is not valid for PartnerId.",
        ),
        (
            &search,
            "pageSize",
            "2147483648",
            "The value '2147483648' is not valid for PageSize.",
        ),
        (&search, "page", "0", "'Page' must be greater than '0'."),
        (
            &search,
            "startDate",
            "",
            "'' is not a valid date; use the format yyyy-mm-dd.",
        ),
        (
            &products,
            "all",
            "yes",
            "The value 'yes' is not valid for All.",
        ),
        (
            &variants,
            "productId",
            "",
            "The value '' is not valid for ProductId.",
        ),
    ];
    for (url, name, value, message) in cases {
        let response = http()
            .get(url.as_str())
            .query(&[
                ("recipeid", RECIPE),
                ("partnerBillingKey", KEY),
                ("countryCode", "US"),
                (name, value),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{name}={value}");
        let errors = errors_of(response.json().await.unwrap());
        assert_eq!(errors[0].property_name.as_deref(), Some(name));
        assert_eq!(errors[0].error_message.as_deref(), Some(message));
    }
    let response = http()
        .get(products.as_str())
        .query(&[
            ("recipeid", RECIPE),
            ("countryCode", "US"),
            ("all", "False"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
}

#[tokio::test]
async fn bodies_refuse_null_for_optional_fields() {
    let gooten = GootenSandbox::start().await.unwrap();
    let mut body = order("NULL-1");
    body["CouponCode"] = Value::Null;
    let (status, error) = submit(&gooten, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = errors_of(error)[0].error_message.clone().unwrap();
    assert!(message.contains("`CouponCode` is null"), "{message}");
    body["CouponCode"] = json!("50OFF");
    body["Items"][0]["Images"][0]["Index"] = Value::Null;
    let (status, error) = submit(&gooten, &body).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let message = errors_of(error)[0].error_message.clone().unwrap();
    assert!(
        message.contains("`Items[0].Images[0].Index` is null"),
        "{message}"
    );
    assert_eq!(gooten.order_count(), 0);
}

#[tokio::test]
async fn huge_quantities_do_not_overflow_the_shipping_box() {
    let gooten = GootenSandbox::start().await.unwrap();
    let line = json!({"SKU": "CanvsWrp-BlkWrp-12x12", "Quantity": 1_073_741_824});
    let response = http()
        .post(format!(
            "{}/v/5/source/api/shippingprices",
            gooten.base_url()
        ))
        .query(&[("recipeid", RECIPE)])
        .json(&json!({"ShipToPostalCode": "10118", "ShipToCountry": "US", "ShipToState": "NY", "Items": [line, line]}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    let prices: t::ShippingPricesResponse = response.json().await.unwrap();
    assert!(!prices.result[0].ship_options.is_empty());
}
