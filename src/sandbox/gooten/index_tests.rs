//! The order indexes (Safe Id, SourceId, GootenId) and the cap on stored orders with oldest-first eviction.

use super::*;

fn order(source_id: &str, unique: bool) -> t::Order {
    serde_json::from_value(serde_json::json!({
        "SourceId": source_id,
        "IsPartnerSourceIdUnique": unique,
        "ShipToAddress": {"FirstName": "Jane", "LastName": "Roe", "Line1": "1 Main St", "City": "Austin",
            "State": "TX", "CountryCode": "US", "PostalCode": "78701", "Phone": "512-555-0100",
            "Email": "jane@example.com"},
        "BillingAddress": {"FirstName": "Jane", "LastName": "Roe", "CountryCode": "US", "PostalCode": "78701"},
        "Items": [{"SKU": "PremTee-Blk-M", "Quantity": 2, "ShipType": "standard",
            "Images": [{"Url": "https://x.test/a.png"}]}],
        "Payment": {"PartnerBillingKey": PARTNER_BILLING_KEY},
        "IsInTestMode": true
    }))
    .unwrap()
}

fn gooten_id(inner: &Inner, safe_id: &str) -> i64 {
    inner
        .by_safe_id(safe_id)
        .unwrap()
        .details
        .gooten_id
        .unwrap()
}

#[test]
fn a_duplicate_source_id_is_refused_and_each_key_finds_the_order() {
    let state = GootenState::default();
    let mut inner = lock(&state.inner);
    let first = inner.accept(order("SRC-1", true)).unwrap();
    let refused = inner.accept(order("SRC-1", true)).unwrap_err();
    assert_eq!(refused[0].property_name.as_deref(), Some("Order.SourceId"));
    assert_eq!(inner.orders.len(), 1);
    // Without IsPartnerSourceIdUnique the same SourceId is accepted; a lookup by it finds the newest.
    let second = inner.accept(order("SRC-1", false)).unwrap();
    assert_eq!(inner.by_source_id.get("SRC-1").count(), 2);
    assert_eq!(
        inner.find("SRC-1").unwrap().details.id.as_deref(),
        Some(second.as_str())
    );
    assert_eq!(
        inner.find(&first).unwrap().details.id.as_deref(),
        Some(first.as_str())
    );
    let id = gooten_id(&inner, &first);
    assert_eq!(
        inner.by_gooten_id_mut(id).unwrap().details.id.as_deref(),
        Some(first.as_str())
    );
    assert!(inner.by_gooten_id_mut(id + 2).is_none());
    assert!(inner.by_gooten_id_mut(FIRST_GOOTEN_ID - 1).is_none());
    assert!(inner.find("no-such-id").is_none());
    // Item ids count up across orders without scanning them.
    let items: Vec<i64> = [&first, &second]
        .iter()
        .flat_map(|id| inner.by_safe_id(id).unwrap().details.items.clone())
        .filter_map(|item| item.order_item_id)
        .collect();
    assert_eq!(items, [FIRST_ORDER_ITEM_ID, FIRST_ORDER_ITEM_ID + 1]);
}

#[test]
fn the_oldest_orders_are_evicted_first_with_their_index_entries() {
    let state = GootenState::default();
    let mut inner = lock(&state.inner);
    inner.set_max_orders(3);
    let mut ids = Vec::new();
    for n in 0..5 {
        ids.push(inner.accept(order(&format!("SRC-{n}"), true)).unwrap());
        assert!(inner.orders.len() <= 3, "never above the cap");
    }
    assert_eq!(inner.orders.len(), 3);
    assert_eq!((inner.by_safe_id.keys(), inner.by_source_id.keys()), (3, 3));
    for (n, id) in ids.iter().enumerate() {
        let kept = n >= 2;
        assert_eq!(inner.by_safe_id(id).is_some(), kept, "order {n} by Safe Id");
        assert_eq!(
            inner.find(&format!("SRC-{n}")).is_some(),
            kept,
            "order {n} by SourceId"
        );
        let gooten_id = FIRST_GOOTEN_ID + n as i64;
        assert_eq!(
            inner.by_gooten_id_mut(gooten_id).is_some(),
            kept,
            "order {n} by GootenId"
        );
    }
    // An evicted order's SourceId may be used again; its Safe Id and GootenId are never handed out again.
    let again = inner.accept(order("SRC-0", true)).unwrap();
    assert!(!ids.contains(&again));
    assert_eq!(gooten_id(&inner, &again), FIRST_GOOTEN_ID + 5);
    assert!(inner.find("SRC-2").is_none(), "SRC-2 evicted in turn");
    // Lowering the cap evicts at once, oldest first.
    inner.set_max_orders(1);
    assert_eq!(inner.orders.len(), 1);
    assert_eq!(
        inner.find("SRC-0").unwrap().details.id.as_deref(),
        Some(again.as_str())
    );
    assert_eq!((inner.by_safe_id.keys(), inner.by_source_id.keys()), (1, 1));
}
