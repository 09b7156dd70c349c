//! Artwork after the catalog: checking image sizes against a SKU's print spaces (`validateImages`), giving items
//! held for personalization their artwork (`customizeOrder`), and the images stored in your account
//! (`listImages`, whose ids embroidery orders use).

use crate::{
    Provider,
    error::{Error, Result},
};

use super::{Client, types};

impl Client {
    /// The issues of images of these pixel sizes for the print spaces of `sku` (space ids from
    /// `get_product_templates`): one per image that does not fit, none when every image can be printed. A check
    /// that stores nothing, retried like a read.
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::gooten::Client) -> fulfillment_apis::Result<()> {
    /// use fulfillment_apis::gooten::types::ImageSize;
    /// let image = ImageSize { space_id: "5E2F8C1A".into(), width: 1200, height: 1200 };
    /// for issue in client.validate_images("CanvsWrp-BlkWrp-12x12", [image]).await? {
    ///     println!("{:?}: {:?}", issue.property_name, issue.error_message);
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn validate_images(
        &self,
        sku: &str,
        images: impl IntoIterator<Item = types::ImageSize>,
    ) -> Result<Vec<types::ValidationFailure>> {
        let images: Vec<_> = images.into_iter().collect();
        if sku.trim().is_empty() || images.is_empty() {
            return Err(invalid(
                "validateImages",
                "a SKU and at least one image are needed",
            ));
        }
        let answer = self
            .api()
            .validate_images()
            .body(types::ImageValidationRequest {
                sku: sku.to_string(),
                images,
            })
            .await?;
        Ok(answer.issues)
    }

    /// Gives items of the order with this Safe Id that are in the NeedsPersonalization status their artwork, and
    /// sends them on to production (Gooten charges your billing method). Needs the partner billing key. Items in
    /// any other status are refused with Gooten's error envelope, an [`ErrorKind::Validation`](crate::ErrorKind).
    ///
    /// ```no_run
    /// # async fn run(client: fulfillment_apis::gooten::Client) -> fulfillment_apis::Result<()> {
    /// use fulfillment_apis::gooten::types::OrderCustomizationItem;
    /// let safe_id = "115557-b5c97bb2-934d-48aa-9ad2-a565154b5cd4";
    /// let order = client.get_order(safe_id).await?;
    /// let artwork = serde_json::from_value(serde_json::json!([{"Url": "https://example.com/anna.jpg"}]))
    ///     .expect("images");
    /// let item = OrderCustomizationItem {
    ///     order_item_id: order.items[0].order_item_id.expect("OrderItemId"),
    ///     images: artwork,
    /// };
    /// client.customize_order(safe_id, [item]).await?;
    /// # Ok(()) }
    /// ```
    pub async fn customize_order(
        &self,
        safe_id: &str,
        items: impl IntoIterator<Item = types::OrderCustomizationItem>,
    ) -> Result<()> {
        let items: Vec<_> = items.into_iter().collect();
        if safe_id.trim().is_empty() {
            return Err(invalid("customizeOrder", "the order id is empty"));
        }
        if items.is_empty() || items.iter().any(|item| item.images.is_empty()) {
            return Err(invalid(
                "customizeOrder",
                "at least one item, each with at least one image, is needed",
            ));
        }
        self.api()
            .customize_order()
            .id(safe_id)
            .body(types::OrderCustomizationRequest { items })
            .await
            .map(drop)
    }

    /// The images stored in your account (uploaded with [`Client::upload_images`]), with their ids.
    pub async fn stored_images(&self) -> Result<Vec<types::StoredImage>> {
        Ok(self.api().list_images().await?.images)
    }
}

fn invalid(operation: &'static str, message: &str) -> Error {
    Error::invalid_request(message)
        .with_provider(Provider::Gooten)
        .with_operation(operation)
}
