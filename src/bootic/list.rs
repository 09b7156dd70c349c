//! Order listing as a `Stream`, as the official clients do it: the first page is the shop's own `btc:orders`
//! link template (RFC 6570) from the API root, expanded with the query, so the filter names are whatever the
//! server advertises; later pages follow the HAL `next` link of each page (`full_set` in the Ruby client).
//! A filter the template does not declare is refused before anything is sent (a filter the server ignores
//! would list every order).
//!
//! A `next` link is followed only when it points to the client's own origin (scheme, host and port of the API
//! root): the request carries the access token, which must never go to a host a response names.

use std::collections::{BTreeMap, HashSet};

use bytes::Bytes;
use chrono::NaiveDate;
use futures::{
    StreamExt, TryStreamExt,
    stream::{self, BoxStream},
};
use http::header::ACCEPT;
use url::Url;

use crate::{
    Execute, Provider,
    error::{Error, ErrorKind, Result},
};

use super::{
    Client, types,
    uri_template::{UriTemplate, Value},
};

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
    /// Full-text search.
    pub fn set_q(mut self, value: impl Into<String>) -> Self {
        self.q = Some(value.into());
        self
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
    /// Only orders of the contact with this email (`contact_email`; only where the server's template declares
    /// it).
    pub fn set_contact_email(mut self, value: impl Into<String>) -> Self {
        self.contact_email = Some(value.into());
        self
    }
    /// Only orders with these tags (`tags`, comma-separated; only where the server's template declares it).
    pub fn set_tags<S: Into<String>>(mut self, values: impl IntoIterator<Item = S>) -> Self {
        self.tags = values.into_iter().map(Into::into).collect();
        self
    }
    /// Only the order with this code.
    pub fn set_code(mut self, value: impl Into<String>) -> Self {
        self.code = Some(value.into());
        self
    }
    /// Only orders containing this product.
    pub fn set_product_id(mut self, value: i64) -> Self {
        self.product_id = Some(value);
        self
    }
    /// Only orders paid with this payment method type (`webpay`, `paypal`, `custom`, ...).
    pub fn set_payment_method(mut self, value: impl Into<String>) -> Self {
        self.payment_method = Some(value.into());
        self
    }
    /// Orders created on or after this date.
    pub fn set_created_on_gte(mut self, value: NaiveDate) -> Self {
        self.created_on_gte = Some(value);
        self
    }
    /// Orders created on or before this date.
    pub fn set_created_on_lte(mut self, value: NaiveDate) -> Self {
        self.created_on_lte = Some(value);
        self
    }
    /// Orders updated on or after this date.
    pub fn set_updated_on_gte(mut self, value: NaiveDate) -> Self {
        self.updated_on_gte = Some(value);
        self
    }
    /// Orders updated on or before this date.
    pub fn set_updated_on_lte(mut self, value: NaiveDate) -> Self {
        self.updated_on_lte = Some(value);
        self
    }
    /// Orders whose `total` is at least this amount, in minor units.
    pub fn set_total_gte(mut self, value: i64) -> Self {
        self.total_gte = Some(value);
        self
    }
    /// Orders whose `total` is at most this amount, in minor units.
    pub fn set_total_lte(mut self, value: i64) -> Self {
        self.total_lte = Some(value);
        self
    }
    /// The order of the results (Bootic's default: newest first).
    pub fn set_sort(mut self, value: types::OrderSort) -> Self {
        self.sort = Some(value);
        self
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
#[derive(Clone, Debug)]
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

/// Where the next page comes from.
enum Cursor {
    First,
    Link(Url),
    /// The previous page's `next` link is refused: the error comes after that page's orders.
    Refused(Error),
    Done,
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
    ) -> BoxStream<'_, Result<OrderPage>> {
        let start = (Cursor::First, HashSet::<Url>::new());
        stream::try_unfold(start, move |(cursor, mut seen)| {
            let query = query.clone();
            async move {
                let (list, url) = match cursor {
                    Cursor::Done => return Ok(None),
                    Cursor::Refused(error) => return Err(error),
                    Cursor::First => self.first_page(shop_id, &query).await?,
                    Cursor::Link(url) => (self.linked_page(url.clone()).await?, url),
                };
                seen.insert(url.clone());
                if let Some(own) = list.links.self_.as_ref().and_then(|own| resolve(&url, own)) {
                    seen.insert(own);
                }
                // An empty page ends the listing even with a `next` link: no endless walk over empty pages.
                let next = if list.embedded.items.is_empty() {
                    Ok(None)
                } else {
                    self.next_link(&url, &list)
                };
                let cursor = match next {
                    Ok(Some(next)) if seen.contains(&next) => Cursor::Refused(refused(format!(
                        "the next link of page {} points back to a page already fetched",
                        list.page
                    ))),
                    Ok(Some(next)) => {
                        tracing::debug!(page = list.page, "following the next link");
                        Cursor::Link(next)
                    }
                    Ok(None) => Cursor::Done,
                    Err(error) => Cursor::Refused(error),
                };
                Ok(Some((OrderPage::from(list), (cursor, seen))))
            }
        })
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
    ) -> BoxStream<'_, Result<types::Order>> {
        self.list_order_pages(shop_id, query)
            .map_ok(|page| stream::iter(page.orders.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
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

    /// The first page: the shop's `btc:orders` link from the API root, expanded with the query.
    async fn first_page(
        &self,
        shop_id: i64,
        query: &OrderQuery,
    ) -> Result<(types::OrderList, Url)> {
        let root = self.api().get_root().execute().await?;
        let root_url = self.base.clone();
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
            .and_then(|links| links.btc_orders.as_ref())
            .ok_or_else(|| {
                refused(format!(
                    "shop {shop_id} has no btc:orders link in the API root"
                ))
            })?;
        let url = orders_link(&root_url, link, &Self::variables(query))?;
        if url.origin() != self.base.origin() {
            return Err(refused(format!(
                "the btc:orders link of shop {shop_id} points to {}, not to the client's API root; it was not \
                 followed, so the access token was not sent there",
                url.origin().ascii_serialization()
            )));
        }
        Ok((self.linked_page(url.clone()).await?, url))
    }

    /// A page named by a `next` link (already checked to be on the client's origin), through the same
    /// runtime: token, retries, tracing and error mapping as the generated operation.
    async fn linked_page(&self, url: Url) -> Result<types::OrderList> {
        let request = self
            .runtime()
            .http()
            .get(url)
            .header(ACCEPT, "application/json")
            .build()
            .map_err(|e| {
                refused("cannot build the request for the next page").with_source(e.without_url())
            })?;
        let (status, body) = self.runtime().call_raw(LIST_ORDERS, request).await?;
        serde_json::from_slice(&body).map_err(|e| {
            Error::new(ErrorKind::Decode)
                .with_provider(Provider::Bootic)
                .with_operation(LIST_ORDERS)
                .with_status(status)
                .with_message(format!("the answer does not match OrderList: {e}"))
                .with_body(Bytes::clone(&body))
                .with_source(e)
        })
    }

    /// The page's `next` link as an absolute URL, if it has one; an error if it leaves the client's origin.
    fn next_link(&self, page_url: &Url, list: &types::OrderList) -> Result<Option<Url>> {
        let Some(next) = &list.links.next else {
            return Ok(None);
        };
        let url = resolve(page_url, next)
            .ok_or_else(|| refused(format!("the next link of page {} is not a URL", list.page)))?;
        if url.origin() != self.base.origin() {
            return Err(refused(format!(
                "the next link of page {} points to {}, not to the client's API root ({}); it was not followed, \
                 so the access token was not sent there",
                list.page,
                url.origin().ascii_serialization(),
                self.base.origin().ascii_serialization()
            )));
        }
        Ok(Some(url))
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

/// The `btc:orders` link expanded with `values`. A variable the link does not declare is an
/// [`ErrorKind::InvalidRequest`] error naming it; a link without a template (`templated` false and no `{`)
/// declares none.
fn orders_link(root: &Url, link: &types::HalLink, values: &BTreeMap<String, Value>) -> Result<Url> {
    let templated = link.templated == Some(true) || link.href.contains('{');
    let template = if templated {
        UriTemplate::parse(&link.href).map_err(|e| {
            refused(format!(
                "the btc:orders link is not a valid URI template: {e}"
            ))
        })?
    } else {
        UriTemplate::parse(&link.href.replace(['{', '}'], ""))
            .map_err(|e| refused(format!("the btc:orders link is not a URL: {e}")))?
    };
    let undeclared: Vec<&str> = values
        .keys()
        .map(String::as_str)
        .filter(|name| !template.declares(name))
        .collect();
    if !undeclared.is_empty() {
        return Err(Error::new(ErrorKind::InvalidRequest)
            .with_provider(Provider::Bootic)
            .with_operation(LIST_ORDERS)
            .with_message(format!(
                "the server's btc:orders link does not declare the filter(s) {}; nothing was sent (a filter the \
                 server ignores would list every order). It declares: {}",
                undeclared.join(", "),
                template.variables().collect::<Vec<_>>().join(", ")
            )));
    }
    root.join(&template.expand(values))
        .map_err(|e| refused(format!("the expanded btc:orders link is not a URL: {e}")))
}

/// A link's target resolved against the URL of the page it came from (RFC 3986). A templated link is expanded
/// with no variables (RFC 6570: undefined variables expand to nothing).
fn resolve(page_url: &Url, link: &types::HalLink) -> Option<Url> {
    let href = if link.templated == Some(true) {
        strip_template(&link.href)
    } else {
        link.href.clone()
    };
    page_url.join(&href).ok()
}

fn strip_template(href: &str) -> String {
    let mut out = String::with_capacity(href.len());
    let mut depth = 0usize;
    for c in href.chars() {
        match c {
            '{' => depth += 1,
            '}' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

/// A link the client will not follow: the provider's answer is not what the API promises.
fn refused(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Decode)
        .with_provider(Provider::Bootic)
        .with_operation(LIST_ORDERS)
        .with_message(message)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(href: &str, templated: bool) -> types::HalLink {
        serde_json::from_value(serde_json::json!({"href": href, "templated": templated})).unwrap()
    }

    #[test]
    fn links_resolve_against_the_page_and_templates_expand_empty() {
        let page = Url::parse("https://api.bootic.net/v1/shops/1/orders?page=1").unwrap();
        assert_eq!(
            resolve(&page, &link("?page=2", false)).unwrap().as_str(),
            "https://api.bootic.net/v1/shops/1/orders?page=2"
        );
        assert_eq!(
            resolve(&page, &link("/v1/shops/1/orders?page=3", false))
                .unwrap()
                .as_str(),
            "https://api.bootic.net/v1/shops/1/orders?page=3"
        );
        assert_eq!(
            resolve(
                &page,
                &link(
                    "https://api.bootic.net/v1/shops/1/orders{?page,per_page}",
                    true
                )
            )
            .unwrap()
            .as_str(),
            "https://api.bootic.net/v1/shops/1/orders"
        );
        assert_eq!(
            resolve(&page, &link("//evil.example/steal", false))
                .unwrap()
                .origin(),
            Url::parse("https://evil.example").unwrap().origin()
        );
    }
}
