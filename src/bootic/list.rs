//! Order listing as a `Stream`: the first page is the shop's own `btc:orders` link template (RFC 6570) from the
//! API root, expanded with the query; later pages follow the HAL `next` links (the shared paging of
//! `super::paging`: filters the template does not declare are refused, links to other origins not followed).

use std::collections::BTreeMap;

use chrono::NaiveDate;
use futures::{StreamExt, TryStreamExt, stream::BoxStream};
use url::Url;

use crate::{
    Provider,
    error::{Error, ErrorKind, Result},
};

use super::{Client, paging, types, uri_template::Value};

const LIST_ORDERS: &str = "listOrders";
/// The date format of the list filters (the `btc:orders` template's examples are ISO 8601 dates).
const DATE: &str = "%Y-%m-%d";

/// Filters of [`Client::list_orders`], mapped onto the variables of the shop's `btc:orders` link template
/// (`created_on_gte`, `total_lte`, `contact_email`, ...). All are optional; `set_x` sets an API filter, `with_x`
/// a request option. A filter the server's template does not declare makes the listing fail with
/// [`ErrorKind::InvalidRequest`] before anything is sent.
///
/// ```
/// use fulfillment_apis::bootic::{OrderQuery, types::{OrderSort, OrderStatusFilter}};
///
/// let query = OrderQuery::new()
///     .set_status(OrderStatusFilter::Pending)
///     .set_sort(OrderSort::CreatedOnDesc)
///     .set_total_gte(10_000) // minor units
///     .with_page_size(100);
/// # let _ = query;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct OrderQuery {
    q: Option<String>,
    status: Vec<types::OrderStatusFilter>,
    contact_email: Option<String>,
    tags: Vec<String>,
    code: Option<String>,
    product_id: Option<i64>,
    payment_method: Option<String>,
    created_on_gte: Option<NaiveDate>,
    created_on_lte: Option<NaiveDate>,
    updated_on_gte: Option<NaiveDate>,
    updated_on_lte: Option<NaiveDate>,
    total_gte: Option<i64>,
    total_lte: Option<i64>,
    sort: Option<types::OrderSort>,
    page_size: Option<i32>,
    first_page: Option<i32>,
}

impl OrderQuery {
    /// A query matching every order of the shop.
    pub fn new() -> Self {
        OrderQuery::default()
    }
    crate::setters::optional_setters! {
        /// Full-text search.
        set_q => q: impl Into<String>;
    }
    /// Only orders in this status (`All` and `Successful` are filter-only values).
    pub fn set_status(mut self, value: types::OrderStatusFilter) -> Self {
        self.status = vec![value];
        self
    }
    /// Only orders in one of these statuses (sent comma-separated, `status=closed,shipped`).
    pub fn set_statuses(
        mut self,
        values: impl IntoIterator<Item = types::OrderStatusFilter>,
    ) -> Self {
        self.status = values.into_iter().collect();
        self
    }
    crate::setters::optional_setters! {
        /// Only orders of the contact with this email (`contact_email`; only where the server's template declares
        /// it).
        set_contact_email => contact_email: impl Into<String>;
    }
    /// Only orders with these tags (`tags`, comma-separated; only where the server's template declares it).
    pub fn set_tags<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.tags = values.into_iter().map(Into::into).collect();
        self
    }
    crate::setters::optional_setters! {
        /// Only the order with this code.
        set_code => code: impl Into<String>;
        /// Only orders containing this product.
        set_product_id => product_id: i64;
        /// Only orders paid with this payment method type (`webpay`, `paypal`, `custom`, ...).
        set_payment_method => payment_method: impl Into<String>;
        /// Orders created on or after this date.
        set_created_on_gte => created_on_gte: NaiveDate;
        /// Orders created on or before this date.
        set_created_on_lte => created_on_lte: NaiveDate;
        /// Orders updated on or after this date.
        set_updated_on_gte => updated_on_gte: NaiveDate;
        /// Orders updated on or before this date.
        set_updated_on_lte => updated_on_lte: NaiveDate;
        /// Orders whose `total` is at least this amount, in minor units.
        set_total_gte => total_gte: i64;
        /// Orders whose `total` is at most this amount, in minor units.
        set_total_lte => total_lte: i64;
        /// The order of the results (Bootic's default: newest first).
        set_sort => sort: types::OrderSort;
    }
    /// Orders per page (Bootic's default, 50, when unset); values below 1 are raised to 1.
    pub fn with_page_size(mut self, size: i32) -> Self {
        self.page_size = Some(size.max(1));
        self
    }
    /// The page to start from (1 by default); later pages follow the `next` links.
    pub fn with_first_page(mut self, page: i32) -> Self {
        self.first_page = Some(page.max(1));
        self
    }
}

/// One page of a shop's orders.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct OrderPage {
    /// The page number (from 1).
    pub page: i32,
    /// Orders per page.
    pub per_page: i32,
    /// Orders matching the filters, over all pages.
    pub total_items: i64,
    /// The orders of this page.
    pub orders: Vec<types::Order>,
    /// Aggregates over all matching orders, when Bootic sends them (amounts in minor units).
    pub totals: Option<types::OrderListTotals>,
}

impl From<types::OrderList> for OrderPage {
    fn from(list: types::OrderList) -> Self {
        OrderPage {
            page: list.page,
            per_page: list.per_page,
            total_items: list.total_items,
            orders: list.embedded.items,
            totals: list.totals,
        }
    }
}

impl paging::HalPage for types::OrderList {
    const SCHEMA: &'static str = "OrderList";
    fn page_number(&self) -> i32 {
        self.page
    }
    fn self_link(&self) -> Option<&types::HalLink> {
        self.links.self_.as_ref()
    }
    fn next_link(&self) -> Option<&types::HalLink> {
        self.links.next.as_ref()
    }
    fn is_empty(&self) -> bool {
        self.embedded.items.is_empty()
    }
    type Item = types::Order;
    fn into_items(self) -> Vec<types::Order> {
        self.embedded.items
    }
}

impl Client {
    /// Every page of the shop's orders matching `query`, in order, following each page's `next` link until a
    /// page has none (or has no orders). When a page's `next` link points to another origin than the client's
    /// API root, or back to a page already fetched, that page is still yielded, then the stream ends with an
    /// [`ErrorKind::Decode`] error and nothing more is sent.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let query = fulfillment_apis::bootic::OrderQuery::new().with_page_size(100);
    /// let pages: Vec<_> = client.list_order_pages(29, query).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn list_order_pages(
        &self,
        shop_id: i64,
        query: OrderQuery,
    ) -> BoxStream<'static, Result<OrderPage>> {
        let client = self.clone();
        let first = Box::pin(async move { client.first_page_url(shop_id, &query).await });
        self.follow_pages::<types::OrderList>(LIST_ORDERS, first)
            .map_ok(OrderPage::from)
            .boxed()
    }

    /// Every order of the shop matching `query`, across pages (see [`Client::list_order_pages`]).
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// use fulfillment_apis::bootic::{OrderQuery, types::OrderStatusFilter};
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let mut orders = client.list_orders(29, OrderQuery::new().set_status(OrderStatusFilter::Pending));
    /// while let Some(order) = orders.try_next().await? {
    ///     println!("{} {:?} {}", order.code, order.status, order.total);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn list_orders(
        &self,
        shop_id: i64,
        query: OrderQuery,
    ) -> BoxStream<'static, Result<types::Order>> {
        let client = self.clone();
        let first = Box::pin(async move { client.first_page_url(shop_id, &query).await });
        self.follow_items::<types::OrderList>(LIST_ORDERS, first)
    }

    /// The query as the variables of the `btc:orders` template (names as the server spells them).
    fn variables(query: &OrderQuery) -> BTreeMap<String, Value> {
        let date = |d: &NaiveDate| Value::String(d.format(DATE).to_string());
        let text = |s: &String| Value::String(s.clone());
        let number = |n: i64| Value::String(n.to_string());
        let mut values = BTreeMap::new();
        let mut put = |name: &str, value: Option<Value>| {
            if let Some(value) = value {
                values.insert(name.to_string(), value);
            }
        };
        put("q", query.q.as_ref().map(text));
        put(
            "status",
            (!query.status.is_empty())
                .then(|| Value::List(query.status.iter().map(ToString::to_string).collect())),
        );
        put("contact_email", query.contact_email.as_ref().map(text));
        put(
            "tags",
            (!query.tags.is_empty()).then(|| Value::List(query.tags.clone())),
        );
        put("code", query.code.as_ref().map(text));
        put("product_id", query.product_id.map(number));
        put("payment_method", query.payment_method.as_ref().map(text));
        put("created_on_gte", query.created_on_gte.as_ref().map(date));
        put("created_on_lte", query.created_on_lte.as_ref().map(date));
        put("updated_on_gte", query.updated_on_gte.as_ref().map(date));
        put("updated_on_lte", query.updated_on_lte.as_ref().map(date));
        put("total_gte", query.total_gte.map(number));
        put("total_lte", query.total_lte.map(number));
        put("sort", query.sort.map(|s| Value::String(s.to_string())));
        put("per_page", query.page_size.map(|n| number(n.into())));
        put("page", query.first_page.map(|n| number(n.into())));
        values
    }

    /// The first page's URL: the shop's `btc:orders` link from the API root, expanded with the query.
    async fn first_page_url(&self, shop_id: i64, query: &OrderQuery) -> Result<Url> {
        let root = self.api().get_root().await?;
        let shop = root
            .embedded
            .iter()
            .flat_map(|e| e.shops.iter())
            .find(|shop| shop.id.as_ref().is_some_and(|id| shop_id_is(id, shop_id)))
            .ok_or_else(|| {
                Error::new(ErrorKind::NotFound)
                    .with_provider(Provider::Bootic)
                    .with_operation(LIST_ORDERS)
                    .with_message(format!(
                        "the API root lists no shop {shop_id} for this token, so it has no orders link to follow"
                    ))
            })?;
        let link = shop
            .links
            .as_ref()
            .and_then(|links| links.btc_orders.as_ref());
        self.first_page(
            LIST_ORDERS,
            shop_id,
            "btc:orders",
            (link, " in the API root"),
            &Self::variables(query),
        )
    }
}

/// True when the shop id of the API root (a string in real answers, a number in some documents) is `id`.
fn shop_id_is(value: &types::ShopIdValue, id: i64) -> bool {
    value.as_i64() == Some(id)
}

impl types::ShopIdValue {
    /// The shop id as the number the order paths take: real answers send it as a string (`"47"`), some
    /// documents as a number; `None` when the string is not a number.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            types::ShopIdValue::String(text) => text.trim().parse().ok(),
            types::ShopIdValue::Int64(n) => Some(*n),
        }
    }
}
