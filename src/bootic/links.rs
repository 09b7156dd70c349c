//! The HAL links of an entity, followed in a typed way where the official clients follow them: an order line's
//! product (`btc:product`, whose variants are the ids orders take), a product's own detail (`self`), a listing's
//! shop (`btc:shop`) and a listing's next page (`next`; the Ruby client's `full_set`, the JS client's
//! `nextPage()`).
//!
//! A link is followed only when it points to the client's own origin (scheme, host and port of the API root): the
//! request carries the access token, which must never go to a host an answer names. A link to anywhere else is
//! refused with an [`ErrorKind::Decode`](crate::ErrorKind::Decode) error and nothing is sent.

use std::marker::PhantomData;

use serde::de::DeserializeOwned;

use crate::error::Result;

use super::{
    Client,
    paging::{refused, resolve},
    types,
};

/// A link relation from an entity of type `From` to what it names, of type `To`: the link's name, how to find it
/// on the entity, and the operation whose auth, retries and error mapping the request gets. The relations are
/// the constants of [`rel`].
pub struct Rel<From, To> {
    name: &'static str,
    operation: &'static str,
    schema: &'static str,
    pick: fn(&From) -> Option<&types::HalLink>,
    to: PhantomData<fn() -> To>,
}

impl<From, To> Rel<From, To> {
    /// The relation's name (`btc:product`, `next`, ...).
    pub fn name(&self) -> &'static str {
        self.name
    }
}

impl<From, To> Clone for Rel<From, To> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<From, To> Copy for Rel<From, To> {}

impl<From, To> std::fmt::Debug for Rel<From, To> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Rel").field("name", &self.name).finish()
    }
}

/// The relations [`Client::follow`] follows.
pub mod rel {
    use super::{PhantomData, Rel, types};

    /// An order line's product (`btc:product`), with its variants.
    pub const LINE_ITEM_PRODUCT: Rel<types::LineItem, types::Product> = Rel {
        name: "btc:product",
        operation: "getProduct",
        schema: "Product",
        pick: |item| {
            let links = item.links.as_ref()?;
            links.btc_product.as_ref().or(links.product.as_ref())
        },
        to: PhantomData,
    };

    /// A product's own detail (`self`): the full product with its description and variants, as the JS client's
    /// products example fetches it from a listing's summary.
    pub const PRODUCT_SELF: Rel<types::Product, types::Product> = Rel {
        name: "self",
        operation: "getProduct",
        schema: "Product",
        pick: |product| product.links.as_ref()?.self_.as_ref(),
        to: PhantomData,
    };

    /// The shop of an order listing (`btc:shop`).
    pub const ORDERS_SHOP: Rel<types::OrderList, types::Shop> = Rel {
        name: "btc:shop",
        operation: "getShop",
        schema: "Shop",
        pick: |page| page.links.btc_shop.as_ref(),
        to: PhantomData,
    };

    /// The next page of an order listing (`next`; absent on the last page).
    pub const ORDERS_NEXT: Rel<types::OrderList, types::OrderList> = Rel {
        name: "next",
        operation: "listOrders",
        schema: "OrderList",
        pick: |page| page.links.next.as_ref(),
        to: PhantomData,
    };

    /// The next page of a product listing (`next`; absent on the last page).
    pub const PRODUCTS_NEXT: Rel<types::ProductList, types::ProductList> = Rel {
        name: "next",
        operation: "listProducts",
        schema: "ProductList",
        pick: |page| page.links.as_ref()?.next.as_ref(),
        to: PhantomData,
    };

    /// The next page of a contact listing (`next`; absent on the last page).
    pub const CONTACTS_NEXT: Rel<types::ContactList, types::ContactList> = Rel {
        name: "next",
        operation: "listContacts",
        schema: "ContactList",
        pick: |page| page.links.as_ref()?.next.as_ref(),
        to: PhantomData,
    };
}

impl Client {
    /// Follows the link `rel` of `from`: `Ok(None)` when `from` has no such link (the last page has no `next`),
    /// the entity it names otherwise. The request gets the access token, retries and error mapping of
    /// `rel`'s operation. A link to another origin than the client's API root is refused with an
    /// [`ErrorKind::Decode`](crate::ErrorKind::Decode) error, and nothing is sent.
    ///
    /// ```no_run
    /// use fulfillment_apis::bootic::rel;
    /// # async fn run(client: fulfillment_apis::bootic::Client) -> fulfillment_apis::Result<()> {
    /// let order = client.get_order(29, "TCB3132").await?;
    /// for item in order.embedded.iter().flat_map(|e| &e.line_items) {
    ///     if let Some(product) = client.follow(item, rel::LINE_ITEM_PRODUCT).await? {
    ///         println!("{:?}", product.title);
    ///     }
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn follow<From, To: DeserializeOwned>(
        &self,
        from: &From,
        rel: Rel<From, To>,
    ) -> Result<Option<To>> {
        let Some(link) = (rel.pick)(from) else {
            return Ok(None);
        };
        let url = resolve(&self.base, link)
            .ok_or_else(|| refused(rel.operation, format!("the {} link is not a URL", rel.name)))?;
        let url = self.own_origin(rel.operation, rel.name, url)?;
        self.get_linked(rel.operation, rel.schema, url)
            .await
            .map(Some)
    }
}
