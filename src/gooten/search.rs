//! Order search as a `Stream`, following `Page`/`TotalPages`.

use chrono::NaiveDate;
use futures::{
    StreamExt, TryStreamExt,
    stream::{self, BoxStream},
};

use crate::error::Result;

use super::{Client, paging, types};

/// Filters for [`Client::search_orders`]. All are optional; `set_x` sets an API field, `with_page_size` a
/// request option.
///
/// ```
/// use fulfillment_apis::gooten::OrderQuery;
///
/// let query = OrderQuery::new().set_email("john.doe@example.com").with_page_size(50);
/// # let _ = query;
/// ```
#[derive(Clone, Debug, Default)]
#[must_use]
pub struct OrderQuery {
    generic_values: Option<String>,
    last_name: Option<String>,
    email: Option<String>,
    postal_code: Option<String>,
    start_date: Option<NaiveDate>,
    end_date: Option<NaiveDate>,
    unique_user_id: Option<String>,
    page_size: Option<i32>,
    first_page: i32,
}

impl OrderQuery {
    /// A query matching every order.
    pub fn new() -> Self {
        OrderQuery {
            first_page: 1,
            ..Default::default()
        }
    }
    crate::setters::optional_setters! {
        /// Any value related to the orders (partner name, address, phone, ...).
        set_generic_values => generic_values: impl Into<String>;
        /// The last name given in the order.
        set_last_name => last_name: impl Into<String>;
        /// The email given in the order.
        set_email => email: impl Into<String>;
        /// The postal code given in the order.
        set_postal_code => postal_code: impl Into<String>;
        /// Orders created on or after this date.
        set_start_date => start_date: NaiveDate;
        /// Orders created on or before this date.
        set_end_date => end_date: NaiveDate;
        /// Your user id.
        set_unique_user_id => unique_user_id: impl Into<String>;
    }
    /// Orders per page (Gooten's default when unset); values below 1 are raised to 1.
    pub fn with_page_size(mut self, size: i32) -> Self {
        self.page_size = Some(size.max(1));
        self
    }
    /// The first page to fetch (1 by default).
    pub fn with_first_page(mut self, page: i32) -> Self {
        self.first_page = page.max(1);
        self
    }
}

/// One page of search results.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct OrderPage {
    /// The page number (from 1).
    pub page: i32,
    /// How many pages the search has, as Gooten reported with this page.
    pub total_pages: i32,
    /// The orders on this page.
    pub orders: Vec<types::OrderDetails>,
}

impl Client {
    /// Every page of an order search, in order, until `TotalPages` (or an empty page). Needs the billing key.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: fulfillment_apis::gooten::Client) -> fulfillment_apis::Result<()> {
    /// let query = fulfillment_apis::gooten::OrderQuery::new().with_page_size(100);
    /// let pages: Vec<_> = client.search_order_pages(query).try_collect().await?;
    /// # Ok(()) }
    /// ```
    pub fn search_order_pages(&self, query: OrderQuery) -> BoxStream<'static, Result<OrderPage>> {
        let first = query.first_page;
        // The stream owns a clone of the client (cheap: shared connections), so it can move to another task.
        let client = self.clone();
        paging::pages(first, move |page| {
            let query = query.clone();
            let client = client.clone();
            async move {
                let answer = client.fetch_page(&query, page).await?;
                Ok((answer.orders, answer.total_pages))
            }
        })
        .map_ok(|page| OrderPage {
            page: page.page,
            total_pages: page.page_count,
            orders: page.items,
        })
        .boxed()
    }

    /// Every order matching `query`, across pages. Needs the billing key.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: fulfillment_apis::gooten::Client) -> fulfillment_apis::Result<()> {
    /// let query = fulfillment_apis::gooten::OrderQuery::new().set_last_name("Doe");
    /// let mut orders = client.search_orders(query);
    /// while let Some(order) = orders.try_next().await? {
    ///     println!("{:?}", order.id);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn search_orders(
        &self,
        query: OrderQuery,
    ) -> BoxStream<'static, Result<types::OrderDetails>> {
        self.search_order_pages(query)
            .map_ok(|page| stream::iter(page.orders.into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    async fn fetch_page(
        &self,
        query: &OrderQuery,
        page: i32,
    ) -> Result<types::OrderSearchResponse> {
        let mut call = self.api().search_orders().page(page);
        if let Some(v) = &query.generic_values {
            call = call.generic_values(v.clone());
        }
        if let Some(v) = &query.last_name {
            call = call.last_name(v.clone());
        }
        if let Some(v) = &query.email {
            call = call.email(v.clone());
        }
        if let Some(v) = &query.postal_code {
            call = call.postal_code(v.clone());
        }
        if let Some(v) = query.start_date {
            call = call.start_date(v);
        }
        if let Some(v) = query.end_date {
            call = call.end_date(v);
        }
        if let Some(v) = &query.unique_user_id {
            call = call.unique_user_id(v.clone());
        }
        if let Some(v) = query.page_size {
            call = call.page_size(v);
        }
        call.await
    }
}
