//! Gooten artwork and status rules against the embedded sandbox: image sizes checked against a SKU's print spaces
//! (validateImages), artwork for items held for personalization (customizeOrder), the stored images and their ids
//! (listImages after uploadImages), and which statuses setOrderStatus may leave for which.
#![cfg(feature = "sandbox")]

use fulfillment_apis::{
    ErrorKind, Secret,
    gooten::{
        self, ImageFile,
        types::{
            ImageSize, OrderCustomizationItem, OrderDetails, OrderItemImage,
            SetOrderStatusOrderStatusName as Status,
        },
    },
    sandbox::GootenSandbox,
};
use serde_json::json;

const SKU: &str = "CanvsWrp-BlkWrp-12x12";

fn client(sandbox: &GootenSandbox) -> gooten::Client {
    gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_billing_key(Secret::new(GootenSandbox::PARTNER_BILLING_KEY))
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap()
}

/// Places an order of two canvases, live (New) or in test mode (Test), and reads it back.
async fn place(client: &gooten::Client, test_mode: bool) -> OrderDetails {
    let item = json!({"SKU": SKU, "Quantity": 1, "ShipType": "standard",
        "Images": [{"Url": "https://example.com/placeholder.jpg"}]});
    let order: gooten::types::Order = serde_json::from_value(json!({
        "ShipToAddress": {"FirstName": "Anna", "LastName": "Smith", "Line1": "1 Main St", "City": "Austin",
            "State": "TX", "CountryCode": "US", "PostalCode": "78701", "Phone": "512-555-0100",
            "Email": "anna@example.com"},
        "BillingAddress": {"FirstName": "Anna", "LastName": "Smith", "PostalCode": "78701", "CountryCode": "US"},
        "Items": [item.clone(), item],
        "IsInTestMode": test_mode
    }))
    .unwrap();
    let submitted = client.submit_order(order).await.unwrap();
    client.get_order(&submitted.id).await.unwrap()
}

fn image(url: &str) -> OrderItemImage {
    serde_json::from_value(json!({"Url": url})).unwrap()
}

fn artwork(order: &OrderDetails, index: usize, url: &str) -> OrderCustomizationItem {
    OrderCustomizationItem {
        order_item_id: order.items[index].order_item_id.unwrap(),
        images: vec![image(url)],
    }
}

fn statuses(sandbox: &GootenSandbox, safe_id: &str) -> Vec<String> {
    sandbox
        .order(safe_id)
        .unwrap()
        .items
        .iter()
        .map(|i| {
            serde_json::to_value(i.status.as_ref().unwrap())
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect()
}

#[tokio::test]
async fn images_are_checked_against_the_print_spaces_of_a_sku() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let templates = client.api().get_product_templates().sku(SKU).await.unwrap();
    let space_id = templates.options[0].spaces[0].id.clone().unwrap();
    let size = |width, height| ImageSize {
        space_id: space_id.clone(),
        width,
        height,
    };

    let issues = client
        .validate_images(SKU, [size(4000, 4000)])
        .await
        .unwrap();
    assert!(issues.is_empty(), "{issues:?}");

    let issues = client
        .validate_images(SKU, [size(4000, 4000), size(1200, 1200)])
        .await
        .unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");
    assert_eq!(issues[0].property_name.as_deref(), Some("Images[1]"));
    assert!(
        issues[0]
            .error_message
            .as_deref()
            .unwrap()
            .contains("1200x1200"),
        "{issues:?}"
    );

    let unknown_space = ImageSize {
        space_id: "NOPE".into(),
        width: 4000,
        height: 4000,
    };
    let issues = client.validate_images(SKU, [unknown_space]).await.unwrap();
    assert_eq!(issues.len(), 1, "{issues:?}");

    let error = client
        .validate_images("No-Such-Sku", [size(4000, 4000)])
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");
    let error = client
        .validate_images(SKU, [size(0, 4000)])
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert_eq!(error.field_errors()[0].path, "Images[0].Width");
    let error = client.validate_images(SKU, []).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");
}

#[tokio::test]
async fn items_held_for_personalization_get_their_artwork_and_move_on() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let order = place(&client, false).await;
    let safe_id = order.id.clone().unwrap();
    assert!(sandbox.hold_for_personalization(&safe_id));
    assert_eq!(
        statuses(&sandbox, &safe_id),
        ["NeedsPersonalization", "NeedsPersonalization"]
    );

    let anna = "https://example.com/artwork/anna.jpg";
    client
        .customize_order(&safe_id, [artwork(&order, 0, anna)])
        .await
        .unwrap();
    assert_eq!(
        statuses(&sandbox, &safe_id),
        ["ReadyForImageDl", "NeedsPersonalization"]
    );
    // The same artwork again (a retried PUT) changes nothing.
    client
        .customize_order(&safe_id, [artwork(&order, 0, anna)])
        .await
        .unwrap();
    let with_images = client
        .api()
        .get_order()
        .id(&safe_id)
        .with_images(true)
        .await
        .unwrap();
    assert_eq!(
        with_images.items[0].images[0].source_url.as_deref(),
        Some(anna)
    );
    assert_eq!(
        with_images.items[1].images[0].source_url.as_deref(),
        Some("https://example.com/placeholder.jpg")
    );

    // Other artwork for the item that moved on is refused, and nothing changes.
    let error = client
        .customize_order(
            &safe_id,
            [
                artwork(&order, 1, "https://example.com/artwork/ben.jpg"),
                artwork(&order, 0, "https://example.com/artwork/other.jpg"),
            ],
        )
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert!(
        error.field_errors()[0].message.contains("ReadyForImageDl"),
        "{error:?}"
    );
    assert_eq!(
        statuses(&sandbox, &safe_id),
        ["ReadyForImageDl", "NeedsPersonalization"]
    );
}

#[tokio::test]
async fn customization_outside_needs_personalization_or_of_unknown_orders_is_refused() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let order = place(&client, false).await;
    let safe_id = order.id.clone().unwrap();
    let art = || artwork(&order, 0, "https://example.com/artwork/anna.jpg");

    // A New order holds no item for personalization.
    let error = client.customize_order(&safe_id, [art()]).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    assert!(error.field_errors()[0].message.contains("New"), "{error:?}");
    assert_eq!(statuses(&sandbox, &safe_id), ["New", "New"]);

    let error = client.customize_order("9-nope", [art()]).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound, "{error}");

    assert!(sandbox.hold_for_personalization(&safe_id));
    let stranger = OrderCustomizationItem {
        order_item_id: 42,
        images: vec![image("https://example.com/a.jpg")],
    };
    let error = client
        .customize_order(&safe_id, [stranger])
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
    let error = client.customize_order(&safe_id, []).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::InvalidRequest, "{error}");

    // Without the billing key nothing is sent.
    let keyless = gooten::Client::builder(GootenSandbox::RECIPE_ID)
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap();
    let error = keyless
        .customize_order(&safe_id, [art()])
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Configuration, "{error}");
}

#[tokio::test]
async fn uploaded_images_are_listed_with_their_ids() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    assert!(client.stored_images().await.unwrap().is_empty());
    let uploaded = client
        .upload_images(vec![
            ImageFile::png("logo.png", vec![0x89, b'P', b'N', b'G']),
            ImageFile::jpeg("patch.jpg", vec![0xFF, 0xD8, 0xFF]),
        ])
        .await
        .unwrap();
    let stored = client.stored_images().await.unwrap();
    assert_eq!(stored.len(), 2);
    for (listed, answered) in stored.iter().zip(&uploaded.images) {
        assert!(listed.id.as_deref().is_some_and(|id| !id.is_empty()));
        assert_eq!(listed.id, answered.id);
        assert_eq!(listed.url, answered.url);
    }
    let wrong = gooten::Client::builder("not-the-recipe")
        .with_environment(gooten::Environment::Custom(sandbox.base_url()))
        .build()
        .unwrap();
    let error = wrong.stored_images().await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::Authentication, "{error}");
}

#[tokio::test]
async fn set_status_follows_the_documented_from_statuses() {
    let sandbox = GootenSandbox::start().await.unwrap();
    let client = client(&sandbox);
    let refused = |result: fulfillment_apis::Result<()>| {
        let error = result.unwrap_err();
        assert_eq!(error.kind(), ErrorKind::Validation, "{error}");
        error.field_errors()[0].message.clone()
    };

    let order = place(&client, false).await;
    let id = order.id.clone().unwrap();
    client.set_status(&id, Status::Hold).await.unwrap();
    assert_eq!(statuses(&sandbox, &id), ["Hold", "Hold"]);
    // A held order may only go back to New or be cancelled.
    let message = refused(client.set_status(&id, Status::Test).await);
    assert!(message.contains("Hold"), "{message}");
    refused(client.set_status(&id, Status::Hold).await);
    client.set_status(&id, Status::New).await.unwrap();
    client.set_status(&id, Status::Cancelled).await.unwrap();
    // Cancelled is final.
    refused(client.set_status(&id, Status::New).await);
    assert_eq!(statuses(&sandbox, &id), ["Cancelled", "Cancelled"]);

    // An order submitted in test mode, or waiting for personalization, cannot be set.
    let test_order = place(&client, true).await;
    refused(
        client
            .set_status(test_order.id.as_deref().unwrap(), Status::Cancelled)
            .await,
    );
    let held = place(&client, false).await;
    let held_id = held.id.clone().unwrap();
    assert!(sandbox.hold_for_personalization(&held_id));
    refused(client.set_status(&held_id, Status::Cancelled).await);
    assert_eq!(
        statuses(&sandbox, &held_id),
        ["NeedsPersonalization", "NeedsPersonalization"]
    );
}
