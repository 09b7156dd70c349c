//! The Bootic fake's API root: the shop and the link templates the token's scopes allow.

use super::*;

pub(super) async fn get_root(State(state): BState, headers: HeaderMap) -> Answer {
    let scopes = authorize(&state, &headers, false)?;
    let root = state.api_root(&headers);
    let templated = |href: String, title: &str| t::HalLink {
        templated: Some(true),
        title: Some(title.into()),
        ..link(href)
    };
    let body = t::Root {
        class: class(&["root"]),
        links: Some(t::RootLinks {
            curies: Some(t::Curies(vec![t::HalLink {
                name: Some("btc".into()),
                templated: Some(true),
                ..link("https://developers.bootic.net/rels/{rel}".into())
            }])),
            btc_all_products: Some(templated(
                format!("{root}/products{{?q,page,per_page,status,shop_subdomains,shop_ids,sort}}"),
                "All products, with search and filters",
            )),
            btc_product: Some(templated(
                format!("{root}/products/{{id}}"),
                "Product details",
            )),
            btc_shop: Some(templated(format!("{root}/shops/{{id}}"), "Shop details")),
            btc_docs: Some(web_link(
                "https://developers.bootic.net".into(),
                "API Documentation site",
            )),
        }),
        user_name: Some("sandbox".into()),
        role: Some("admin".into()),
        provider: Some("bootic".into()),
        scopes: Some(scope_string(&scopes, ",")),
        uid: None,
        email: None,
        last_logged_on: None,
        embedded: Some(t::RootEmbedded {
            shops: vec![products::shop(&root)],
        }),
    };
    let updated = Utc::now();
    Ok(entity(StatusCode::OK, &body, updated, &scopes, None))
}
