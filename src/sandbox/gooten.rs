//! The Gooten fake: catalog, shipping and price estimates, print-ready products, reference data, and stateful
//! orders (submit with validation and duplicate protection, get by Safe Id or SourceId, search, status).
//!
//! Every request needs `recipeid` in the query string (any case of the name, as the real API binds it); the
//! operations whose spec security includes `partnerBillingKey` (search, status, order changes and billing) need
//! that key in the query too, and submitting an order or asking for partner prices needs
//! `Payment.PartnerBillingKey` in the body (order changes, billing and partner prices: `gooten_changes`). Errors use Gooten's envelope
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

use super::{
    Faults,
    gooten_catalog::{Catalog, CatalogProduct, CatalogVariant, CurrencyInfo, Method, ShipOffer},
    http::{Answer, Query, Refusal, from_value_aspnet, json, lock, uuid_like},
    server::{Api, Server},
};
use crate::gooten::generated::types as t;

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

impl std::fmt::Debug for GootenSandbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GootenSandbox")
            .field("base_url", &self.base_url())
            .finish_non_exhaustive()
    }
}

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

    pub(crate) fn attach(server: Arc<Server>, state: Arc<GootenState>) -> Self {
        GootenSandbox { server, state }
    }

    pub(super) fn state(&self) -> &GootenState {
        &self.state
    }

    /// The base URL a client uses as the spec's server URL: `http://127.0.0.1:PORT/api`.
    pub fn base_url(&self) -> String {
        format!("http://{}/api", self.server.addr())
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// This server's fault injection.
    pub fn faults(&self) -> &Faults {
        self.server.faults()
    }

    /// How many orders were accepted.
    pub fn order_count(&self) -> usize {
        lock(&self.state.inner).orders.len()
    }

    /// How many accepted orders carry this `SourceId` (more than one means a duplicate got through).
    pub fn orders_with_source_id(&self, source_id: &str) -> usize {
        lock(&self.state.inner)
            .orders
            .iter()
            .filter(|o| o.details.source_id.as_deref() == Some(source_id))
            .count()
    }

    /// The stored order with this Safe Id, as `getOrder` returns it.
    pub fn order(&self, safe_id: &str) -> Option<t::OrderDetails> {
        lock(&self.state.inner)
            .orders
            .iter()
            .find(|o| o.details.id.as_deref() == Some(safe_id))
            .map(|o| o.details.clone())
    }

    /// Marks every item of the order as `Shipped` with one shipment carrying `tracking_number`, as if production
    /// had finished. Returns false for an unknown Safe Id.
    pub fn ship_order(&self, safe_id: &str, tracking_number: &str) -> bool {
        let mut inner = lock(&self.state.inner);
        let Some(order) = inner
            .orders
            .iter_mut()
            .find(|o| o.details.id.as_deref() == Some(safe_id))
        else {
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

/// The fake's state: orders and print-ready products (the catalog is static, in `gooten_catalog`).
pub(crate) struct GootenState {
    pub(super) inner: Mutex<Inner>,
}

impl Default for GootenState {
    fn default() -> Self {
        GootenState {
            inner: Mutex::new(Inner {
                orders: Vec::new(),
                preconfigured: Vec::new(),
                stored_images: Vec::new(),
                // Seeded: the same sequence of calls yields the same Safe Ids in every run.
                rng: fastrand::Rng::with_seed(0x0600_7E11),
            }),
        }
    }
}

pub(super) struct Inner {
    pub(super) orders: Vec<StoredOrder>,
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
        router = super::gooten_changes::routes(router, &path);
        router = super::gooten_estimates::routes(router, &path);
        router = super::gooten_prp::routes(router, &path);
        router = super::gooten_images::routes(router, &path);
    }
    router.with_state(state)
}

pub(super) type GState = State<Arc<GootenState>>;

// ---------------------------------------------------------------------------------------------------------------
// Errors

/// One entry of the envelope's `Errors`.
pub(super) fn failure(
    property: &str,
    message: impl Into<String>,
    attempted: Option<Value>,
) -> t::ValidationFailure {
    t::ValidationFailure {
        property_name: Some(property.into()),
        error_message: Some(message.into()),
        attempted_value: attempted,
        custom_state: None,
    }
}

/// The error envelope with `status`.
pub(super) fn envelope(status: StatusCode, errors: Vec<t::ValidationFailure>) -> Response {
    let body = t::Error {
        error_reference_code: Some(uuid_like(&mut fastrand::Rng::new())),
        errors,
        had_error: Some(true),
        message: None,
    };
    json(status, &body)
}

pub(super) fn invalid(errors: Vec<t::ValidationFailure>) -> Refusal {
    envelope(StatusCode::BAD_REQUEST, errors).into()
}

pub(super) fn invalid_one(
    property: &str,
    message: impl Into<String>,
    attempted: Option<Value>,
) -> Refusal {
    invalid(vec![failure(property, message, attempted)])
}

pub(super) fn not_found(property: &str, message: impl Into<String>, attempted: &str) -> Refusal {
    envelope(
        StatusCode::NOT_FOUND,
        vec![failure(
            property,
            message,
            Some(Value::String(attempted.into())),
        )],
    )
    .into()
}

/// The answer of an injected 5xx fault.
pub(crate) fn server_error() -> Response {
    envelope(
        StatusCode::INTERNAL_SERVER_ERROR,
        vec![failure(
            "",
            "An unexpected error occurred. Please contact support with the reference code.",
            None,
        )],
    )
}

/// The answer for a path under `/api` that no route matches (ASP.NET's wording).
pub(crate) fn route_not_found() -> Response {
    let body = t::Error {
        message: Some("No HTTP resource was found that matches the request URI.".into()),
        had_error: Some(true),
        ..Default::default()
    };
    json(StatusCode::NOT_FOUND, &body)
}

/// `'Postal Code' should not be empty.`: the wording of Gooten's validator, which splits the property name.
pub(super) fn empty_message(property: &str) -> String {
    format!("'{}' should not be empty.", display_name(property))
}

/// `PostalCode` -> `Postal Code`, `ShipToAddress` -> `Ship To Address`, `SKU` -> `SKU`.
fn display_name(property: &str) -> String {
    let chars: Vec<char> = property.chars().collect();
    let mut out = String::with_capacity(property.len() + 4);
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1);
        let starts_word = c.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || (p.is_ascii_uppercase() && next.is_some_and(|n| n.is_ascii_lowercase()))
            });
        if starts_word {
            out.push(' ');
        }
        out.push(c);
    }
    out
}

// ---------------------------------------------------------------------------------------------------------------
// Auth and parameters

/// The operations whose `security` in the spec includes `partnerBillingKey` (in the query string); a unit test
/// compares this list with `spec/gooten.yaml`. `submitOrder` takes the key in its body instead.
const BILLING_KEY_OPERATIONS: &[&str] = &[
    "cancelOrderItems",
    "customizeOrder",
    "getOrderBilling",
    "searchOrders",
    "setOrderStatus",
    "updateShippingAddress",
    "updateShippingMethod",
];

/// Checks the credentials `operation` (its operationId) needs: the recipe id always, the billing key where the
/// spec asks for it.
pub(super) fn authorize(raw_query: Option<String>, operation: &str) -> Result<Query, Refusal> {
    let query = Query::parse(raw_query.as_deref());
    if query.get_ci("recipeid") != Some(RECIPE_ID) {
        let body = t::Error {
            message: Some(
                "Authorization has been denied for this request. Invalid recipeId.".into(),
            ),
            ..Default::default()
        };
        return Err(json(StatusCode::UNAUTHORIZED, &body).into());
    }
    if BILLING_KEY_OPERATIONS.contains(&operation) {
        // The key is never echoed back (no AttemptedValue): it is a secret.
        let message = match query.get_ci("partnerbillingkey") {
            Some(key) if key == PARTNER_BILLING_KEY => return Ok(query),
            None | Some("") => "'Partner Billing Key' should not be empty.",
            Some(_) => "Invalid partnerBillingKey. Check it and URL-encode it in the query string.",
        };
        return Err(envelope(
            StatusCode::FORBIDDEN,
            vec![failure("partnerBillingKey", message, None)],
        )
        .into());
    }
    Ok(query)
}

/// A required query parameter (non-empty).
pub(super) fn required<'q>(query: &'q Query, name: &str) -> Result<&'q str, Refusal> {
    match query.get_ci(name).map(str::trim) {
        Some(value) if !value.is_empty() => Ok(value),
        _ => Err(invalid_one(
            name,
            empty_message(&upper_first(name)),
            Some(Value::String(String::new())),
        )),
    }
}

fn upper_first(name: &str) -> String {
    let mut chars = name.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

pub(super) fn ship_to_country(query: &Query) -> Result<&str, Refusal> {
    let country = required(query, "countryCode")?;
    match country_failure("countryCode", country) {
        None => Ok(country),
        Some(failure) => Err(invalid(vec![failure])),
    }
}

/// The spec's `pattern` of a country code (`^[A-Za-z]{2}$`) or a currency code (`^[A-Za-z]{3}$`), with the
/// wording of Gooten's validator (FluentValidation's exact-length message).
fn code_format(property: &str, code: &str, len: usize) -> Option<t::ValidationFailure> {
    if code.len() == len && code.bytes().all(|b| b.is_ascii_alphabetic()) {
        return None;
    }
    let name = property.rsplit('.').next().unwrap_or(property);
    Some(failure(
        property,
        format!(
            "'{}' must be {len} letters in length. You entered {} characters.",
            display_name(&upper_first(name)),
            code.chars().count()
        ),
        Some(code.into()),
    ))
}

/// A ship-to country: two letters (the spec's pattern), and one Gooten ships to.
pub(super) fn country_failure(property: &str, country: &str) -> Option<t::ValidationFailure> {
    code_format(property, country, 2).or_else(|| {
        (!Catalog::get().ships_to(country)).then(|| {
            failure(
                property,
                format!("'{country}' is not a country Gooten ships to."),
                Some(country.into()),
            )
        })
    })
}

pub(super) fn currency_param(query: &Query) -> Result<&'static CurrencyInfo, Refusal> {
    currency_code(query.get_ci("currencyCode"), "currencyCode")
}

pub(super) fn currency_code(
    code: Option<&str>,
    property: &str,
) -> Result<&'static CurrencyInfo, Refusal> {
    let catalog = Catalog::get();
    match code.map(str::trim).filter(|c| !c.is_empty()) {
        None => Ok(catalog.usd()),
        Some(code) if code_format(property, code, 3).is_some() => Err(invalid(
            code_format(property, code, 3).into_iter().collect(),
        )),
        Some(code) => catalog.currency(code).ok_or_else(|| {
            invalid_one(
                property,
                format!("'{code}' is not a supported currency."),
                Some(code.into()),
            )
        }),
    }
}

/// A typed (not `type: string`) query parameter: present with an empty value is not absent, since an empty string
/// is no boolean, integer or date (the spec does not allow empty values).
pub(super) fn typed<'q>(query: &'q Query, name: &str) -> Option<&'q str> {
    query.get_ci(name).map(str::trim)
}

/// A `type: boolean` query parameter: `true` or `false` in any case (absent: false); anything else is refused, as
/// the server's model binding refuses a value it cannot convert.
fn flag(query: &Query, name: &str) -> Result<bool, Refusal> {
    match typed(query, name) {
        None => Ok(false),
        Some(v) if v.eq_ignore_ascii_case("true") => Ok(true),
        Some(v) if v.eq_ignore_ascii_case("false") => Ok(false),
        Some(raw) => Err(not_valid(name, raw)),
    }
}

/// A `type: integer, format: int32` query parameter (absent: `None`); a value that is not an int32 is refused.
pub(super) fn int32_param(query: &Query, name: &str) -> Result<Option<i32>, Refusal> {
    match typed(query, name) {
        None => Ok(None),
        Some(raw) => raw.parse().map(Some).map_err(|_| not_valid(name, raw)),
    }
}

/// ASP.NET's wording for a query value its model binding cannot convert.
pub(super) fn not_valid(name: &str, raw: &str) -> Refusal {
    invalid_one(
        name,
        format!("The value '{raw}' is not valid for {}.", upper_first(name)),
        Some(raw.into()),
    )
}

/// Parses a JSON body into a generated type as the real service (ASP.NET) binds it: property names and enum
/// values in any case, numbers and booleans also as strings; a failure is a 400 envelope naming `root`.
pub(super) fn body<T: serde::de::DeserializeOwned>(bytes: &[u8], root: &str) -> Result<T, Refusal> {
    serde_json::from_slice(bytes)
        .and_then(|value| from_value_aspnet(&value))
        .map_err(|e| {
            invalid_one(
                root,
                format!("The request body could not be read as {root}: {e}"),
                None,
            )
        })
}

// ---------------------------------------------------------------------------------------------------------------
// Catalog

async fn get_products(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getProducts")?;
    ship_to_country(&query)?;
    let currency = currency_param(&query)?;
    let products = Catalog::get()
        .visible_products(flag(&query, "all")?)
        .map(|p| p.to_generated(currency))
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::ProductsResponse {
            products,
            had_error: Some(false),
        },
    ))
}

async fn get_product_variants(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getProductVariants")?;
    ship_to_country(&query)?;
    let currency = currency_param(&query)?;
    let catalog = Catalog::get();
    let all = flag(&query, "all")?;
    let products: Vec<&CatalogProduct> = match int32_param(&query, "productId")? {
        None => catalog.visible_products(all).collect(),
        Some(id) => match catalog.product(id) {
            Some(product) => vec![product],
            None => {
                return Err(invalid_one(
                    "productId",
                    format!("Product '{id}' does not exist."),
                    Some(id.to_string().into()),
                ));
            }
        },
    };
    let variants = products.iter().flat_map(|p| {
        p.variants
            .iter()
            .map(move |v| p.variant_to_generated(v, currency))
    });
    let response = t::ProductVariantsResponse {
        product_variants: variants.collect(),
        options: CatalogProduct::option_groups(products.iter().flat_map(|p| p.variants.iter())),
        had_error: Some(false),
    };
    Ok(json(StatusCode::OK, &response))
}

async fn get_product_templates(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getProductTemplates")?;
    let sku = required(&query, "sku")?;
    match Catalog::get().variant(sku) {
        Some((product, variant)) => Ok(json(
            StatusCode::OK,
            &t::ProductTemplatesResponse {
                options: product.templates(variant),
                had_error: Some(false),
            },
        )),
        None => Err(not_found("sku", format!("SKU '{sku}' was not found."), sku)),
    }
}

/// A priced cart line: product, ship option and units.
struct ShipLine<'c> {
    product: &'c CatalogProduct,
    offer: ShipOffer<'c>,
    units: i32,
}

/// Shipping in USD: lines of the same product shipped the same way go in one box (first unit at the base rate).
fn shipping_usd(lines: &[ShipLine<'_>]) -> Decimal {
    let mut boxes: BTreeMap<(i32, i32), (i32, ShipOffer<'_>)> = BTreeMap::new();
    for line in lines {
        let entry = boxes
            .entry((line.product.id, line.offer.id))
            .or_insert((0, line.offer));
        // Saturating: quantities are int32 in the spec, and two large lines must not overflow the box.
        entry.0 = entry.0.saturating_add(line.units);
    }
    boxes
        .values()
        .map(|(units, offer)| offer.rate.price_usd(*units))
        .sum()
}

async fn get_shipping_prices(RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "getShippingPrices")?;
    let request: t::ShippingPricesRequest = body(&bytes, "ShippingPricesRequest")?;
    let catalog = Catalog::get();
    let currency = currency_code(request.currency_code.as_deref(), "CurrencyCode")?;
    let mut errors = Vec::new();
    errors.extend(country_failure("ShipToCountry", &request.ship_to_country));
    if request.items.is_empty() {
        errors.push(failure("Items", empty_message("Items"), None));
    }
    // Group the SKUs by product: a product's variants ship together.
    let mut groups: Vec<(&CatalogProduct, Vec<String>, i32)> = Vec::new();
    for (i, item) in request.items.iter().enumerate() {
        if item.quantity < 1 {
            errors.push(failure(
                &format!("Items[{i}].Quantity"),
                "'Quantity' must be greater than '0'.",
                Some(item.quantity.into()),
            ));
        }
        match catalog.variant(&item.sku) {
            None => errors.push(failure(
                &format!("Items[{i}].SKU"),
                format!("'{}' is not a valid SKU.", item.sku),
                Some(item.sku.clone().into()),
            )),
            Some((product, variant)) => match groups.iter_mut().find(|g| g.0.id == product.id) {
                Some(group) => {
                    group.1.push(variant.sku.into());
                    group.2 = group.2.saturating_add(item.quantity);
                }
                None => groups.push((product, vec![variant.sku.into()], item.quantity)),
            },
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let result = groups
        .into_iter()
        .map(|(product, skus, units)| t::ShipGroup {
            sk_us: skus,
            ship_options: product
                .ship_offers(&request.ship_to_country)
                .into_iter()
                .map(|offer| offer.to_generated(units, currency))
                .collect(),
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::ShippingPricesResponse {
            result,
            had_error: Some(false),
        },
    ))
}

/// Checks one cart or order line (`property` is its path, e.g. `Order.Items[0]`): a positive quantity and a
/// SKU of the catalog, with Gooten's messages. Returns the SKU's product and variant when it exists.
pub(super) fn catalog_item<'c>(
    catalog: &'c Catalog,
    property: &str,
    sku: &str,
    quantity: i32,
    errors: &mut Vec<t::ValidationFailure>,
) -> Option<(&'c CatalogProduct, &'c CatalogVariant)> {
    if quantity < 1 {
        errors.push(failure(
            &format!("{property}.Quantity"),
            "'Quantity' must be greater than '0'.",
            Some(quantity.into()),
        ));
    }
    let found = catalog.variant(sku);
    if found.is_none() {
        errors.push(failure(
            &format!("{property}.SKU"),
            format!("'{sku}' is not a valid SKU."),
            Some(sku.into()),
        ));
    }
    found
}

/// Resolves an item's shipping: the ship option by id, or the one of the ship type, or standard.
pub(super) fn resolve_offer<'c>(
    product: &'c CatalogProduct,
    country: &str,
    method_id: Option<i32>,
    ship_type: Option<t::ShipType>,
    property: &str,
) -> Result<ShipOffer<'c>, t::ValidationFailure> {
    let offers = product.ship_offers(country);
    if let Some(id) = method_id {
        return offers.into_iter().find(|o| o.id == id).ok_or_else(|| {
            failure(
                &format!("{property}.ShipCarrierMethodId"),
                format!(
                    "Ship carrier method {id} is not available for this item shipping to {country}."
                ),
                Some(id.into()),
            )
        });
    }
    let method = ship_type
        .map(Method::from_ship_type)
        .unwrap_or(Method::Standard);
    offers
        .into_iter()
        .find(|o| o.rate.method == method)
        .ok_or_else(|| {
            failure(
                &format!("{property}.ShipType"),
                format!(
                    "Ship type '{}' is not available for this item shipping to {country}.",
                    method.name().to_lowercase()
                ),
                Some(method.name().to_lowercase().into()),
            )
        })
}

/// Tax the sandbox charges: a flat 7% of the items for US addresses, none elsewhere (VAT is in the prices).
fn tax_usd(country: &str, items_usd: Decimal) -> Decimal {
    if country.eq_ignore_ascii_case("US") {
        (items_usd * Decimal::new(7, 2)).round_dp(2)
    } else {
        Decimal::ZERO
    }
}

async fn get_price_estimate(RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "getPriceEstimate")?;
    let request: t::PriceEstimateRequest = body(&bytes, "PriceEstimateRequest")?;
    let catalog = Catalog::get();
    // Real clients leave Payment out (gooten-js tests): the estimate is then in USD.
    let currency = currency_code(
        request.payment.as_ref().map(|p| p.currency_code.as_str()),
        "Payment.CurrencyCode",
    )?;
    let country = request.ship_to_address.country_code.as_str();
    let mut errors = Vec::new();
    errors.extend(country_failure("ShipToAddress.CountryCode", country));
    let mut items_usd = Decimal::ZERO;
    let mut lines = Vec::new();
    for (i, item) in request.items.iter().enumerate() {
        let property = format!("Items[{i}]");
        let Some((product, variant)) =
            catalog_item(catalog, &property, &item.sku, item.quantity, &mut errors)
        else {
            continue;
        };
        items_usd += variant.price_usd * Decimal::from(item.quantity.max(0));
        match resolve_offer(
            product,
            country,
            item.ship_carrier_method_id,
            item.ship_type,
            &property,
        ) {
            Ok(offer) => lines.push(ShipLine {
                product,
                offer,
                units: item.quantity.max(1),
            }),
            Err(e) => errors.push(e),
        }
    }
    if request.items.is_empty() {
        errors.push(failure("Items", empty_message("Items"), None));
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let coupon = request
        .coupon_code
        .as_deref()
        .filter(|c| c.eq_ignore_ascii_case(COUPON_50_OFF));
    let listed = request
        .coupon_codes
        .iter()
        .any(|c| c.trim().eq_ignore_ascii_case(COUPON_50_OFF));
    let savings_usd = if coupon.is_some() || listed {
        (items_usd / Decimal::TWO).round_dp(2)
    } else {
        Decimal::ZERO
    };
    let coupons = coupon_applications(&request.coupon_codes, currency, savings_usd);
    let response = t::PriceEstimateResponse {
        items: Some(currency.price(items_usd)),
        shipping: Some(currency.price(shipping_usd(&lines))),
        tax: Some(currency.price(tax_usd(country, items_usd - savings_usd))),
        coupon_savings: coupon.map(|_| currency.price(savings_usd)),
        coupon_type: coupon.map(|_| "PercentOff".into()),
        coupon_used: coupon.map(|_| COUPON_50_OFF.into()),
        had_coupon_apply: Some(coupon.is_some() || listed),
        dollars_off: coupon.map(|_| savings_usd.into()),
        percent_off: coupon.map(|_| 50.into()),
        had_error: Some(false),
        coupons,
        coupon_info: None,
    };
    Ok(json(StatusCode::OK, &response))
}

/// One `Coupons[]` entry per non-empty code of `CouponCodes`, shaped like the recorded answer (gooten-js README):
/// the sandbox's one coupon (`50OFF`) applies, any other code does not.
fn coupon_applications(
    codes: &[String],
    currency: &CurrencyInfo,
    savings_usd: Decimal,
) -> Vec<t::CouponApplication> {
    codes
        .iter()
        .map(|c| c.trim())
        .filter(|c| !c.is_empty())
        .map(|code| {
            let applies = code.eq_ignore_ascii_case(COUPON_50_OFF);
            t::CouponApplication {
                coupon_savings: applies.then(|| currency.price(savings_usd)),
                coupon_info: applies.then(|| t::CouponInfo {
                    coupon_code: Some(COUPON_50_OFF.into()),
                    coupon_type: Some("PercentOff".into()),
                    percent_off: Some(50.into()),
                    is_coupon_single_use: Some(false),
                    ..Default::default()
                }),
                had_coupon_apply: Some(applies),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------------------------
// Orders

/// The `required` lists of the spec's order schemas, checked on the raw JSON so that a missing or empty field
/// becomes Gooten's per-field validation error rather than a deserialization failure. A unit test compares them
/// with `spec/gooten.yaml`.
const ORDER_REQUIRED: &[&str] = &["ShipToAddress", "BillingAddress", "Items"];
pub(super) const SHIP_TO_REQUIRED: &[&str] = &[
    "FirstName",
    "LastName",
    "Line1",
    "City",
    "CountryCode",
    "PostalCode",
    "Phone",
    "Email",
];
const BILLING_REQUIRED: &[&str] = &["FirstName", "LastName", "PostalCode", "CountryCode"];
const ITEM_REQUIRED: &[&str] = &["SKU", "Quantity"];
const IMAGE_REQUIRED: &[&str] = &["Url"];

/// A property of a JSON object, its name matched ignoring ASCII case (the server binds names that way).
pub(super) fn get_ci<'v>(object: &'v Value, name: &str) -> Option<&'v Value> {
    object
        .as_object()?
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v)
}

pub(super) fn is_blank(value: Option<&Value>) -> bool {
    match value {
        None | Some(Value::Null) => true,
        Some(Value::String(s)) => s.trim().is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    }
}

/// Missing or empty required fields of an order body, as `Order.ShipToAddress.PostalCode`-style failures.
fn missing_fields(order: &Value) -> Vec<t::ValidationFailure> {
    fn check(object: &Value, path: &str, required: &[&str], out: &mut Vec<t::ValidationFailure>) {
        for name in required {
            let value = get_ci(object, name);
            if is_blank(value) {
                let attempted = value
                    .cloned()
                    .filter(|v| v.is_string() || v.is_array())
                    .or(Some(Value::Null));
                out.push(failure(
                    &format!("{path}.{name}"),
                    empty_message(name),
                    attempted,
                ));
            }
        }
    }
    let mut out = Vec::new();
    if !order.is_object() {
        out.push(failure("Order", "'Order' should not be empty.", None));
        return out;
    }
    check(order, "Order", ORDER_REQUIRED, &mut out);
    if let Some(address) = get_ci(order, "ShipToAddress").filter(|v| v.is_object()) {
        check(address, "Order.ShipToAddress", SHIP_TO_REQUIRED, &mut out);
    }
    if let Some(address) = get_ci(order, "BillingAddress").filter(|v| v.is_object()) {
        check(address, "Order.BillingAddress", BILLING_REQUIRED, &mut out);
    }
    if let Some(Value::Array(items)) = get_ci(order, "Items") {
        for (i, item) in items.iter().enumerate() {
            let path = format!("Order.Items[{i}]");
            check(item, &path, ITEM_REQUIRED, &mut out);
            if let Some(Value::Array(images)) = get_ci(item, "Images") {
                for (j, image) in images.iter().enumerate() {
                    check(
                        image,
                        &format!("{path}.Images[{j}]"),
                        IMAGE_REQUIRED,
                        &mut out,
                    );
                }
            }
        }
    }
    out
}

pub(super) fn ship_to_address(a: &t::ShipToAddress) -> t::Address {
    t::Address {
        first_name: Some(a.first_name.clone()),
        last_name: Some(a.last_name.clone()),
        line1: Some(a.line1.clone()),
        line2: a.line2.clone(),
        city: Some(a.city.clone()),
        state: a.state.clone(),
        country_code: Some(a.country_code.clone()),
        postal_code: Some(a.postal_code.clone()),
        is_business_address: a.is_business_address,
        phone: Some(a.phone.clone()),
        email: Some(a.email.clone()),
    }
}

fn billing_address(a: &t::BillingAddress) -> t::Address {
    t::Address {
        first_name: Some(a.first_name.clone()),
        last_name: Some(a.last_name.clone()),
        line1: a.line1.clone(),
        line2: a.line2.clone(),
        city: a.city.clone(),
        state: a.state.clone(),
        country_code: Some(a.country_code.clone()),
        postal_code: Some(a.postal_code.clone()),
        is_business_address: a.is_business_address,
        phone: a.phone.clone(),
        email: a.email.clone(),
    }
}

async fn submit_order(State(state): GState, RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    // The billing key travels in the body here, so only the recipe id is checked in the query.
    authorize(q, "submitOrder")?;
    let raw: Value = match serde_json::from_slice(&bytes) {
        Ok(raw) => raw,
        Err(e) => {
            return Err(invalid_one(
                "Order",
                format!("The request body is not valid JSON: {e}"),
                None,
            ));
        }
    };
    let errors = missing_fields(&raw);
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let order: t::Order = match from_value_aspnet(&raw) {
        Ok(order) => order,
        Err(e) => {
            return Err(invalid_one(
                "Order",
                format!("The request body could not be read as an Order: {e}"),
                None,
            ));
        }
    };
    let mut inner = lock(&state.inner);
    // Checked and stored under one lock, so two concurrent submissions of one SourceId cannot both pass.
    match inner.accept(order) {
        Ok(id) => Ok(json(
            StatusCode::OK,
            &t::SubmitOrderResponse {
                id: Some(id),
                had_error: Some(false),
            },
        )),
        Err(errors) => Err(invalid(errors)),
    }
}

impl Inner {
    /// Validates `order` against the catalog, the billing key and earlier orders; stores it and returns its Safe
    /// Id.
    fn accept(&mut self, order: t::Order) -> Result<String, Vec<t::ValidationFailure>> {
        let catalog = Catalog::get();
        let mut errors = Vec::new();
        let pre_submit = order.is_pre_submit == Some(true);
        // PayPal orders (IsPreSubmit) are paid later and Braintree orders carry their card data (the documents'
        // Braintree fields; gooten-js, android and iOS core send them), so neither needs a billing key; every
        // other order is on credit.
        let braintree = order.payment.as_ref().is_some_and(|p| {
            [&p.braintree_encrypted_cc_number, &p.braintree_payment_nonce]
                .into_iter()
                .any(|v| v.as_deref().is_some_and(|v| !v.trim().is_empty()))
        });
        if !pre_submit && !braintree {
            let key = order
                .payment
                .as_ref()
                .and_then(|p| p.partner_billing_key.as_deref())
                .unwrap_or("");
            if key.trim().is_empty() {
                errors.push(failure(
                    "Order.Payment.PartnerBillingKey",
                    empty_message("PartnerBillingKey"),
                    None,
                ));
            } else if key != PARTNER_BILLING_KEY {
                // Never echo a secret back: no AttemptedValue.
                errors.push(failure(
                    "Order.Payment.PartnerBillingKey",
                    "Invalid PartnerBillingKey.",
                    None,
                ));
            }
        }
        let currency_code = order
            .payment
            .as_ref()
            .and_then(|p| p.currency_code.as_deref());
        let currency = match currency_code {
            Some(code) if catalog.currency(code).is_none() => {
                errors.push(failure(
                    "Order.Payment.CurrencyCode",
                    format!("'{code}' is not a supported currency."),
                    Some(code.into()),
                ));
                catalog.usd()
            }
            Some(code) => catalog.currency(code).unwrap_or(catalog.usd()),
            None => catalog.usd(),
        };
        let country = order.ship_to_address.country_code.as_str();
        errors.extend(country_failure("Order.ShipToAddress.CountryCode", country));
        errors.extend(code_format(
            "Order.BillingAddress.CountryCode",
            &order.billing_address.country_code,
            2,
        ));
        let mut lines = Vec::new();
        let mut items = Vec::new();
        for (i, item) in order.items.iter().enumerate() {
            let property = format!("Order.Items[{i}]");
            let Some((product, variant)) =
                catalog_item(catalog, &property, &item.sku, item.quantity, &mut errors)
            else {
                continue;
            };
            if item.ship_type.is_none() && item.ship_carrier_method_id.is_none() {
                errors.push(failure(
                    &format!("{property}.ShipType"),
                    "Either 'ShipType' or 'ShipCarrierMethodId' must be set.",
                    Some(Value::Null),
                ));
            } else if catalog.ships_to(country) {
                match resolve_offer(
                    product,
                    country,
                    item.ship_carrier_method_id,
                    item.ship_type,
                    &property,
                ) {
                    Ok(offer) => lines.push(ShipLine {
                        product,
                        offer,
                        units: item.quantity.max(1),
                    }),
                    Err(e) => errors.push(e),
                }
            }
            items.push((product, variant, item));
        }
        let source_id = order
            .source_id
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if let (Some(source_id), Some(true)) = (source_id, order.is_partner_source_id_unique)
            && self
                .orders
                .iter()
                .any(|o| o.details.source_id.as_deref() == Some(source_id))
        {
            errors.push(failure(
                "Order.SourceId",
                format!("An order with SourceId '{source_id}' already exists."),
                Some(source_id.into()),
            ));
        }
        if !errors.is_empty() {
            return Err(errors);
        }

        let coupon = order
            .coupon_code
            .iter()
            .chain(&order.coupon_codes)
            .map(|c| c.trim())
            .find(|c| c.eq_ignore_ascii_case(COUPON_50_OFF));
        let status = if pre_submit {
            t::OrderItemStatus::PrePayment
        } else if order.is_in_test_mode == Some(true) {
            t::OrderItemStatus::Test
        } else {
            t::OrderItemStatus::New
        };
        let mut total = Decimal::ZERO;
        let mut discount = Decimal::ZERO;
        let first_item_id = FIRST_ORDER_ITEM_ID
            + self
                .orders
                .iter()
                .map(|o| o.details.items.len() as i64)
                .sum::<i64>();
        let images = items
            .iter()
            .map(|(_, _, item)| {
                item.images
                    .iter()
                    .map(|image| t::OrderDetailsImage {
                        source_url: Some(image.url.clone()),
                        space_id: image.space_id.clone(),
                        thumbnail_url: image.thumbnail_url.clone(),
                    })
                    .collect()
            })
            .collect();
        let details_items = items
            .into_iter()
            .map(|(product, variant, item)| {
                let line = currency.convert(variant.price_usd) * Decimal::from(item.quantity);
                let after = if coupon.is_some() {
                    (line / Decimal::TWO).round_dp(2)
                } else {
                    line
                };
                total += after;
                discount += line - after;
                t::OrderDetailsItem {
                    sku: Some(variant.sku.into()),
                    product_id: Some(product.id),
                    product: Some(product.name.into()),
                    quantity: Some(item.quantity),
                    status: Some(status.into()),
                    price: Some(currency.amount(line)),
                    discount_amount: coupon.map(|_| currency.amount(after)),
                    source_id: item.source_id.clone(),
                    meta: item.meta.clone(),
                    shipments: Vec::new(),
                    ..Default::default()
                }
            })
            .enumerate()
            .map(|(i, mut item)| {
                item.order_item_id = Some(first_item_id + i as i64);
                item
            })
            .collect();
        let uuid = uuid_like(&mut self.rng);
        let id = format!("{}-{uuid}", self.orders.len() + 1);
        let last_group = uuid.rsplit('-').next().unwrap_or(&uuid);
        let details = t::OrderDetails {
            id: Some(id.clone()),
            gooten_id: Some(FIRST_GOOTEN_ID + self.orders.len() as i64),
            nice_id: Some(format!(
                "{}-{}",
                order.ship_to_address.last_name,
                last_group[..6].to_uppercase()
            )),
            source_id: source_id.map(Into::into),
            items: details_items,
            total: Some(currency.amount(total)),
            shipping_total: Some(currency.price(shipping_usd(&lines))),
            discount_amount: coupon.map(|_| currency.amount(discount)),
            discount_code: coupon.map(|_| COUPON_50_OFF.into()),
            shipping_address: Some(ship_to_address(&order.ship_to_address)),
            billing_address: Some(billing_address(&order.billing_address)),
            meta: order.meta.clone(),
            had_error: Some(false),
            ship_to_address: None,
        };
        self.orders.push(StoredOrder {
            details,
            created: Utc::now(),
            pre_submit,
            images,
        });
        Ok(id)
    }

    /// By Safe Id, else by SourceId (the newest order with it).
    fn find(&self, id: &str) -> Option<&StoredOrder> {
        self.orders
            .iter()
            .find(|o| o.details.id.as_deref() == Some(id))
            .or_else(|| {
                self.orders
                    .iter()
                    .rev()
                    .find(|o| o.details.source_id.as_deref() == Some(id))
            })
    }
}

async fn get_order(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getOrder")?;
    let id = required(&query, "id")?;
    let with_images = flag(&query, "withImages")?;
    match lock(&state.inner).find(id) {
        Some(order) if with_images => {
            let mut details = order.details.clone();
            for (item, images) in details.items.iter_mut().zip(&order.images) {
                item.images.clone_from(images);
            }
            Ok(json(StatusCode::OK, &details))
        }
        Some(order) => Ok(json(StatusCode::OK, &order.details)),
        None => Err(not_found(
            "id",
            format!("No order was found with the Id or SourceId '{id}'."),
            id,
        )),
    }
}

fn matches_text(order: &t::OrderDetails, needle: &str) -> bool {
    let needle = needle.to_lowercase();
    let contains = |s: &Option<String>| {
        s.as_deref()
            .is_some_and(|s| s.to_lowercase().contains(&needle))
    };
    let address = |a: &Option<t::Address>| {
        a.as_ref().is_some_and(|a| {
            [
                &a.first_name,
                &a.last_name,
                &a.line1,
                &a.line2,
                &a.city,
                &a.state,
                &a.postal_code,
                &a.phone,
                &a.email,
            ]
            .into_iter()
            .any(contains)
        })
    };
    contains(&order.id)
        || contains(&order.nice_id)
        || contains(&order.source_id)
        || contains(&order.discount_code)
        || address(&order.shipping_address)
        || address(&order.billing_address)
        || order
            .meta
            .as_ref()
            .is_some_and(|m| m.0.values().any(|v| v.to_lowercase().contains(&needle)))
}

fn date_param(query: &Query, name: &str) -> Result<Option<NaiveDate>, Refusal> {
    match typed(query, name) {
        None => Ok(None),
        Some(raw) => NaiveDate::parse_from_str(raw, "%Y-%m-%d")
            .map(Some)
            .map_err(|_| {
                invalid_one(
                    name,
                    format!("'{raw}' is not a valid date; use the format yyyy-mm-dd."),
                    Some(raw.into()),
                )
            }),
    }
}

/// A positive `int32` query parameter (pages start at 1, a page holds at least one order).
fn positive_param(query: &Query, name: &str, default: usize) -> Result<usize, Refusal> {
    match int32_param(query, name)? {
        None => Ok(default),
        Some(n) => usize::try_from(n).ok().filter(|&n| n >= 1).ok_or_else(|| {
            invalid_one(
                name,
                format!("'{}' must be greater than '0'.", upper_first(name)),
                Some(n.into()),
            )
        }),
    }
}

async fn search_orders(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "searchOrders")?;
    let start = date_param(&query, "startDate")?;
    let end = date_param(&query, "endDate")?;
    let page_size = positive_param(&query, "pageSize", DEFAULT_PAGE_SIZE)?;
    let page = positive_param(&query, "page", 1)?;
    // Checked for its type only: the sandbox records no partner ids (nor user ids) to filter on.
    int32_param(&query, "partnerId")?;
    let text = |name| query.get_ci(name).map(str::trim).filter(|v| !v.is_empty());
    let (generic, last_name, email, postal_code) = (
        text("genericValues"),
        text("lastName"),
        text("email"),
        text("postalCode"),
    );
    let same =
        |a: &Option<String>, b: &str| a.as_deref().is_some_and(|a| a.eq_ignore_ascii_case(b));
    let inner = lock(&state.inner);
    // Newest first. `uniqueUserId` and `partnerId` are accepted but not filtered on: the sandbox records neither.
    let matching: Vec<&StoredOrder> = inner
        .orders
        .iter()
        .rev()
        .filter(|o| {
            let d = &o.details;
            let addresses = [&d.shipping_address, &d.billing_address];
            let date = o.created.date_naive();
            generic.is_none_or(|g| matches_text(d, g))
                && last_name.is_none_or(|n| {
                    addresses
                        .iter()
                        .any(|a| a.as_ref().is_some_and(|a| same(&a.last_name, n)))
                })
                && email.is_none_or(|e| {
                    addresses
                        .iter()
                        .any(|a| a.as_ref().is_some_and(|a| same(&a.email, e)))
                })
                && postal_code.is_none_or(|p| {
                    addresses
                        .iter()
                        .any(|a| a.as_ref().is_some_and(|a| same(&a.postal_code, p)))
                })
                && start.is_none_or(|s| date >= s)
                && end.is_none_or(|e| date <= e)
        })
        .collect();
    let total_pages = matching.len().div_ceil(page_size);
    let orders = matching
        .into_iter()
        .skip((page - 1).saturating_mul(page_size))
        .take(page_size)
        .map(|o| t::OrderDetails {
            had_error: None,
            ..o.details.clone()
        })
        .collect();
    let response = t::OrderSearchResponse {
        orders,
        page: Some(i32::try_from(page).unwrap_or(i32::MAX)),
        total_pages: Some(i32::try_from(total_pages).unwrap_or(i32::MAX)),
        had_error: Some(false),
    };
    Ok(json(StatusCode::OK, &response))
}

async fn set_order_status(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "setOrderStatus")?;
    let id = required(&query, "id")?;
    let name = required(&query, "orderStatusName")?;
    let Ok(target) = name.parse::<t::SetOrderStatusOrderStatusName>() else {
        return Err(invalid_one(
            "orderStatusName",
            format!("'{name}' is not a status you can set; use Cancelled, New, Test or Hold."),
            Some(name.into()),
        ));
    };
    let status = match target {
        t::SetOrderStatusOrderStatusName::Cancelled => t::OrderItemStatus::Cancelled,
        t::SetOrderStatusOrderStatusName::New => t::OrderItemStatus::New,
        t::SetOrderStatusOrderStatusName::Test => t::OrderItemStatus::Test,
        t::SetOrderStatusOrderStatusName::Hold => t::OrderItemStatus::Hold,
    };
    let mut inner = lock(&state.inner);
    let Some(order) = inner
        .orders
        .iter_mut()
        .find(|o| o.details.id.as_deref() == Some(id))
    else {
        return Err(not_found(
            "id",
            format!("No order was found with the Id '{id}'."),
            id,
        ));
    };
    super::gooten_status::check_set_status(&order.details, target, name)?;
    for item in &mut order.details.items {
        item.status = Some(status.into());
    }
    Ok(json(
        StatusCode::OK,
        &t::OrderStatusUpdateResponse {
            had_error: Some(false),
        },
    ))
}

// ---------------------------------------------------------------------------------------------------------------
// Print-ready products

async fn get_preconfigured(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getPreconfiguredProducts")?;
    ship_to_country(&query)?;
    currency_param(&query)?;
    let products = lock(&state.inner).preconfigured.clone();
    Ok(json(
        StatusCode::OK,
        &t::PreconfiguredProductsResponse {
            preconfigured_products: products,
            had_error: Some(false),
        },
    ))
}

/// Validates an insert body against the catalog and converts it to the stored (returned) shape.
fn preconfigured(
    insert: t::PreconfiguredProductInsert,
) -> Result<t::PreconfiguredProduct, Refusal> {
    let catalog = Catalog::get();
    let mut errors = Vec::new();
    for (name, value) in [
        ("Sku", &insert.sku),
        ("Name", &insert.name),
        ("Description", &insert.description),
    ] {
        if value.trim().is_empty() {
            errors.push(failure(
                name,
                empty_message(name),
                Some(value.as_str().into()),
            ));
        }
    }
    for (i, item) in insert.items.iter().enumerate() {
        match catalog.variant(&item.product_variant_sku) {
            Some((product, _)) if product.id == item.product_id => {}
            _ => errors.push(failure(
                &format!("Items[{i}].ProductVariantSku"),
                format!(
                    "'{}' is not a variant of product {}.",
                    item.product_variant_sku, item.product_id
                ),
                Some(item.product_variant_sku.as_str().into()),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    Ok(t::PreconfiguredProduct {
        sku: Some(insert.sku),
        name: Some(insert.name),
        description: Some(insert.description),
        price: insert.price.map(|p| catalog.usd().amount(*p)),
        items: insert
            .items
            .into_iter()
            .map(|item| t::PreconfiguredItem {
                product_id: Some(item.product_id),
                product_variant_sku: Some(item.product_variant_sku),
                preconfigurations: item
                    .preconfigurations
                    .into_iter()
                    .map(|p| t::Preconfiguration {
                        space_id: p.space_id,
                        url: Some(p.url),
                    })
                    .collect(),
            })
            .collect(),
        images: insert.images,
    })
}

async fn create_preconfigured(State(state): GState, RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "createPreconfiguredProduct")?;
    let product = body(&bytes, "PreconfiguredProductInsert").and_then(preconfigured)?;
    let mut inner = lock(&state.inner);
    if inner.preconfigured.iter().any(|p| p.sku == product.sku) {
        let sku = product.sku.unwrap_or_default();
        return Err(invalid_one(
            "Sku",
            format!("A print-ready product with Sku '{sku}' already exists."),
            Some(sku.into()),
        ));
    }
    inner.preconfigured.push(product);
    Ok(json(
        StatusCode::OK,
        &t::PreconfiguredProductsInsertResponse {
            had_error: Some(false),
        },
    ))
}

async fn update_preconfigured(State(state): GState, RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "updatePreconfiguredProduct")?;
    let product = body(&bytes, "PreconfiguredProductInsert").and_then(preconfigured)?;
    let mut inner = lock(&state.inner);
    match inner
        .preconfigured
        .iter_mut()
        .find(|p| p.sku == product.sku)
    {
        Some(slot) => {
            *slot = product;
            Ok(json(
                StatusCode::OK,
                &t::PreconfiguredProductsInsertResponse {
                    had_error: Some(false),
                },
            ))
        }
        None => {
            let sku = product.sku.unwrap_or_default();
            Err(not_found(
                "Sku",
                format!("No print-ready product has Sku '{sku}'."),
                &sku,
            ))
        }
    }
}

async fn delete_preconfigured(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "deletePreconfiguredProduct")?;
    let sku = required(&query, "sku")?;
    let mut inner = lock(&state.inner);
    let before = inner.preconfigured.len();
    inner
        .preconfigured
        .retain(|p| p.sku.as_deref() != Some(sku));
    if inner.preconfigured.len() == before {
        return Err(not_found(
            "sku",
            format!("No print-ready product has Sku '{sku}'."),
            sku,
        ));
    }
    Ok(json(
        StatusCode::OK,
        &t::PreconfiguredProductsInsertResponse {
            had_error: Some(false),
        },
    ))
}

// ---------------------------------------------------------------------------------------------------------------
// Previews, addresses, images, reference data, payments

async fn get_product_preview(RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "getProductPreview")?;
    let request: t::ProductPreviewRequest = body(&bytes, "ProductPreviewRequest")?;
    let Some((product, variant)) = Catalog::get().variant(&request.sku) else {
        return Err(invalid_one(
            "Sku",
            format!("'{}' is not a valid SKU.", request.sku),
            Some(request.sku.into()),
        ));
    };
    let templates = product.templates(variant);
    let Some(template) = templates.iter().find(|t| {
        t.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&request.template))
    }) else {
        return Err(invalid_one(
            "Template",
            format!(
                "SKU '{}' has no template '{}'.",
                variant.sku, request.template
            ),
            Some(request.template.into()),
        ));
    };
    if request.images.is_empty() {
        return Err(invalid_one("Images", empty_message("Images"), None));
    }
    let mut images = Vec::new();
    for (i, image) in request.images.iter().enumerate() {
        let space = match &image.space_id {
            Some(id) => template.spaces.iter().find(|s| s.id.as_ref() == Some(id)),
            None => template
                .spaces
                .get(i.min(template.spaces.len().saturating_sub(1))),
        };
        let Some(space) = space else {
            return Err(invalid_one(
                &format!("Images[{i}].SpaceId"),
                "The space is not part of the template.",
                image.space_id.clone().map(Into::into),
            ));
        };
        let space_id = space.id.clone().unwrap_or_default();
        images.push(t::PreviewResult {
            url: Some(format!(
                "https://previews.sandbox.invalid/render/{:016x}-{}.jpg",
                super::gooten_catalog::fnv(&format!(
                    "{}{}{}",
                    variant.sku, space_id, image.image.url
                )),
                variant.sku.to_ascii_lowercase()
            )),
            space_id: Some(space_id),
        });
    }
    Ok(json(
        StatusCode::OK,
        &t::ProductPreviewResponse {
            images,
            had_error: Some(false),
            ..Default::default()
        },
    ))
}

/// A crude but deterministic verifier: US addresses need a 5-digit ZIP (or ZIP+4) and a 2-letter state; other
/// supported countries pass with a lower score. The proposed address is the input in capitals.
async fn validate_address(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "validateAddress")?;
    let [line1, city, state, postal, country] = [
        required(&query, "line1")?,
        required(&query, "city")?,
        required(&query, "state")?,
        required(&query, "postalCode")?,
        required(&query, "countryCode")?,
    ];
    let line2 = query
        .get_ci("line2")
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let us = country.eq_ignore_ascii_case("US");
    let zip_ok = {
        let (five, plus4) = postal.split_once('-').unwrap_or((postal, ""));
        five.len() == 5
            && five.bytes().all(|b| b.is_ascii_digit())
            && (plus4.is_empty() || (plus4.len() == 4 && plus4.bytes().all(|b| b.is_ascii_digit())))
    };
    let state_ok = state.len() == 2 && state.bytes().all(|b| b.is_ascii_alphabetic());
    let (score, reason) = match (Catalog::get().ships_to(country), us) {
        (false, _) => (
            10,
            format!("Score: 10. '{country}' is not a country Gooten ships to."),
        ),
        (true, true) if zip_ok && state_ok => (95, "Score: 95.".to_string()),
        (true, true) => (
            40,
            "Score: 40. The state or ZIP code is not valid for a US address.".to_string(),
        ),
        (true, false) => (75, "Score: 75.".to_string()),
    };
    let proposed = (score > 70).then(|| t::ProposedAddress {
        street_lines: std::iter::once(line1)
            .chain(line2)
            .map(str::to_uppercase)
            .collect(),
        city: Some(city.to_uppercase()),
        state_or_province_code: Some(state.to_uppercase()),
        postal_code: Some(postal.to_uppercase()),
        country_code: Some(country.to_uppercase()),
    });
    let response = t::AddressValidationResponse {
        is_valid: Some(score > 70),
        reason: Some(reason),
        score: Some(score),
        proposed_address: proposed,
        had_error: Some(false),
    };
    Ok(json(StatusCode::OK, &response))
}

/// Answers one temporary URL and id per multipart part named `Images` (the body is scanned, not fully parsed,
/// which is enough to count the files and keep their names) and keeps them for listImages.
async fn upload_images(
    State(state): GState,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer {
    authorize(q, "uploadImages")?;
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(invalid_one(
            "Images",
            "The request must be multipart/form-data with the files in the field 'Images'.",
            None,
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    // Seeded by the upload and how many images are stored: the same file uploaded twice gets two ids.
    let stored = lock(&state.inner).stored_images.len() as u64;
    let mut rng = fastrand::Rng::with_seed(super::gooten_catalog::fnv(&text) ^ stored);
    let images: Vec<t::StoredImage> = text
        .lines()
        .filter(|line| {
            line.to_ascii_lowercase()
                .starts_with("content-disposition:")
                && line.contains("name=\"Images\"")
        })
        .map(|line| {
            let file = line
                .split("filename=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("image.jpg");
            let id = uuid_like(&mut rng)[..8].to_string();
            t::StoredImage {
                url: Some(format!(
                    "https://printio-temp.sandbox.invalid/uploads/{id}-{file}"
                )),
                id: Some(id),
                ..Default::default()
            }
        })
        .collect();
    if images.is_empty() {
        return Err(invalid_one("Images", empty_message("Images"), None));
    }
    lock(&state.inner)
        .stored_images
        .extend(images.iter().cloned());
    Ok(json(
        StatusCode::OK,
        &t::ImageUploadResponse {
            images,
            had_error: Some(false),
        },
    ))
}

async fn get_countries(RawQuery(q): RawQuery) -> Answer {
    authorize(q, "getCountries")?;
    let catalog = Catalog::get();
    let countries = catalog
        .countries
        .iter()
        .map(|c| catalog.country_to_generated(c))
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::CountriesResponse {
            countries,
            had_error: Some(false),
        },
    ))
}

async fn get_currencies(RawQuery(q): RawQuery) -> Answer {
    authorize(q, "getCurrencies")?;
    let currencies = Catalog::get()
        .currencies
        .iter()
        .map(CurrencyInfo::to_generated)
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::CurrenciesResponse {
            currencies,
            had_error: Some(false),
        },
    ))
}

async fn get_languages(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getLanguages")?;
    required(&query, "languageCode")?;
    let entries = [
        ("ShippingAddress", "Shipping address"),
        ("BillingAddress", "Billing address"),
        ("PlaceOrder", "Place order"),
        ("OrderTotal", "Order total"),
    ];
    let key = query.get_ci("key").map(str::trim).filter(|k| !k.is_empty());
    let values = entries
        .iter()
        .filter(|(k, _)| {
            key.is_none_or(|key| {
                key.eq_ignore_ascii_case("checkout") || key.eq_ignore_ascii_case(k)
            })
        })
        .map(|(k, v)| t::LanguageEntry {
            key: Some((*k).into()),
            value: Some((*v).into()),
        })
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::LanguageDictionary {
            category: Some("checkout".into()),
            values,
        },
    ))
}

/// The sandbox has no IP geolocation: every caller is in the US.
async fn get_user_info(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getUserInfo")?;
    let info = t::UserInfo {
        language_code: Some(
            query
                .get_ci("languageCode")
                .filter(|l| !l.is_empty())
                .unwrap_or("en")
                .into(),
        ),
        country_code: Some("US".into()),
        country_name: Some("United States".into()),
        currency_name: Some("US Dollar".into()),
        currency_code: Some("USD".into()),
        currency_format: Some("${1}".into()),
        had_error: Some(false),
    };
    Ok(json(StatusCode::OK, &info))
}

/// A PayPal key the sandbox accepts starts with `PAY-` (PayPal's payment id shape); a valid payment moves a
/// pre-submitted order to New.
async fn validate_payment(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "validatePayment")?;
    let order_id = required(&query, "OrderId")?;
    let paypal_key = required(&query, "PayPalKey")?;
    let mut inner = lock(&state.inner);
    let Some(order) = inner
        .orders
        .iter_mut()
        .find(|o| o.details.id.as_deref() == Some(order_id))
    else {
        return Err(not_found(
            "OrderId",
            format!("No order was found with the Id '{order_id}'."),
            order_id,
        ));
    };
    let valid = order.pre_submit && paypal_key.starts_with("PAY-");
    if valid {
        order.pre_submit = false;
        for item in &mut order.details.items {
            item.status = Some(t::OrderItemStatus::New.into());
        }
    }
    Ok(json(
        StatusCode::OK,
        &t::PaymentValidationResponse {
            is_valid: Some(valid),
            had_error: Some(false),
        },
    ))
}

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
