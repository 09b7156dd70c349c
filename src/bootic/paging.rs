//! HAL paging shared by every listing (orders, products), as the official clients do it: the first page is a
//! link template the server advertises (RFC 6570), expanded with the caller's filters, so the filter names are
//! whatever the server declares; later pages follow the HAL `next` link of each page (`full_set` in the Ruby
//! client). A filter the template does not declare is refused before anything is sent (a filter the server
//! ignores would list everything).
//!
//! A link is followed only when it points to the client's own origin (scheme, host and port of the API root):
//! the request carries the access token, which must never go to a host a response names.

use std::collections::{BTreeMap, HashSet};

use futures::{
    StreamExt, TryStreamExt,
    future::BoxFuture,
    stream::{self, BoxStream},
};
use http::header::ACCEPT;
use serde::de::DeserializeOwned;
use url::Url;

use crate::{
    Provider,
    error::{Error, ErrorKind, Result},
};

use super::{
    Client, types,
    uri_template::{UriTemplate, Value},
};

/// A page of a HAL `results` entity.
pub(super) trait HalPage: DeserializeOwned + Send + 'static {
    /// The spec's schema name, for error messages.
    const SCHEMA: &'static str;
    /// The page number (from 1).
    fn page_number(&self) -> i32;
    /// The page's `self` link.
    fn self_link(&self) -> Option<&types::HalLink>;
    /// The page's `next` link (absent on the last page).
    fn next_link(&self) -> Option<&types::HalLink>;
    /// True when the page has no items (which ends the listing even with a `next` link).
    fn is_empty(&self) -> bool;
    /// What the page lists.
    type Item: Send + 'static;
    /// The page's items.
    fn into_items(self) -> Vec<Self::Item>;
}

/// [`HalPage`] for generated lists whose `_links` and `_embedded` are optional (products, contacts).
macro_rules! optional_hal_page {
    ($($list:ident => $item:ident),+ $(,)?) => {$(
        impl HalPage for types::$list {
            const SCHEMA: &'static str = stringify!($list);
            type Item = types::$item;
            fn page_number(&self) -> i32 {
                self.page
            }
            fn self_link(&self) -> Option<&types::HalLink> {
                self.links.as_ref()?.self_.as_ref()
            }
            fn next_link(&self) -> Option<&types::HalLink> {
                self.links.as_ref()?.next.as_ref()
            }
            fn is_empty(&self) -> bool {
                self.embedded.as_ref().is_none_or(|e| e.items.is_empty())
            }
            fn into_items(self) -> Vec<types::$item> {
                self.embedded.map(|e| e.items).unwrap_or_default()
            }
        }
    )+};
}

optional_hal_page!(ProductList => Product, ContactList => ContactSummary);

/// Where the next page comes from.
enum Cursor {
    First(BoxFuture<'static, Result<Url>>),
    Link(Url),
    /// The previous page's `next` link is refused: the error comes after that page's items.
    Refused(Error),
    Done,
}

impl Client {
    /// Every page from the URL `first` resolves to, following each page's `next` link until a page has none (or
    /// has no items). When a page's `next` link points to another origin than the client's API root, or back to
    /// a page already fetched, that page is still yielded, then the stream ends with an [`ErrorKind::Decode`]
    /// error and nothing more is sent. Each page goes through the runtime as `operation` (token, retries,
    /// tracing, error mapping).
    pub(super) fn follow_pages<P: HalPage + Send + 'static>(
        &self,
        operation: &'static str,
        first: BoxFuture<'static, Result<Url>>,
    ) -> BoxStream<'static, Result<P>> {
        let start = (Cursor::First(first), HashSet::<Url>::new());
        // The stream owns a clone of the client (cheap: shared connections), so it can move to another task.
        let client = self.clone();
        stream::try_unfold(start, move |(cursor, mut seen)| {
            let client = client.clone();
            async move {
                let this = &client;
                let url = match cursor {
                    Cursor::Done => return Ok(None),
                    Cursor::Refused(error) => return Err(error),
                    Cursor::First(first) => first.await?,
                    Cursor::Link(url) => url,
                };
                let page: P = this.get_linked(operation, P::SCHEMA, url.clone()).await?;
                seen.insert(url.clone());
                if let Some(own) = page.self_link().and_then(|own| resolve(&url, own)) {
                    seen.insert(own);
                }
                // An empty page ends the listing even with a `next` link: no endless walk over empty pages.
                let next = if page.is_empty() {
                    Ok(None)
                } else {
                    this.next_page_url(operation, &url, &page)
                };
                let cursor = match next {
                    Ok(Some(next)) if seen.contains(&next) => Cursor::Refused(refused(
                        operation,
                        format!(
                            "the next link of page {} points back to a page already fetched",
                            page.page_number()
                        ),
                    )),
                    Ok(Some(next)) => {
                        tracing::debug!(page = page.page_number(), "following the next link");
                        Cursor::Link(next)
                    }
                    Ok(None) => Cursor::Done,
                    Err(error) => Cursor::Refused(error),
                };
                Ok(Some((page, (cursor, seen))))
            }
        })
        .boxed()
    }

    /// The items of every page [`Client::follow_pages`] yields, in order.
    pub(super) fn follow_items<P: HalPage + Send + 'static>(
        &self,
        operation: &'static str,
        first: BoxFuture<'static, Result<Url>>,
    ) -> BoxStream<'static, Result<P::Item>>
    where
        P::Item: Send,
    {
        self.follow_pages::<P>(operation, first)
            .map_ok(|page| stream::iter(page.into_items().into_iter().map(Ok)))
            .try_flatten()
            .boxed()
    }

    /// The first page of a shop's listing: the shop's `rel` link (`link`; `None` when the shop has none, an
    /// error saying so, `found_in` naming where it was looked for), expanded with `values` and on the client's
    /// origin.
    pub(super) fn first_page(
        &self,
        operation: &'static str,
        shop_id: i64,
        rel: &str,
        (link, found_in): (Option<&types::HalLink>, &str),
        values: &BTreeMap<String, Value>,
    ) -> Result<Url> {
        let link = link.ok_or_else(|| {
            refused(
                operation,
                format!("shop {shop_id} has no {rel} link{found_in}"),
            )
        })?;
        let url = expand_link(operation, rel, &self.base, link, values)?;
        self.own_origin(operation, &format!("{rel} of shop {shop_id}"), url)
    }

    /// The first page of a listing the shop entity links to (`GET /shops/{id}`, then its `rel` link).
    pub(super) async fn shop_listing(
        &self,
        operation: &'static str,
        shop_id: i64,
        rel: &str,
        values: &BTreeMap<String, Value>,
        pick: fn(&types::ShopLinks) -> Option<&types::HalLink>,
    ) -> Result<Url> {
        let shop = self
            .get_shop(shop_id)
            .await
            .map_err(|e| e.with_operation(operation))?;
        let link = shop.links.as_ref().and_then(pick);
        self.first_page(operation, shop_id, rel, (link, ""), values)
    }

    /// The entity a link names (the link already checked to be on the client's origin), decoded as `schema`.
    pub(super) async fn get_linked<T: DeserializeOwned>(
        &self,
        operation: &'static str,
        schema: &str,
        url: Url,
    ) -> Result<T> {
        let request = self
            .runtime()
            .http()
            .get(url)
            .header(ACCEPT, "application/json")
            .build()
            .map_err(|e| {
                refused(operation, "cannot build the request for the linked entity")
                    .with_source(e.without_url())
            })?;
        self.runtime()
            .call_raw_json(operation, schema, request)
            .await
    }

    /// The page's `next` link as an absolute URL, if it has one; an error if it leaves the client's origin.
    fn next_page_url<P: HalPage>(
        &self,
        operation: &'static str,
        page_url: &Url,
        page: &P,
    ) -> Result<Option<Url>> {
        let Some(next) = page.next_link() else {
            return Ok(None);
        };
        let url = resolve(page_url, next).ok_or_else(|| {
            refused(
                operation,
                format!("the next link of page {} is not a URL", page.page_number()),
            )
        })?;
        if url.origin() != self.base.origin() {
            return Err(refused(
                operation,
                format!(
                    "the next link of page {} points to {}, not to the client's API root ({}); it was not \
                     followed, so the access token was not sent there",
                    page.page_number(),
                    url.origin().ascii_serialization(),
                    self.base.origin().ascii_serialization()
                ),
            ));
        }
        Ok(Some(url))
    }

    /// `url` when it is on the client's origin; otherwise an error saying the link `rel` was not followed.
    pub(super) fn own_origin(&self, operation: &'static str, rel: &str, url: Url) -> Result<Url> {
        if url.origin() == self.base.origin() {
            return Ok(url);
        }
        Err(refused(
            operation,
            format!(
                "the {rel} link points to {}, not to the client's API root; it was not followed, so the access \
                 token was not sent there",
                url.origin().ascii_serialization()
            ),
        ))
    }
}

/// The link `rel` expanded with `values`. A variable the link does not declare is an
/// [`ErrorKind::InvalidRequest`] error naming it; a link without a template (`templated` false and no `{`)
/// declares none.
pub(super) fn expand_link(
    operation: &'static str,
    rel: &str,
    root: &Url,
    link: &types::HalLink,
    values: &BTreeMap<String, Value>,
) -> Result<Url> {
    let templated = link.templated == Some(true) || link.href.contains('{');
    let template = if templated {
        UriTemplate::parse(&link.href).map_err(|e| {
            refused(
                operation,
                format!("the {rel} link is not a valid URI template: {e}"),
            )
        })?
    } else {
        UriTemplate::parse(&link.href.replace(['{', '}'], ""))
            .map_err(|e| refused(operation, format!("the {rel} link is not a URL: {e}")))?
    };
    let undeclared: Vec<&str> = values
        .keys()
        .map(String::as_str)
        .filter(|name| !template.declares(name))
        .collect();
    if !undeclared.is_empty() {
        return Err(Error::new(ErrorKind::InvalidRequest)
            .with_provider(Provider::Bootic)
            .with_operation(operation)
            .with_message(format!(
                "the server's {rel} link does not declare the filter(s) {}; nothing was sent (a filter the \
                 server ignores would list everything). It declares: {}",
                undeclared.join(", "),
                template.variables().collect::<Vec<_>>().join(", ")
            )));
    }
    root.join(&template.expand(values)).map_err(|e| {
        refused(
            operation,
            format!("the expanded {rel} link is not a URL: {e}"),
        )
    })
}

/// A link's target resolved against the URL of the page it came from (RFC 3986). A templated link is expanded
/// with no variables (RFC 6570: undefined variables expand to nothing).
pub(super) fn resolve(page_url: &Url, link: &types::HalLink) -> Option<Url> {
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
pub(super) fn refused(operation: &'static str, message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Decode)
        .with_provider(Provider::Bootic)
        .with_operation(operation)
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

    #[test]
    fn a_continuation_template_expands_after_its_fixed_query() {
        let root = Url::parse("https://api.bootic.net/v1").unwrap();
        let products = link(
            "https://api.bootic.net/v1/products?shop_ids=47{&q,page,per_page}",
            true,
        );
        let mut values = BTreeMap::new();
        values.insert("per_page".to_string(), Value::String("2".into()));
        assert_eq!(
            expand_link("listProducts", "btc:products", &root, &products, &values)
                .unwrap()
                .as_str(),
            "https://api.bootic.net/v1/products?shop_ids=47&per_page=2"
        );
        values.insert("color".to_string(), Value::String("red".into()));
        let error =
            expand_link("listProducts", "btc:products", &root, &products, &values).unwrap_err();
        assert_eq!(error.kind(), ErrorKind::InvalidRequest);
    }
}
