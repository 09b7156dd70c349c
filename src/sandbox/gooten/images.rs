//! The Gooten fake's artwork calls: validateImages (image sizes against a SKU's print spaces), customizeOrder (new
//! artwork for items in NeedsPersonalization, which then move on to ReadyForImageDl), and listImages (the images
//! uploadImages stored, with their ids).
//!
//! An order's items reach NeedsPersonalization the way a Gooten account set to "Hold Items For Personalization"
//! puts them there; in the sandbox, with [`GootenSandbox::hold_for_personalization`].

use std::sync::Arc;

use axum::{
    Router,
    body::Bytes,
    extract::{RawQuery, State},
    http::StatusCode,
    routing::{get, post, put},
};
use serde_json::Value;

use super::{
    GState, GootenSandbox, GootenState, authorize, body,
    catalog::Catalog,
    empty_message, failure, invalid, not_found, required,
    status::{is_cancelled, status_name},
};
use crate::gooten::types as t;
use crate::sandbox::http::{Answer, json, lock};

/// The statuses customizeOrder works on (Gooten's pages spell it both ways).
const PERSONALIZATION: &[&str] = &["NeedsPersonalization", "NeedsCustomization"];

/// Adds the routes of this file under one prefix (lower-case paths, as the server routes them). `images` already
/// has uploadImages' POST; axum merges the GET into it.
pub(super) fn routes(
    router: Router<Arc<GootenState>>,
    path: &impl Fn(&str) -> String,
) -> Router<Arc<GootenState>> {
    router
        .route(&path("imagevalidation"), post(validate_images))
        .route(&path("ordercustomization"), put(customize_order))
        .route(&path("images"), get(list_images))
}

impl GootenSandbox {
    /// Puts every item of the order that is not cancelled in the NeedsPersonalization status, as a Gooten account
    /// that holds items for personalization does with new orders; customizeOrder then gives them their artwork.
    /// Returns false for an unknown Safe Id.
    pub fn hold_for_personalization(&self, safe_id: &str) -> bool {
        let mut inner = lock(&self.state().inner);
        let Some(order) = inner.by_safe_id_mut(safe_id) else {
            return false;
        };
        for item in &mut order.details.items {
            if !is_cancelled(item) {
                item.status = Some(t::OrderItemStatus::NeedsPersonalization.into());
            }
        }
        true
    }
}

/// The pixel size of a space's image layer (the area the image is printed on), else of its final area.
fn image_size(space: &t::TemplateSpace) -> (i32, i32) {
    let layer = space
        .layers
        .iter()
        .find(|l| l.type_ == Some(t::TemplateLayerType::Image));
    match layer {
        Some(l) => (
            l.x2.unwrap_or_default() - l.x1.unwrap_or_default(),
            l.y2.unwrap_or_default() - l.y1.unwrap_or_default(),
        ),
        None => (
            space.final_x2.unwrap_or_default() - space.final_x1.unwrap_or_default(),
            space.final_y2.unwrap_or_default() - space.final_y1.unwrap_or_default(),
        ),
    }
}

async fn validate_images(RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "validateImages")?;
    const ROOT: &str = "ImageValidation";
    let request: t::ImageValidationRequest = body(&bytes, ROOT)?;
    let sku = request.sku.trim();
    let mut errors = Vec::new();
    if sku.is_empty() {
        errors.push(failure("Sku", empty_message("Sku"), Some(sku.into())));
    }
    if request.images.is_empty() {
        errors.push(failure("Images", empty_message("Images"), None));
    }
    for (i, image) in request.images.iter().enumerate() {
        for (name, value) in [("Width", image.width), ("Height", image.height)] {
            if value < 1 {
                errors.push(failure(
                    &format!("Images[{i}].{name}"),
                    format!("'{name}' must be greater than '0'."),
                    Some(value.into()),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let Some((product, variant)) = Catalog::get().variant(sku) else {
        return Err(not_found("Sku", format!("SKU '{sku}' was not found."), sku));
    };
    // The "Single" template has every space of the SKU.
    let spaces = product
        .templates(variant)
        .into_iter()
        .next()
        .map(|template| template.spaces)
        .unwrap_or_default();
    let mut issues = Vec::new();
    for (i, image) in request.images.iter().enumerate() {
        let property = format!("Images[{i}]");
        let space_id = image.space_id.trim();
        let space = spaces.iter().find(|s| {
            s.id.as_deref()
                .is_some_and(|id| id.eq_ignore_ascii_case(space_id))
        });
        let Some(space) = space else {
            issues.push(failure(
                &property,
                format!(
                    "'{space_id}' is not a print space of SKU '{}'.",
                    variant.sku
                ),
                Some(space_id.into()),
            ));
            continue;
        };
        let (w, h) = image_size(space);
        if image.width < w || image.height < h {
            issues.push(failure(
                &property,
                format!(
                    "The image is {}x{} pixels; space '{space_id}' needs at least {w}x{h}.",
                    image.width, image.height
                ),
                Some(format!("{}x{}", image.width, image.height).into()),
            ));
        }
    }
    Ok(json(
        StatusCode::OK,
        &t::ImageValidationResult {
            had_error: Some(false),
            issues,
        },
    ))
}

fn waits_for_artwork(item: &t::OrderDetailsItem) -> bool {
    PERSONALIZATION.contains(&status_name(item).as_str())
}

/// The images a customization gives an item, as `getOrder` with `withImages=true` shows them.
fn stored(images: &[t::OrderItemImage]) -> Vec<t::OrderDetailsImage> {
    images
        .iter()
        .map(|image| t::OrderDetailsImage {
            source_url: Some(image.url.clone()),
            space_id: image.space_id.clone(),
            thumbnail_url: image.thumbnail_url.clone(),
        })
        .collect()
}

async fn customize_order(State(state): GState, RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    let query = authorize(q, "customizeOrder")?;
    let id = required(&query, "id")?.to_string();
    const ROOT: &str = "OrderCustomization";
    let request: t::OrderCustomizationRequest = body(&bytes, ROOT)?;
    let mut errors = Vec::new();
    if request.items.is_empty() {
        errors.push(failure(
            &format!("{ROOT}.Items"),
            empty_message("Items"),
            None,
        ));
    }
    for (i, item) in request.items.iter().enumerate() {
        if item.images.is_empty() {
            errors.push(failure(
                &format!("{ROOT}.Items[{i}].Images"),
                empty_message("Images"),
                None,
            ));
        }
        for (j, image) in item.images.iter().enumerate() {
            if image.url.trim().is_empty() {
                errors.push(failure(
                    &format!("{ROOT}.Items[{i}].Images[{j}].Url"),
                    empty_message("Url"),
                    Some(Value::String(String::new())),
                ));
            }
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    let mut inner = lock(&state.inner);
    let Some(order) = inner.by_safe_id_mut(&id) else {
        return Err(not_found(
            "id",
            format!("No order was found with the Id '{id}'."),
            &id,
        ));
    };
    let mut targets = Vec::new();
    for (i, change) in request.items.iter().enumerate() {
        let property = format!("{ROOT}.Items[{i}].OrderItemId");
        let item_id = change.order_item_id;
        let Some(index) = order
            .details
            .items
            .iter()
            .position(|item| item.order_item_id == Some(item_id))
        else {
            errors.push(failure(
                &property,
                format!("'{item_id}' is not an item of order '{id}'."),
                Some(item_id.into()),
            ));
            continue;
        };
        let item = &order.details.items[index];
        if waits_for_artwork(item) {
            targets.push((index, stored(&change.images)));
            continue;
        }
        // The same artwork again for an item this call already moved on: a retried PUT changes nothing.
        let status = status_name(item);
        let urls = |images: &[t::OrderDetailsImage]| -> Vec<Option<String>> {
            images.iter().map(|i| i.source_url.clone()).collect()
        };
        let repeated = status == "ReadyForImageDl"
            && order
                .images
                .get(index)
                .is_some_and(|old| urls(old) == urls(&stored(&change.images)));
        if !repeated {
            errors.push(failure(
                &property,
                format!(
                    "You cannot customize an item in the status '{status}'; only items in NeedsPersonalization."
                ),
                Some(item_id.into()),
            ));
        }
    }
    if !errors.is_empty() {
        // Nothing changes when one item is refused.
        return Err(invalid(errors));
    }
    for (index, images) in targets {
        if let Some(slot) = order.images.get_mut(index) {
            *slot = images;
        }
        order.details.items[index].status = Some(t::OrderItemStatus::ReadyForImageDl.into());
    }
    Ok(json(
        StatusCode::OK,
        &t::OrderChangeResponse {
            had_error: Some(false),
        },
    ))
}

async fn list_images(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    authorize(q, "listImages")?;
    let images = lock(&state.inner).stored_images.clone();
    Ok(json(
        StatusCode::OK,
        &t::ImageUploadResponse {
            images,
            had_error: Some(false),
        },
    ))
}
