//! The Gooten fake: catalog, shipping and price estimates, print-ready products, reference data, and stateful
//! orders (submit with validation and duplicate protection, get by Safe Id or SourceId, search, status).
//!
//! Every request needs `recipeid` in the query string (any case of the name, as the real API binds it); the
//! operations whose spec security includes `partnerBillingKey` (search, status, order changes and billing) need
//! that key in the query too, and submitting an order or asking for partner prices needs
//! `Payment.PartnerBillingKey` in the body (order changes, billing and partner prices: `changes`). Errors use Gooten's envelope
//! (`HadError`, `ErrorReferenceCode`, `Errors[]`), except an unknown recipe id, which answers
//! `{"Message": "...Invalid recipeId."}`. Validation failures answer HTTP 400 (the real API also sometimes
//! answers 200 with `HadError: true`; the sandbox always uses the status code).

use std::{
    collections::BTreeMap,
    io,
    net::SocketAddr,
    sync::{Arc, Mutex},
};

use axum::{
    Router,
    body::Bytes,
    extract::{RawQuery, State},
    http::{HeaderMap, StatusCode, header},
    response::Response,
    routing::{get, post},
};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde_json::Value;

mod catalog;
mod changes;
mod errors;
mod estimates;
mod images;
#[cfg(test)]
mod index_tests;
mod order_queries;
mod orders;
mod params;
mod preconfigured;
mod prices;
mod products;
mod prp;
mod reference;
mod status;
mod tools;

pub(crate) use self::errors::{route_not_found, server_error};
use self::{
    catalog::{Catalog, CatalogProduct, CatalogVariant, CurrencyInfo, Method, ShipOffer},
    errors::*,
    order_queries::*,
    orders::*,
    params::*,
    preconfigured::*,
    prices::*,
    products::*,
    reference::*,
    tools::*,
};
use super::{
    http::{Answer, Query, Refusal, fnv, from_value_aspnet, json, lock, uuid_like},
    server::{Api, Server},
    store::{KeyIndex, OrderStore},
};
use crate::gooten::types as t;

const RECIPE_ID: &str = "sbx-recipe-5c1e9a07";
pub(super) const PARTNER_BILLING_KEY: &str = "sbx+Billing/Key7Qw==";

/// How many orders a search page holds when `pageSize` is not given. Uncertain: the documents give no default.
const DEFAULT_PAGE_SIZE: usize = 10;

/// The coupon code the sandbox knows: 50% off the items (the spec's price-estimate example uses it).
const COUPON_50_OFF: &str = "50OFF";

/// A running fake of the Gooten API on its own port; stops when dropped.
///
/// ```no_run
/// # async fn demo() -> std::io::Result<()> {
/// use fulfillment_apis::sandbox::GootenSandbox;
/// let gooten = GootenSandbox::start().await?;
/// let url = format!("{}/v/5/source/api/products?countryCode=US&recipeid={}", gooten.base_url(), GootenSandbox::RECIPE_ID);
/// # Ok(()) }
/// ```
pub struct GootenSandbox {
    server: Arc<Server>,
    state: Arc<GootenState>,
}

super::server::sandbox_handle!(GootenSandbox, GootenState);

impl GootenSandbox {
    /// The sandbox's recipe id (query parameter `recipeid` on every call).
    pub const RECIPE_ID: &'static str = RECIPE_ID;
    /// The sandbox's partner billing key (`partnerBillingKey` in the query of search and status calls,
    /// `Payment.PartnerBillingKey` in a submitted order). It contains `+`, `/` and `=` like real keys, so a client
    /// that forgets to URL-encode it in a query string is refused, as by the real API.
    pub const PARTNER_BILLING_KEY: &'static str = PARTNER_BILLING_KEY;

    /// Starts the fake on `127.0.0.1` with an ephemeral port, on the current tokio runtime.
    pub async fn start() -> io::Result<Self> {
        let listener = Server::listen(SocketAddr::from(([127, 0, 0, 1], 0))).await?;
        let state = Arc::new(GootenState::default());
        let server = Server::spawn(listener, router(state.clone()), vec![Api::Gooten])?;
        Ok(Self::attach(Arc::new(server), state))
    }

    pub(super) fn state(&self) -> &GootenState {
        &self.state
    }

    /// The base URL a client uses as the spec's server URL: `http://127.0.0.1:PORT/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.server.addr())
    }

    /// How many orders are stored (accepted and not evicted: see [`Self::set_max_orders`]).
    pub fn order_count(&self) -> usize {
        lock(&self.state.inner).orders.len()
    }

    /// Keeps at most `max` orders (at least 1; [`DEFAULT_MAX_ORDERS`](super::DEFAULT_MAX_ORDERS) when not set),
    /// evicting the oldest first, now and whenever a new order would pass the cap. An evicted order is gone: a
    /// lookup by its Safe Id, SourceId or GootenId answers 404, a search no longer lists it, and its SourceId may
    /// be used again. Safe Ids and GootenIds keep counting up, so none is handed out twice.
    pub fn set_max_orders(&self, max: usize) {
        let evicted = lock(&self.state.inner).set_max_orders(max);
        drop(evicted);
    }

    /// How many accepted orders carry this `SourceId` (more than one means a duplicate got through).
    pub fn orders_with_source_id(&self, source_id: &str) -> usize {
        lock(&self.state.inner).by_source_id.get(source_id).count()
    }

    /// The stored order with this Safe Id, as `getOrder` returns it.
    pub fn order(&self, safe_id: &str) -> Option<t::OrderDetails> {
        lock(&self.state.inner)
            .by_safe_id(safe_id)
            .map(|o| o.details.clone())
    }

    /// Marks every item of the order as `Shipped` with one shipment carrying `tracking_number`, as if production
    /// had finished. Returns false for an unknown Safe Id.
    pub fn ship_order(&self, safe_id: &str, tracking_number: &str) -> bool {
        let mut inner = lock(&self.state.inner);
        let Some(order) = inner.by_safe_id_mut(safe_id) else {
            return false;
        };
        for item in &mut order.details.items {
            item.status = Some(t::OrderItemStatus::Shipped.into());
            item.shipments = vec![t::Shipment {
                tracking_number: Some(tracking_number.into()),
                tracking_url: Some(format!(
                    "https://tools.usps.com/go/TrackConfirmAction?tLabels={tracking_number}"
                )),
                ship_carrier_name: Some("USPS".into()),
            }];
        }
        true
    }
}

/// The fake's state: orders and print-ready products (the catalog is static, in `catalog`).
pub(crate) struct GootenState {
    pub(super) inner: Mutex<Inner>,
}

impl Default for GootenState {
    fn default() -> Self {
        GootenState {
            inner: Mutex::new(Inner {
                orders: OrderStore::default(),
                by_safe_id: KeyIndex::default(),
                by_source_id: KeyIndex::default(),
                next_item_id: FIRST_ORDER_ITEM_ID,
                preconfigured: Vec::new(),
                stored_images: Vec::new(),
                // Seeded: the same sequence of calls yields the same Safe Ids in every run.
                rng: fastrand::Rng::with_seed(0x0600_7E11),
            }),
        }
    }
}

pub(super) struct Inner {
    /// Oldest first, at most the cap; the two indexes below and the GootenId (`FIRST_GOOTEN_ID` + the sequence
    /// number) find an order in O(1) (`orders.rs`).
    pub(super) orders: OrderStore<StoredOrder>,
    by_safe_id: KeyIndex<String>,
    by_source_id: KeyIndex<String>,
    /// The OrderItemId the next order's first item gets.
    next_item_id: i64,
    preconfigured: Vec<t::PreconfiguredProduct>,
    /// The images uploadImages stored, as listImages returns them.
    pub(super) stored_images: Vec<t::StoredImage>,
    rng: fastrand::Rng,
}

pub(super) struct StoredOrder {
    /// The order exactly as `getOrder` returns it.
    pub(super) details: t::OrderDetails,
    created: DateTime<Utc>,
    pre_submit: bool,
    /// Each item's images, which `getOrder` adds to the answer with `withImages=true`.
    pub(super) images: Vec<Vec<t::OrderDetailsImage>>,
}

/// Orders the store evicted (with their sequence numbers), dropped by the caller once the lock is released.
pub(super) type Evicted = Vec<(u64, StoredOrder)>;

/// The first GootenId (numeric order id) and OrderItemId the sandbox hands out; real ones look alike (529627,
/// 1066980 on Gooten's artwork page).
const FIRST_GOOTEN_ID: i64 = 520_001;
const FIRST_ORDER_ITEM_ID: i64 = 1_060_001;

/// The router of every Gooten path, under `/api`.
pub(crate) fn router(state: Arc<GootenState>) -> Router {
    let mut router = Router::new();
    // Every endpoint answers under `/api/v/{version}/source/{source}/` with any version and source (the official
    // clients use 1, 4, 5 or their own build number, and every version behaves alike) and unprefixed under
    // `/api/` (the node client calls several versioned endpoints that way, and the newer ones are documented so).
    for prefix in ["/api/v/{version}/source/{source}", "/api"] {
        let path = |p: &str| format!("{prefix}/{p}");
        router = router
            .route(&path("products"), get(get_products))
            .route(&path("productvariants"), get(get_product_variants))
            .route(&path("producttemplates"), get(get_product_templates))
            .route(&path("shippingprices"), post(get_shipping_prices))
            .route(&path("priceestimate"), post(get_price_estimate))
            .route(&path("orders"), get(get_order).post(submit_order))
            .route(&path("ordersearch"), get(search_orders))
            .route(&path("orderstatus"), post(set_order_status))
            .route(
                &path("preconfiguredproducts"),
                get(get_preconfigured)
                    .post(create_preconfigured)
                    .put(update_preconfigured)
                    .delete(delete_preconfigured),
            )
            .route(&path("productpreview"), post(get_product_preview))
            .route(&path("addressvalidation"), get(validate_address))
            .route(&path("images"), post(upload_images))
            .route(&path("countries"), get(get_countries))
            .route(&path("currencies"), get(get_currencies))
            .route(&path("languages"), get(get_languages))
            .route(&path("userinfo"), get(get_user_info))
            .route(&path("paymentvalidation"), get(validate_payment));
        router = changes::routes(router, &path);
        router = estimates::routes(router, &path);
        router = prp::routes(router, &path);
        router = images::routes(router, &path);
    }
    router.with_state(state)
}

pub(super) type GState = State<Arc<GootenState>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_split_like_gooten() {
        assert_eq!(display_name("PostalCode"), "Postal Code");
        assert_eq!(display_name("ShipToAddress"), "Ship To Address");
        assert_eq!(display_name("SKU"), "SKU");
        assert_eq!(display_name("PartnerBillingKey"), "Partner Billing Key");
        assert_eq!(display_name("Line1"), "Line1");
        assert_eq!(
            empty_message("PostalCode"),
            "'Postal Code' should not be empty."
        );
    }

    /// The hand-written `required` lists must stay those of the spec.
    #[test]
    fn required_lists_match_the_spec() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/gooten.yaml"))
                .unwrap();
        let spec: serde_json::Value = serde_norway::from_str(&text).unwrap();
        for (schema, ours) in [
            ("Order", ORDER_REQUIRED),
            ("ShipToAddress", SHIP_TO_REQUIRED),
            ("BillingAddress", BILLING_REQUIRED),
            ("OrderItem", ITEM_REQUIRED),
            ("OrderItemImage", IMAGE_REQUIRED),
        ] {
            let mut theirs: Vec<&str> = spec["components"]["schemas"][schema]["required"]
                .as_array()
                .unwrap_or_else(|| panic!("{schema} has a required list"))
                .iter()
                .map(|v| v.as_str().unwrap())
                .collect();
            let mut ours = ours.to_vec();
            theirs.sort_unstable();
            ours.sort_unstable();
            assert_eq!(ours, theirs, "required fields of {schema}");
        }
    }

    /// The billing-key operations must stay those whose spec `security` asks for `partnerBillingKey`.
    #[test]
    fn billing_key_operations_match_the_spec() {
        let text =
            std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/spec/gooten.yaml"))
                .unwrap();
        let spec: serde_json::Value = serde_norway::from_str(&text).unwrap();
        let global = spec["security"].clone();
        let mut theirs = Vec::new();
        for item in spec["paths"].as_object().unwrap().values() {
            for operation in item
                .as_object()
                .unwrap()
                .values()
                .filter(|o| o.get("operationId").is_some())
            {
                let security = operation.get("security").unwrap_or(&global);
                if security[0].get("partnerBillingKey").is_some() {
                    theirs.push(operation["operationId"].as_str().unwrap());
                }
            }
        }
        theirs.sort_unstable();
        assert_eq!(theirs, BILLING_KEY_OPERATIONS);
    }

    #[test]
    fn missing_fields_are_reported_with_gooten_property_paths() {
        let order = serde_json::json!({
            "ShipToAddress": {"FirstName": "A", "LastName": "B", "Line1": "1 St", "City": "NYC", "CountryCode": "US",
                              "PostalCode": "", "Phone": "1", "Email": "a@b.c"},
            "Items": [{"SKU": "X", "Quantity": 1, "Images": [{}]}]
        });
        let names: Vec<_> = missing_fields(&order)
            .into_iter()
            .map(|f| f.property_name.unwrap())
            .collect();
        assert_eq!(
            names,
            [
                "Order.BillingAddress",
                "Order.ShipToAddress.PostalCode",
                "Order.Items[0].Images[0].Url"
            ]
        );
    }
}
