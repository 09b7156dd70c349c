//! The quickstart: a whole order flow for each provider, printed as it happens.
//!
//! ```sh
//! cargo run --example quickstart --features sandbox
//! ```
//!
//! With no credentials in the environment it runs against the embedded sandbox (no network, nothing to set up).
//! Given credentials, the same flows run against the real test environments instead, one provider at a time:
//!
//! | provider | variables | where |
//! |---|---|---|
//! | Gooten | `GOOTEN_RECIPE_ID`, `GOOTEN_BILLING_KEY` | staging (`https://staging-api.print.io/api`), test-mode orders |
//! | Bootic | `BOOTIC_CLIENT_ID`, `BOOTIC_CLIENT_SECRET`, `BOOTIC_SHOP_ID`, `BOOTIC_VARIANT_ID` | `https://api.bootic.net/v1` (Bootic has no staging: the order stays in `checkout`) |
//! | Rewix | `REWIX_API_KEY`, `REWIX_PASSWORD`, `REWIX_STOCK_ID` | the Rewix sandbox host (`https://idt2015.rewix.zero11.net`) |

use std::{env, time::SystemTime};

use fulfillment_apis::{
    Secret,
    bootic::{
        self,
        types::{ContactInput, LineItemInput, OrderCreate},
    },
    gooten::{
        self, OrderQuery,
        types::{ShipType, SkuQuantity},
    },
    rewix::{self, Address, AddressFields, DropshippingOrder, OrderDate, Phone, Recipient},
    sandbox::{BooticSandbox, GootenSandbox, RewixSandbox, Sandbox},
};
use futures::TryStreamExt;

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

#[tokio::main]
async fn main() -> Result<()> {
    let sandbox = Sandbox::start().await?;
    let run = SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)?
        .as_secs();
    gooten_flow(&sandbox.gooten, run).await?;
    bootic_flow(&sandbox.bootic).await?;
    rewix_flow(&sandbox.rewix, run).await?;
    println!("\nAll three flows completed.");
    Ok(())
}

fn var(name: &str) -> Option<String> {
    env::var(name).ok().filter(|v| !v.is_empty())
}

async fn gooten_flow(sandbox: &GootenSandbox, run: u64) -> Result<()> {
    let (client, target) = match (var("GOOTEN_RECIPE_ID"), var("GOOTEN_BILLING_KEY")) {
        (Some(recipe), Some(key)) => (
            gooten::Client::builder(recipe)
                .with_billing_key(Secret::new(key))
                .with_environment(gooten::Environment::Staging),
            "Gooten staging".to_string(),
        ),
        _ => (
            gooten::Client::builder(GootenSandbox::RECIPE_ID)
                .with_billing_key(Secret::new(GootenSandbox::PARTNER_BILLING_KEY))
                .with_environment(gooten::Environment::Custom(sandbox.base_url())),
            format!("the Gooten sandbox at {}", sandbox.base_url()),
        ),
    };
    let client = client.build()?;
    println!("== Gooten ({target})");

    let products = client.api().get_products().country_code("US").await?;
    println!("catalog: {} products", products.products.len());
    let product = products
        .products
        .iter()
        .find(|p| p.id.is_some())
        .ok_or("no product in the catalog")?;
    let variants = client
        .api()
        .get_product_variants()
        .country_code("US")
        .product_id(product.id.unwrap())
        .await?;
    let variant = variants
        .product_variants
        .iter()
        .find(|v| v.sku.is_some())
        .ok_or("no variant")?;
    let sku = variant.sku.clone().unwrap();
    let price = variant
        .price_info
        .as_ref()
        .and_then(|p| p.formatted_price.clone())
        .unwrap_or_default();
    println!(
        "product {:?}: {} variants; picked {sku} at {price}",
        product.name.as_deref().unwrap_or("?"),
        variants.product_variants.len()
    );

    let request = gooten::types::ShippingPricesRequest::builder()
        .ship_to_postal_code("10118")
        .ship_to_country("US")
        .ship_to_state("NY")
        .currency_code(Some("USD".to_string()))
        .items(vec![SkuQuantity {
            sku: sku.clone(),
            quantity: 1,
        }]);
    let shipping = client.api().get_shipping_prices().body(request).await?;
    for option in shipping.result.iter().flat_map(|group| &group.ship_options) {
        let price = option
            .price
            .as_ref()
            .and_then(|p| p.price)
            .map(|p| p.to_string())
            .unwrap_or_default();
        println!(
            "shipping option {:?} {:?}: {price}",
            option.id.unwrap_or_default(),
            option.name.as_deref().unwrap_or("?")
        );
    }

    let source_id = format!("quickstart-{run}");
    let ship_to = gooten::Address::from(gooten::AddressFields {
        first_name: "John",
        last_name: "Doe",
        line1: "350 5th Ave",
        city: "New York",
        postal_code: "10118",
        country_code: "US",
        phone: "212-555-0142",
        email: "john.doe@example.com",
    })
    .set_state("NY");
    let item = gooten::Item::new(sku, 1, gooten::Shipping::Type(ShipType::Standard))
        .add_image("https://images.example.com/art.jpg");
    let order = gooten::OrderBuilder::new(ship_to, item)
        .set_source_id(&source_id)
        .set_test_mode(true);
    let submitted = client.submit_order(order).await?;
    println!(
        "order submitted: Safe Id {} ({:?}, {} attempt(s))",
        submitted.id, submitted.outcome, submitted.attempts
    );
    let fetched = client.get_order(&source_id).await?;
    let total = fetched
        .total
        .as_ref()
        .and_then(|t| t.formatted_price.clone())
        .unwrap_or_default();
    println!(
        "order fetched by SourceId {source_id}: {} item(s), total {total}",
        fetched.items.len()
    );
    let found: Vec<_> = client
        .search_orders(OrderQuery::new().set_last_name("Doe").with_page_size(10))
        .try_collect()
        .await?;
    println!("search for last name Doe: {} order(s)", found.len());
    Ok(())
}

async fn bootic_flow(sandbox: &BooticSandbox) -> Result<()> {
    let real = (
        var("BOOTIC_CLIENT_ID"),
        var("BOOTIC_CLIENT_SECRET"),
        var("BOOTIC_SHOP_ID"),
        var("BOOTIC_VARIANT_ID"),
    );
    let (client, shop_id, variant_id, target) = match real {
        (Some(id), Some(secret), Some(shop), Some(variant)) => (
            bootic::Client::builder(bootic::Credentials::client_credentials(
                id,
                Secret::new(secret),
            ))
            .build()?,
            shop.parse::<i64>()?,
            variant.parse::<i64>()?,
            "Bootic production API".to_string(),
        ),
        _ => (
            bootic::Client::builder(bootic::Credentials::client_credentials(
                BooticSandbox::CLIENT_ID,
                Secret::new(BooticSandbox::CLIENT_SECRET),
            ))
            .with_environment(bootic::Environment::Custom(sandbox.base_url()))
            .with_token_url(sandbox.token_url())
            .build()?,
            BooticSandbox::SHOP_ID,
            1234,
            format!("the Bootic sandbox at {}", sandbox.base_url()),
        ),
    };
    println!("\n== Bootic ({target})");
    let order = OrderCreate {
        line_items: vec![LineItemInput {
            variant_id,
            units: 2,
        }],
        contact: Some(ContactInput {
            email: "joe@bloggs.com".into(),
            name: Some("Joe Bloggs".into()),
            phone_number: None,
        }),
        address: None,
    };
    let created = client.create_order(shop_id, order).await?;
    println!(
        "order created: {} status {:?}, total {} {} (minor units)",
        created.code,
        created.status,
        created.total,
        created.currency_code.as_deref().unwrap_or("")
    );
    let orders: Vec<_> = client
        .list_orders(shop_id, bootic::OrderQuery::new().with_page_size(20))
        .try_collect()
        .await?;
    println!("orders listed across pages: {}", orders.len());
    Ok(())
}

async fn rewix_flow(sandbox: &RewixSandbox, run: u64) -> Result<()> {
    let real = (
        var("REWIX_API_KEY"),
        var("REWIX_PASSWORD"),
        var("REWIX_STOCK_ID"),
    );
    let (client, stock_id, target) = match real {
        (Some(key), Some(password), Some(stock)) => (
            rewix::Client::builder(Secret::new(key), Secret::new(password))
                .with_environment(rewix::Environment::Sandbox)
                .build()?,
            stock.parse::<i64>()?,
            "the Rewix sandbox host".to_string(),
        ),
        _ => (
            rewix::Client::builder(RewixSandbox::API_KEY, RewixSandbox::PASSWORD)
                .with_environment(rewix::Environment::Custom(sandbox.base_url()))
                .build()?,
            1567,
            format!("the Rewix sandbox at {}", sandbox.base_url()),
        ),
    };
    println!("\n== Rewix ({target})");
    let carriers = client.api().list_carriers().await?;
    let names: Vec<_> = carriers.iter().map(|c| c.name.as_str()).collect();
    println!("carriers: {}", names.join(", "));
    let recipient = Recipient::new(
        "ACME srl",
        Address::from(AddressFields {
            street_name: "Roma",
            address_number: "1",
            zip: "10100",
            city: "TORINO",
            province: "TO",
            country_code: "IT",
        })
        .set_street_type("Via"),
        Phone::new("+39", "0112838474"),
    );
    let key = format!("quickstart-{run}");
    let order = DropshippingOrder::new(
        key.clone(),
        OrderDate::now(),
        carriers.first().map(|c| c.id),
        recipient,
    )
    .add_item(stock_id, 5);
    let sent = client.reserve_and_send(&order).await?;
    println!(
        "reserved then sent order {key}: Rewix order id {:?} ({:?})",
        sent.order_id, sent.outcome
    );
    for short in &sent.short_items {
        println!(
            "  model {} got {} of {} (Rewix adds only what is available)",
            short.stock_id, short.granted, short.requested
        );
    }
    if let Some(status) = client.find_order(&key).await? {
        println!(
            "status by client key: order {} status {}",
            status.order_id,
            serde_json::to_value(&status.status)?
        );
    }
    Ok(())
}
