//! The Gooten fake's tools: product previews, address validation and image uploads.

use super::*;

pub(super) async fn get_product_preview(RawQuery(q): RawQuery, bytes: Bytes) -> Answer {
    authorize(q, "getProductPreview")?;
    let request: t::ProductPreviewRequest = body(&bytes, "ProductPreviewRequest")?;
    let Some((product, variant)) = Catalog::get().variant(&request.sku) else {
        return Err(invalid_one(
            "Sku",
            format!("'{}' is not a valid SKU.", request.sku),
            Some(request.sku.into()),
        ));
    };
    let templates = product.templates(variant);
    let Some(template) = templates.iter().find(|t| {
        t.name
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case(&request.template))
    }) else {
        return Err(invalid_one(
            "Template",
            format!(
                "SKU '{}' has no template '{}'.",
                variant.sku, request.template
            ),
            Some(request.template.into()),
        ));
    };
    if request.images.is_empty() {
        return Err(invalid_one("Images", empty_message("Images"), None));
    }
    let mut images = Vec::new();
    for (i, image) in request.images.iter().enumerate() {
        let space = match &image.space_id {
            Some(id) => template.spaces.iter().find(|s| s.id.as_ref() == Some(id)),
            None => template
                .spaces
                .get(i.min(template.spaces.len().saturating_sub(1))),
        };
        let Some(space) = space else {
            return Err(invalid_one(
                &format!("Images[{i}].SpaceId"),
                "The space is not part of the template.",
                image.space_id.clone().map(Into::into),
            ));
        };
        let space_id = space.id.clone().unwrap_or_default();
        images.push(t::PreviewResult {
            url: Some(format!(
                "https://previews.sandbox.invalid/render/{:016x}-{}.jpg",
                fnv(&format!("{}{}{}", variant.sku, space_id, image.image.url)),
                variant.sku.to_ascii_lowercase()
            )),
            space_id: Some(space_id),
        });
    }
    Ok(json(
        StatusCode::OK,
        &t::ProductPreviewResponse {
            images,
            had_error: Some(false),
            ..Default::default()
        },
    ))
}

/// A crude but deterministic verifier: US addresses need a 5-digit ZIP (or ZIP+4) and a 2-letter state; other
/// supported countries pass with a lower score. The proposed address is the input in capitals.
pub(super) async fn validate_address(RawQuery(q): RawQuery) -> Answer {
    let query = authorize(q, "validateAddress")?;
    let [line1, city, state, postal, country] = [
        required(&query, "line1")?,
        required(&query, "city")?,
        required(&query, "state")?,
        required(&query, "postalCode")?,
        code_param(&query, "countryCode", 2)?,
    ];
    let line2 = query
        .get_ci("line2")
        .map(str::trim)
        .filter(|v| !v.is_empty());
    let us = country.eq_ignore_ascii_case("US");
    let zip_ok = {
        let (five, plus4) = postal.split_once('-').unwrap_or((postal, ""));
        five.len() == 5
            && five.bytes().all(|b| b.is_ascii_digit())
            && (plus4.is_empty() || (plus4.len() == 4 && plus4.bytes().all(|b| b.is_ascii_digit())))
    };
    let state_ok = state.len() == 2 && state.bytes().all(|b| b.is_ascii_alphabetic());
    let (score, reason) = match (Catalog::get().ships_to(country), us) {
        (false, _) => (
            10,
            format!("Score: 10. '{country}' is not a country Gooten ships to."),
        ),
        (true, true) if zip_ok && state_ok => (95, "Score: 95.".to_string()),
        (true, true) => (
            40,
            "Score: 40. The state or ZIP code is not valid for a US address.".to_string(),
        ),
        (true, false) => (75, "Score: 75.".to_string()),
    };
    let proposed = (score > 70).then(|| t::ProposedAddress {
        street_lines: std::iter::once(line1)
            .chain(line2)
            .map(str::to_uppercase)
            .collect(),
        city: Some(city.to_uppercase()),
        state_or_province_code: Some(state.to_uppercase()),
        postal_code: Some(postal.to_uppercase()),
        country_code: Some(country.to_uppercase()),
    });
    let response = t::AddressValidationResponse {
        is_valid: Some(score > 70),
        reason: Some(reason),
        score: Some(score),
        proposed_address: proposed,
        had_error: Some(false),
    };
    Ok(json(StatusCode::OK, &response))
}

/// Answers one temporary URL and id per multipart part named `Images` (the body is scanned, not fully parsed,
/// which is enough to count the files and keep their names) and keeps them for listImages.
pub(super) async fn upload_images(
    State(state): GState,
    RawQuery(q): RawQuery,
    headers: HeaderMap,
    bytes: Bytes,
) -> Answer {
    authorize(q, "uploadImages")?;
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("multipart/form-data"));
    if !is_multipart {
        return Err(invalid_one(
            "Images",
            "The request must be multipart/form-data with the files in the field 'Images'.",
            None,
        ));
    }
    let text = String::from_utf8_lossy(&bytes);
    // Seeded by the upload and how many images are stored: the same file uploaded twice gets two ids.
    let stored = lock(&state.inner).stored_images.len() as u64;
    let mut rng = fastrand::Rng::with_seed(fnv(&text) ^ stored);
    let images: Vec<t::StoredImage> = text
        .lines()
        .filter(|line| {
            line.to_ascii_lowercase()
                .starts_with("content-disposition:")
                && line.contains("name=\"Images\"")
        })
        .map(|line| {
            let file = line
                .split("filename=\"")
                .nth(1)
                .and_then(|rest| rest.split('"').next())
                .unwrap_or("image.jpg");
            let id = uuid_like(&mut rng)[..8].to_string();
            t::StoredImage {
                url: Some(format!(
                    "https://printio-temp.sandbox.invalid/uploads/{id}-{file}"
                )),
                id: Some(id),
                ..Default::default()
            }
        })
        .collect();
    if images.is_empty() {
        return Err(invalid_one("Images", empty_message("Images"), None));
    }
    lock(&state.inner)
        .stored_images
        .extend(images.iter().cloned());
    Ok(json(
        StatusCode::OK,
        &t::ImageUploadResponse {
            images,
            had_error: Some(false),
        },
    ))
}
