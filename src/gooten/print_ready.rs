//! The print-ready (PRP) catalog as `Stream`s: `listPrintReadyProducts` and `listPrintReadyVariants`, page by
//! page from 1 until `PageCount` (the paging of order search, [`super::paging`]).

use futures::stream::BoxStream;

use crate::error::Result;

use super::{Client, paging, types};

impl Client {
    /// Every print-ready product of your recipe, across pages. An answer with `HadError: true` (even with HTTP
    /// 200) ends the stream with the error.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: fulfillment_apis::gooten::Client) -> fulfillment_apis::Result<()> {
    /// let products: Vec<_> = client.print_ready_products().try_collect().await?;
    /// for product in &products {
    ///     println!("{:?}: {:?} variants", product.product_name, product.number_of_variants);
    /// }
    /// # Ok(()) }
    /// ```
    pub fn print_ready_products(&self) -> BoxStream<'static, Result<types::PrintReadyProduct>> {
        // The stream owns a clone of the client, so it can move to another task.
        let client = self.clone();
        paging::items(1, move |page| {
            let client = client.clone();
            async move {
                let answer = client.api().list_print_ready_products().page(page).await?;
                Ok((answer.products, answer.page_count))
            }
        })
    }

    /// Every variant (SKU) of the print-ready product `product_name` (its `ProductName`), or of every product
    /// with `None`, across pages. The SKUs can be ordered, priced and shipped like catalog SKUs.
    ///
    /// ```no_run
    /// use futures::TryStreamExt;
    /// # async fn run(client: fulfillment_apis::gooten::Client) -> fulfillment_apis::Result<()> {
    /// let skus: Vec<_> = client
    ///     .print_ready_variants(Some("000-AKOO"))
    ///     .map_ok(|variant| variant.sku)
    ///     .try_collect()
    ///     .await?;
    /// # let _ = skus;
    /// # Ok(()) }
    /// ```
    pub fn print_ready_variants(
        &self,
        product_name: Option<&str>,
    ) -> BoxStream<'static, Result<types::PrintReadyVariant>> {
        let product_name = product_name.map(str::to_owned);
        let client = self.clone();
        paging::items(1, move |page| {
            let product_name = product_name.clone();
            let client = client.clone();
            async move {
                let mut call = client.api().list_print_ready_variants().page(page);
                if let Some(name) = product_name {
                    call = call.product_name(name);
                }
                let answer = call.await?;
                Ok((answer.variants, answer.page_count))
            }
        })
    }
}
