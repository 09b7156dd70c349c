//! The shop entity, its products and contacts as `Stream`s, one product with its variants, and order tracking.
//!
//! Products are listed as the official clients list them: from the shop's own `btc:products` link template
//! (`GET /shops/{id}` answers it; `https://api.bootic.net/v1/products?shop_ids=47{&q,page,...}` in the recorded
//! API root), then following each page's HAL `next` link (the shared paging of `super::paging`). The variant ids
//! a product embeds are the `variant_id`s [`Client::create_order`] takes ([`types::VariantIdValue::as_i64`]).

use std::collections::BTreeMap;

use futures::{future::BoxFuture, stream::BoxStream};
use url::Url;

use crate::{
    Provider,
    error::{Error, Result},
};

use super::{Client, orders::non_empty_code, types, uri_template::Value};

const LIST_PRODUCTS: &str = "listProducts";
const LIST_CONTACTS: &str = "listContacts";

/// Filters of [`Client::product_pages`], mapped onto the variables of the shop's `btc:products` link template.
/// A filter the server's template does not declare makes the listing fail with
/// [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest) before anything is sent.
///
/// ```
/// let query = fulfillment_apis::bootic::ProductQuery::new().set_q("tinto").with_page_size(20);
/// # let _ = query;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct ProductQuery {
    q: Option<String>,
    status: Option<String>,
    skus: Vec<String>,
    sort: Option<String>,
    page_size: Option<i32>,
}

impl ProductQuery {
    /// A query matching every visible product of the shop.
    pub fn new() -> Self {
        ProductQuery::default()
    }
    crate::setters::optional_setters! {
        /// Full-text search.
        set_q => q: impl Into<String>;
        /// `visible` (Bootic's default), `hidden` or `all`.
        set_status => status: impl Into<String>;
    }
    /// Only products with variants of these SKUs (sent comma-separated).
    pub fn set_skus<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.skus = values.into_iter().map(Into::into).collect();
        self
    }
    crate::setters::optional_setters! {
        /// The order of the results (`title.asc`, `price.desc`, `created_on.desc`, ...).
        set_sort => sort: impl Into<String>;
    }
    /// Products per page; values below 1 are raised to 1.
    pub fn with_page_size(mut self, size: i32) -> Self {
        self.page_size = Some(size.max(1));
        self
    }

    fn variables(&self) -> BTreeMap<String, Value> {
        let mut values = BTreeMap::new();
        let text = |s: &String| Value::String(s.clone());
        for (name, value) in [
            ("q", self.q.as_ref().map(text)),
            ("status", self.status.as_ref().map(text)),
            (
                "sku",
                (!self.skus.is_empty()).then(|| Value::List(self.skus.clone())),
            ),
            ("sort", self.sort.as_ref().map(text)),
            (
                "per_page",
                self.page_size.map(|n| Value::String(n.to_string())),
            ),
        ] {
            if let Some(value) = value {
                values.insert(name.to_string(), value);
            }
        }
        values
    }
}

impl types::VariantIdValue {
    /// The variant id as the number an order line's `variant_id` takes: list answers send it as a string
    /// (`"114"`), the variant relation page as a number; `None` when the string is not a number.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            types::VariantIdValue::String(text) => text.trim().parse().ok(),
            types::VariantIdValue::Int64(n) => Some(*n),
        }
    }
}

impl Client {
    /// The shop entity: currency, locale and the link templates of everything in it.
    pub async fn get_shop(&self, shop_id: i64) -> Result<types::Shop> {
        self.api().get_shop().shop_id(shop_id).await
    }

    /// One product with its variants, by id (digits) or slug.
    pub async fn product(&self, product_id: &str) -> Result<types::Product> {
        if product_id.trim().is_empty() {
            return Err(Error::invalid_request("the product id is empty")
                .with_provider(Provider::Bootic)
                .with_operation("getProduct"));
        }
        self.api().get_product().product_id(product_id.trim()).await
    }

    /// Every page of the shop's products matching `query`, following the HAL `next` links (never to another
    /// origin: such a link ends the stream with an error after the page that named it).
    pub fn product_pages(
        &self,
        shop_id: i64,
        query: ProductQuery,
    ) -> BoxStream<'static, Result<types::ProductList>> {
        self.follow_pages::<types::ProductList>(LIST_PRODUCTS, self.first_products(shop_id, query))
    }

    /// Every visible product of the shop, with its variants, across pages (see [`Client::product_pages`]).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let mut products = client.products(29);
    /// while let Some(product) = products.try_next().await? {
    ///     let variants = product.embedded.iter().flat_map(|e| &e.variants);
    ///     let ids: Vec<_> = variants.filter_map(|v| v.id.as_ref()?.as_i64()).collect();
    ///     println!("{:?}: variant ids {ids:?}", product.title);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn products(&self, shop_id: i64) -> BoxStream<'static, Result<types::Product>> {
        let first = self.first_products(shop_id, ProductQuery::new());
        self.follow_items::<types::ProductList>(LIST_PRODUCTS, first)
    }

    /// The first page of the products: the shop's `btc:products` link, expanded with the query.
    fn first_products(&self, shop_id: i64, query: ProductQuery) -> BoxFuture<'static, Result<Url>> {
        let client = self.clone();
        Box::pin(async move {
            let values = query.variables();
            client
                .shop_listing(LIST_PRODUCTS, shop_id, "btc:products", &values, |links| {
                    links.btc_products.as_ref()
                })
                .await
        })
    }

    /// Sets the tracking code (and courier, and optionally the new status such as `shipped`) of an order and
    /// returns the updated order. Bootic marks this relation EXPERIMENTAL and documents no body: the body is the
    /// spec's guess (`OrderTracking`). A PUT, retried like any idempotent request.
    ///
    /// ```no_run
    /// use fulfillment_apis::bootic::types::{OrderStatus, OrderTracking};
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let tracking = OrderTracking {
    ///     tracking_code: "99648750692".into(),
    ///     courier_name: Some("Chilexpress".into()),
    ///     status: Some(OrderStatus::Shipped.into()),
    /// };
    /// let order = client.set_tracking(29, "TCB3132", tracking).await?;
    /// assert_eq!(order.tracking_code.as_deref(), Some("99648750692"));
    /// # Ok(()) }
    /// ```
    pub async fn set_tracking(
        &self,
        shop_id: i64,
        code: &str,
        tracking: types::OrderTracking,
    ) -> Result<types::Order> {
        let code = non_empty_code(code, "updateOrderTracking")?;
        if tracking.tracking_code.trim().is_empty() {
            return Err(Error::invalid_request("the tracking code is empty")
                .with_provider(Provider::Bootic)
                .with_operation("updateOrderTracking"));
        }
        self.api()
            .update_order_tracking()
            .shop_id(shop_id)
            .code(code)
            .body(tracking)
            .await
    }

    /// Every contact of the shop (newest first), from the shop's `btc:contacts` link and then the `next` links
    /// (never to another origin). Contacts are created by [`Client::create_order`] (`contact.email`).
    pub fn contacts(&self, shop_id: i64) -> BoxStream<'static, Result<types::ContactSummary>> {
        let client = self.clone();
        let first = Box::pin(async move {
            let values = BTreeMap::new();
            client
                .shop_listing(LIST_CONTACTS, shop_id, "btc:contacts", &values, |links| {
                    links.btc_contacts.as_ref()
                })
                .await
        });
        self.follow_items::<types::ContactList>(LIST_CONTACTS, first)
    }
}
