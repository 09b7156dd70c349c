//! Bootic shop API (`spec/bootic.yaml`): HAL JSON over OAuth2.
//!
//! [`Client`] fetches an OAuth2 token with the client-credentials grant (scope `admin`), caches it, replaces it
//! before it expires and once after a 401 answer (one token request however many calls run at once), or sends
//! an access token you give it. On top of every operation of the spec ([`Client::api`]) it offers:
//!
//! - [`Client::create_order`], sent **at most once**: Bootic has no idempotency key, so when the answer is
//!   lost the error says the order may exist ([`Error::outcome_unknown`](crate::Error::outcome_unknown));
//! - [`Client::get_order`], [`Client::update_order`], [`Client::update_orders`] (bulk status change) and
//!   [`Client::shops`];
//! - [`Client::get_shop`], [`Client::product`] (one product with its variants: the `variant_id`s an order
//!   takes), [`Client::products`] and [`Client::product_pages`] (the shop's `btc:products` link, then `next`),
//!   and [`Client::set_tracking`] (tracking code, courier and status of a shipped order);
//! - [`Client::list_orders`] and [`Client::list_order_pages`], streams that start from the shop's own
//!   `btc:orders` link template (RFC 6570, as the official clients do: the filter names are whatever the server
//!   advertises, and a filter it does not declare is an `InvalidRequest` error) and follow the HAL `next`
//!   links (never to another origin than the API root, so the token stays with Bootic).
//!
//! A refused body (HTTP 422) is an [`ErrorKind::Validation`](crate::ErrorKind::Validation) error with one
//! [`FieldError`](crate::FieldError) per field and message. Amounts (`total`, `net_total`, `unit_price`, ...)
//! are `i64` integers in the minor unit of the order's `currency_code`, never floats.
//!
//! ```no_run
//! use fulfillment_apis::{Secret, bootic};
//! use fulfillment_apis::bootic::types::{ContactInput, LineItemInput, OrderCreate, OrderStatusFilter};
//! use futures::TryStreamExt;
//!
//! # async fn run() -> fulfillment_apis::Result<()> {
//! let client = bootic::Client::builder(bootic::Credentials::client_credentials(
//!     "my-client-id",
//!     Secret::new("my-client-secret"),
//! ))
//! .build()?;
//!
//! let shops = client.shops().await?;
//! let shop_id = shops.first().and_then(|shop| shop.id.as_ref()?.as_i64()).expect("a shop");
//! let order = OrderCreate {
//!     line_items: vec![LineItemInput { variant_id: 1234, units: 3 }],
//!     contact: Some(ContactInput {
//!         email: "joe@bloggs.com".into(),
//!         name: Some("Joe Bloggs".into()),
//!         phone_number: Some("12322222222".into()),
//!     }),
//!     address: None,
//! };
//! match client.create_order(shop_id, order).await {
//!     // Amounts are integers in minor units of the shop's currency.
//!     Ok(created) => println!("created {} for {} {:?}", created.code, created.total, created.currency_code),
//!     // Not sent again: look for the order before creating it once more.
//!     Err(err) if err.outcome_unknown() => eprintln!("{err}"),
//!     Err(err) => {
//!         for field in err.field_errors() {
//!             eprintln!("{field}");
//!         }
//!         return Err(err);
//!     }
//! }
//!
//! let query = bootic::OrderQuery::new().set_status(OrderStatusFilter::Pending);
//! let mut orders = client.list_orders(shop_id, query);
//! while let Some(order) = orders.try_next().await? {
//!     println!("{} {:?} {}", order.code, order.status, order.total);
//! }
//! # Ok(()) }
//! ```

mod auth;
mod client;
mod dialect;
mod links;
mod list;
mod orders;
mod paging;
mod products;
mod token;
mod uri_template;

pub use client::{
    Client, ClientBuilder, Credentials, DEFAULT_TOKEN_REFRESH_SKEW, DEFAULT_TOKEN_URL, Environment,
};
pub use generated::{api, types};
pub use links::{Rel, rel};
pub use list::{OrderPage, OrderQuery};
pub use products::ProductQuery;

crate::runtime::generated_modules!(Bootic, "bootic");
