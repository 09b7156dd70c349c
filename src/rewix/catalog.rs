//! The catalog export as a shop uses it: a [`Stream`] of products, and an incremental [`Client::sync`] that
//! returns what changed since the last watermark, falling back to a full export when Rewix refuses a `since`
//! that is too old (HTTP 412, "Incremental validity failed").

use std::fmt;

use futures::{Stream, stream};

use crate::error::Result;

use super::{Client, WireFormat, types};

/// What to export: the locales of the texts (`acceptedlocales`, required) and the tag filters.
///
/// ```
/// use fulfillment_apis::rewix::CatalogQuery;
/// let query = CatalogQuery::new("en_US,it_IT").set_category("shoes").set_gender("women");
/// assert_eq!(query.locales(), "en_US,it_IT");
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[must_use]
pub struct CatalogQuery {
    locales: String,
    brand: Option<String>,
    category: Option<String>,
    subcategory: Option<String>,
    season: Option<String>,
    gender: Option<String>,
    page_size: Option<i32>,
}

impl CatalogQuery {
    /// The export in these comma-separated locales (`en_US` or `it_IT,en_US`; see `exportLocales`).
    pub fn new(locales: impl Into<String>) -> Self {
        CatalogQuery {
            locales: locales.into(),
            brand: None,
            category: None,
            subcategory: None,
            season: None,
            gender: None,
            page_size: None,
        }
    }
    /// The locales asked for.
    pub fn locales(&self) -> &str {
        &self.locales
    }
    crate::setters::optional_setters! {
        /// Only this brand (`tag_1`).
        set_brand => brand: impl Into<String>;
        /// Only this category (`tag_4`: `clothing`, `accessories`, `bags`, `cosmetics`, `underwear`, `shoes`).
        set_category => category: impl Into<String>;
        /// Only this subcategory (`tag_5`).
        set_subcategory => subcategory: impl Into<String>;
        /// Only this season (`tag_11`: `fw`, `ss`, `all-year`).
        set_season => season: impl Into<String>;
        /// Only this gender (`tag_26`: `kids`, `women`, `unisex`, `men`).
        set_gender => gender: impl Into<String>;
        /// Products per page, for deployments that page (Bdroppy); Rewix answers one page whatever this says.
        set_page_size => page_size: i32;
    }

    /// The query parameters, in the order public clients send them.
    pub(super) fn parameters(
        &self,
        since: Option<&Watermark>,
        page: Option<i32>,
    ) -> Vec<(&'static str, String)> {
        let mut out = vec![
            ("v", "TEAL".to_string()),
            ("acceptedlocales", self.locales.clone()),
        ];
        let optional = [
            ("since", since.map(|w| w.0.clone())),
            ("tag_1", self.brand.clone()),
            ("tag_4", self.category.clone()),
            ("tag_5", self.subcategory.clone()),
            ("tag_11", self.season.clone()),
            ("tag_26", self.gender.clone()),
            ("page", page.map(|p| p.to_string())),
            ("pageSize", self.page_size.map(|p| p.to_string())),
        ];
        out.extend(optional.into_iter().filter_map(|(k, v)| v.map(|v| (k, v))));
        out
    }
}

/// Where the last sync stopped: the `lastUpdate` of its export, to send as `since` next time. Store it as text
/// ([`Watermark::as_str`], [`Watermark::new`]) between runs.
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Watermark(String);

impl Watermark {
    /// A watermark stored earlier (an ISO 8601 instant, as Rewix writes `lastUpdate`).
    pub fn new(value: impl Into<String>) -> Self {
        Watermark(value.into())
    }
    /// The watermark as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Watermark {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The result of [`Client::sync`].
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub struct CatalogSync {
    /// The products changed since the watermark (every product after a full export), with their models'
    /// current availability.
    pub products: Vec<types::Product>,
    /// The watermark to give the next sync.
    pub watermark: Watermark,
    /// Whether this was a full export (no watermark given, or Rewix refused it as too old).
    pub full: bool,
}

impl types::ProductPage {
    /// The products of the page, whichever key carried them (`pageItems` in TEAL JSON, `items` in XML and the
    /// Bdroppy deployment).
    pub fn products(&self) -> impl Iterator<Item = &types::Product> {
        self.page_items.iter().chain(self.items.iter())
    }

    /// The products of the page, owned.
    pub fn into_products(self) -> Vec<types::Product> {
        let mut products = self.page_items;
        products.extend(self.items);
        products
    }
}

impl Client {
    /// One export call: every product, or those changed after `since`, in the client's wire format
    /// (`exportProducts`, `products.json`, with [`WireFormat::Json`]; `exportProductsXml`, `products.xml`, read
    /// through [`XmlDocument`](super::XmlDocument), with [`WireFormat::Xml`]). `page` is for deployments that
    /// page (Rewix has one page).
    pub async fn export_products(
        &self,
        query: &CatalogQuery,
        since: Option<&Watermark>,
        page: Option<i32>,
    ) -> Result<types::ProductPage> {
        if self.wire == WireFormat::Xml {
            // `products.xml`, the form every public client reads (the products come in `items`).
            return self
                .export_products_xml(&query.parameters(since, page))
                .await;
        }
        let mut call = self
            .api()
            .export_products()
            .v(types::ExportProductsV::Teal)
            .acceptedlocales(query.locales.clone());
        if let Some(since) = since {
            call = call.since(since.0.clone());
        }
        if let Some(value) = &query.brand {
            call = call.tag_1(value.clone());
        }
        if let Some(value) = &query.category {
            call = call.tag_4(value.clone());
        }
        if let Some(value) = &query.subcategory {
            call = call.tag_5(value.clone());
        }
        if let Some(value) = &query.season {
            call = call.tag_11(value.clone());
        }
        if let Some(value) = &query.gender {
            call = call.tag_26(value.clone());
        }
        if let Some(page) = page {
            call = call.page(page);
        }
        if let Some(size) = query.page_size {
            call = call.page_size(size);
        }
        call.await
    }

    /// Every product of the catalog, page after page (Rewix answers one page; paging deployments several).
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::rewix::Client) -> fulfillment_apis::Result<()> {
    /// use futures::StreamExt;
    /// use fulfillment_apis::rewix::CatalogQuery;
    /// let query = CatalogQuery::new("en_US");
    /// let mut products = std::pin::pin!(client.products(&query));
    /// while let Some(product) = products.next().await {
    ///     let product = product?;
    ///     for model in &product.models {
    ///         println!("stock_id {} available {:?}", model.id, model.availability);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub fn products(
        &self,
        query: &CatalogQuery,
    ) -> impl Stream<Item = Result<types::Product>> + Send + 'static {
        // The stream owns a clone of the client (cheap: shared connections) and of the query, so it can move to
        // another task. State: the next page to fetch (None once the last page was read).
        let client = self.clone();
        let query = query.clone();
        let pages = stream::try_unfold(Some(1), move |next| {
            let client = client.clone();
            let query = query.clone();
            async move {
                let Some(page) = next else {
                    return Ok::<_, crate::Error>(None);
                };
                let paged = query.page_size.is_some();
                let answer = client
                    .export_products(&query, None, paged.then_some(page))
                    .await?;
                let more = paged && answer.total_pages.is_some_and(|total| page < total);
                let products = answer.into_products();
                let next = (more && !products.is_empty()).then_some(page + 1);
                let items = stream::iter(products.into_iter().map(Ok::<_, crate::Error>));
                Ok(Some((items, next)))
            }
        });
        futures::TryStreamExt::try_flatten(pages)
    }

    /// An incremental sync: the products changed since `watermark` (all of them when `None`), and the watermark
    /// for the next call. When Rewix refuses the watermark as too old (HTTP 412), the whole catalog is exported
    /// instead and [`CatalogSync::full`] is set. Poll it every few minutes.
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::rewix::Client) -> fulfillment_apis::Result<()> {
    /// use fulfillment_apis::rewix::{CatalogQuery, Watermark};
    /// let query = CatalogQuery::new("en_US");
    /// let first = client.sync(&query, None).await?;
    /// // ... a few minutes later:
    /// let next = client.sync(&query, Some(&first.watermark)).await?;
    /// println!("{} products changed", next.products.len());
    /// # Ok(()) }
    /// ```
    pub async fn sync(
        &self,
        query: &CatalogQuery,
        watermark: Option<&Watermark>,
    ) -> Result<CatalogSync> {
        let started = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, false);
        let (page, full) = match watermark {
            None => (self.export_products(query, None, None).await?, true),
            Some(since) => match self.export_products(query, Some(since), None).await {
                Ok(page) => (page, false),
                Err(err) if err.status().is_some_and(|s| s.as_u16() == 412) => {
                    (self.export_products(query, None, None).await?, true)
                }
                Err(err) => return Err(err),
            },
        };
        // The server's `lastUpdate` is the watermark; without one, the instant the call started (nothing that
        // changed after it can be missed).
        let watermark = Watermark(page.last_update.clone().unwrap_or(started));
        Ok(CatalogSync {
            products: page.into_products(),
            watermark,
            full,
        })
    }
}
