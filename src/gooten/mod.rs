//! Gooten print-on-demand API (`spec/gooten.yaml`).
//!
//! [`Client`] adds the recipe id to every request and the partner billing key wherever the API needs it,
//! submits orders exactly once ([`Client::submit_order`]), streams order search results
//! ([`Client::search_orders`]) and the print-ready catalog ([`Client::print_ready_products`],
//! [`Client::print_ready_variants`]), uploads and checks images ([`Client::upload_images`],
//! [`Client::validate_images`]), gives personalized items their artwork ([`Client::customize_order`]), changes placed orders
//! ([`Client::update_shipping_address`], [`Client::cancel_items`], [`Client::set_status`]) and reads what Gooten
//! bills ([`Client::order_billing`], [`Client::partner_prices`]). Every other operation of the
//! spec is on [`Client::api`], with the same auth, retries and tracing:
//!
//! ```no_run
//! use fulfillment_apis::{Secret, gooten};
//!
//! # async fn run() -> fulfillment_apis::Result<()> {
//! let client = gooten::Client::builder("my-recipe-id")
//!     .with_billing_key(Secret::new("my-billing-key"))
//!     .with_environment(gooten::Environment::Staging)
//!     .build()?;
//! let products = client.api().get_products().country_code("US").await?;
//! for product in &products.products {
//!     println!("{:?} {:?}", product.id, product.name);
//! }
//! # Ok(()) }
//! ```

mod artwork;
mod auth;
mod changes;
mod client;
mod dialect;
mod images;
mod order_builder;
mod orders;
mod paging;
mod print_ready;
mod search;

pub use client::{Client, ClientBuilder, Environment};
pub use generated::{api, types};
pub use images::ImageFile;
pub use order_builder::{Address, AddressFields, Item, OrderBuilder, Shipping};
pub use orders::{SubmitOutcome, SubmittedOrder};
pub use search::{OrderPage, OrderQuery};

crate::runtime::generated_modules!(Gooten, "gooten");
