//! The Gooten fake's print-ready (preconfigured) products: list, create, update, delete.

use super::*;

pub(super) async fn get_preconfigured(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getPreconfiguredProducts")?;
    ship_to_country(&query)?;
    currency_param(&query)?;
    let products = lock(&state.inner).preconfigured.clone();
    Ok(json(
        StatusCode::OK,
        &t::PreconfiguredProductsResponse {
            preconfigured_products: products,
            had_error: Some(false),
        },
    ))
}

/// Validates an insert body against the catalog and converts it to the stored (returned) shape.
pub(super) fn preconfigured(
    insert: t::PreconfiguredProductInsert,
) -> Result<t::PreconfiguredProduct, Refusal> {
    let catalog = Catalog::get();
    let mut errors = Vec::new();
    for (name, value) in [
        ("Sku", &insert.sku),
        ("Name", &insert.name),
        ("Description", &insert.description),
    ] {
        if value.trim().is_empty() {
            errors.push(failure(
                name,
                empty_message(name),
                Some(value.as_str().into()),
            ));
        }
    }
    for (i, item) in insert.items.iter().enumerate() {
        match catalog.variant(&item.product_variant_sku) {
            Some((product, _)) if product.id == item.product_id => {}
            _ => errors.push(failure(
                &format!("Items[{i}].ProductVariantSku"),
                format!(
                    "'{}' is not a variant of product {}.",
                    item.product_variant_sku, item.product_id
                ),
                Some(item.product_variant_sku.as_str().into()),
            )),
        }
    }
    if !errors.is_empty() {
        return Err(invalid(errors));
    }
    Ok(t::PreconfiguredProduct {
        sku: Some(insert.sku),
        name: Some(insert.name),
        description: Some(insert.description),
        price: insert.price.map(|p| catalog.usd().amount(*p)),
        items: insert
            .items
            .into_iter()
            .map(|item| t::PreconfiguredItem {
                product_id: Some(item.product_id),
                product_variant_sku: Some(item.product_variant_sku),
                preconfigurations: item
                    .preconfigurations
                    .into_iter()
                    .map(|p| t::Preconfiguration {
                        space_id: p.space_id,
                        url: Some(p.url),
                    })
                    .collect(),
            })
            .collect(),
        images: insert.images,
    })
}

pub(super) async fn create_preconfigured(
    State(state): GState,
    RawQuery(q): RawQuery,
    bytes: Bytes,
) -> Answer {
    authorize(q, "createPreconfiguredProduct")?;
    let product = body(&bytes, "PreconfiguredProductInsert").and_then(preconfigured)?;
    let mut inner = lock(&state.inner);
    if inner.preconfigured.iter().any(|p| p.sku == product.sku) {
        let sku = product.sku.unwrap_or_default();
        return Err(invalid_one(
            "Sku",
            format!("A print-ready product with Sku '{sku}' already exists."),
            Some(sku.into()),
        ));
    }
    inner.preconfigured.push(product);
    Ok(json(
        StatusCode::OK,
        &t::PreconfiguredProductsInsertResponse {
            had_error: Some(false),
        },
    ))
}

pub(super) async fn update_preconfigured(
    State(state): GState,
    RawQuery(q): RawQuery,
    bytes: Bytes,
) -> Answer {
    authorize(q, "updatePreconfiguredProduct")?;
    let product = body(&bytes, "PreconfiguredProductInsert").and_then(preconfigured)?;
    let mut inner = lock(&state.inner);
    match inner
        .preconfigured
        .iter_mut()
        .find(|p| p.sku == product.sku)
    {
        Some(slot) => {
            *slot = product;
            Ok(json(
                StatusCode::OK,
                &t::PreconfiguredProductsInsertResponse {
                    had_error: Some(false),
                },
            ))
        }
        None => {
            let sku = product.sku.unwrap_or_default();
            Err(not_found(
                "Sku",
                format!("No print-ready product has Sku '{sku}'."),
                &sku,
            ))
        }
    }
}

pub(super) async fn delete_preconfigured(State(state): GState, RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "deletePreconfiguredProduct")?;
    let sku = required(&query, "sku")?;
    let mut inner = lock(&state.inner);
    let before = inner.preconfigured.len();
    inner
        .preconfigured
        .retain(|p| p.sku.as_deref() != Some(sku));
    if inner.preconfigured.len() == before {
        return Err(not_found(
            "sku",
            format!("No print-ready product has Sku '{sku}'."),
            sku,
        ));
    }
    Ok(json(
        StatusCode::OK,
        &t::PreconfiguredProductsInsertResponse {
            had_error: Some(false),
        },
    ))
}
