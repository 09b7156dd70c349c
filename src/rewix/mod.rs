//! Rewix "ghost" API (Brandsdistribution and other dropshipping suppliers), `spec/rewix.yaml`.
//!
//! [`Client`] authenticates every request with HTTP Basic (API key as user name, account password), sends
//! dropshipping orders exactly once ([`Client::send_order`]), reserves then sends as the provider recommends
//! ([`Client::reserve_and_send`]), and reports the quantities Rewix silently capped
//! ([`SentOrder::short_items`]). Order dates are typed ([`OrderDate`], written `yyyy/MM/dd HH:mm:ss Z`) and
//! quantities are integers; the client renders them into the API's all-strings JSON. Rewix's HTTP 429 for a
//! malformed body is a [`Validation`](crate::ErrorKind::Validation) error carrying the provider's message,
//! never retried; on the catalog export (`/restful/export/…`) a 429 is
//! [`RateLimited`](crate::ErrorKind::RateLimited), retried like any rate limiting. Every other operation of the spec is on [`Client::api`], with the same auth, retries and
//! tracing:
//!
//! ```no_run
//! use fulfillment_apis::{Secret, rewix};
//! use rewix::{Address, AddressFields, DropshippingOrder, OrderDate, Phone, Recipient, SendOutcome};
//!
//! # async fn run() -> fulfillment_apis::Result<()> {
//! let client = rewix::Client::builder(Secret::new("my-api-key"), Secret::new("my-password"))
//!     .with_environment(rewix::Environment::Sandbox)
//!     .build()?;
//!
//! let carriers = client.api().list_carriers().await?;
//! let recipient = Recipient::new(
//!     "ACME srl",
//!     Address::from(AddressFields {
//!         street_name: "Roma",
//!         address_number: "1",
//!         zip: "10100",
//!         city: "TORINO",
//!         province: "TO",
//!         country_code: "IT",
//!     })
//!     .set_street_type("Via"),
//!     Phone::new("+39", "0112838474"),
//! );
//! let order = DropshippingOrder::new("2357", OrderDate::now(), carriers.first().map(|c| c.id), recipient)
//!     .add_item(148148, 10)
//!     .add_item(148367, 15);
//!
//! let sent = client.reserve_and_send(&order).await?;
//! if sent.outcome == SendOutcome::AlreadyExisted {
//!     println!("an earlier attempt had stored the order");
//! }
//! for short in &sent.short_items {
//!     println!("model {}: {} of {} added", short.stock_id, short.granted, short.requested);
//! }
//! if let Some(status) = client.find_order("2357").await? {
//!     // An open enum: a status code the spec does not list is kept, not an error.
//!     println!("Rewix order {} has status {:?}", status.order_id, status.status.known().map(|code| **code));
//! }
//! # Ok(()) }
//! ```

mod auth;
mod catalog;
mod client;
mod date;
mod dialect;
mod login;
mod order;
mod reservation;
mod returns;
mod send;
mod status;
mod wire;
mod xml;
mod xml_catalog;
mod xml_more;

pub use catalog::{CatalogQuery, CatalogSync, Watermark};
pub use client::{Client, ClientBuilder, Credentials, Environment};
pub use date::OrderDate;
pub use generated::{api, types};
pub use order::{Address, AddressFields, DropshippingOrder, OrderItem, Phone, Recipient};
pub use returns::ReturnRequest;
pub use send::{SendOutcome, SentOrder, ShortItem};
pub use status::StatusCode;
pub use xml::{WireFormat, XmlDocument};

crate::runtime::generated_modules!(Rewix, "rewix");
