//! The Gooten fake's catalog endpoints: products, their variants and their templates.

use super::*;

pub(super) async fn get_products(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getProducts")?;
    ship_to_country(&query)?;
    let currency = currency_param(&query)?;
    let products = Catalog::get()
        .visible_products(flag(&query, "all")?)
        .map(|p| p.to_generated(currency))
        .collect();
    Ok(json(
        StatusCode::OK,
        &t::ProductsResponse {
            products,
            had_error: Some(false),
        },
    ))
}

pub(super) async fn get_product_variants(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getProductVariants")?;
    ship_to_country(&query)?;
    let currency = currency_param(&query)?;
    let catalog = Catalog::get();
    let all = flag(&query, "all")?;
    let products: Vec<&CatalogProduct> = match int32_param(&query, "productId")? {
        None => catalog.visible_products(all).collect(),
        Some(id) => match catalog.product(id) {
            Some(product) => vec![product],
            None => {
                return Err(invalid_one(
                    "productId",
                    format!("Product '{id}' does not exist."),
                    Some(id.to_string().into()),
                ));
            }
        },
    };
    let variants = products.iter().flat_map(|p| {
        p.variants
            .iter()
            .map(move |v| p.variant_to_generated(v, currency))
    });
    let response = t::ProductVariantsResponse {
        product_variants: variants.collect(),
        options: CatalogProduct::option_groups(products.iter().flat_map(|p| p.variants.iter())),
        had_error: Some(false),
    };
    Ok(json(StatusCode::OK, &response))
}

pub(super) async fn get_product_templates(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "getProductTemplates")?;
    let sku = required(&query, "sku")?;
    match Catalog::get().variant(sku) {
        Some((product, variant)) => Ok(json(
            StatusCode::OK,
            &t::ProductTemplatesResponse {
                options: product.templates(variant),
                had_error: Some(false),
            },
        )),
        None => Err(not_found("sku", format!("SKU '{sku}' was not found."), sku)),
    }
}
