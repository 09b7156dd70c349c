//! Which order statuses allow each change the Gooten fake serves: the documented rule of setOrderStatus (which
//! "from" statuses allow which target status), and the status names as Gooten spells them.
//!
//! Evidence for setOrderStatus (`spec/gooten.yaml`): Gooten's page "Setting order status" enables the change for
//! orders in AccountingIssue, AddressIssue, HoldByCIImageIssue, ImageIssue, NeedsManualApproval, New,
//! ReadyForAccounting, ReadyForImageDl and Pending, to Cancelled, New, Test or Hold; its older copy disables it for
//! orders with a payment issue, orders submitted in test mode and orders already in production; Gooten's manual
//! ("Order status"): "If an order is already on hold, you'll be able to reset the status to New or Cancelled."

use serde_json::Value;

use super::invalid_one;
use crate::gooten::types as t;
use crate::sandbox::http::Refusal;

/// The statuses from which any of the four targets may be set (both spellings of ReadyForImageDl/DI).
const SETTABLE_FROM: &[&str] = &[
    "AccountingIssue",
    "AddressIssue",
    "HoldByCIImageIssue",
    "ImageIssue",
    "NeedsManualApproval",
    "New",
    "ReadyForAccounting",
    "ReadyForImageDl",
    "ReadyForImageDI",
    "Pending",
];

/// An item's status as Gooten spells it (`"New"`), or empty when unknown.
pub(super) fn status_name(item: &t::OrderDetailsItem) -> String {
    item.status
        .as_ref()
        .and_then(|s| serde_json::to_value(s).ok())
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

pub(super) fn is_cancelled(item: &t::OrderDetailsItem) -> bool {
    matches!(status_name(item).as_str(), "Cancelled" | "Canceled")
}

/// Whether an order (an item) in `current` may be set to `target`.
pub(super) fn may_set(current: &str, target: t::SetOrderStatusOrderStatusName) -> bool {
    use t::SetOrderStatusOrderStatusName as Target;
    match current {
        "Hold" => matches!(target, Target::New | Target::Cancelled),
        current => SETTABLE_FROM.contains(&current),
    }
}

/// Refuses setting `order` to `target` (named `name` in the request) unless every item that is not cancelled
/// allows it; an order whose items are all cancelled is Cancelled, which allows nothing.
pub(super) fn check_set_status(
    order: &t::OrderDetails,
    target: t::SetOrderStatusOrderStatusName,
    name: &str,
) -> Result<(), Refusal> {
    let active: Vec<String> = order
        .items
        .iter()
        .filter(|i| !is_cancelled(i))
        .map(status_name)
        .collect();
    let blocking = if active.is_empty() {
        Some("Cancelled".to_string())
    } else {
        active.into_iter().find(|s| !may_set(s, target))
    };
    match blocking {
        None => Ok(()),
        Some(current) => Err(invalid_one(
            "orderStatusName",
            format!("The order is {current} and its status cannot be set to {name}."),
            Some(Value::String(name.into())),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use t::SetOrderStatusOrderStatusName as Target;

    #[test]
    fn the_documented_from_statuses_allow_every_target_and_hold_only_new_or_cancelled() {
        let all = [Target::Cancelled, Target::New, Target::Test, Target::Hold];
        for from in SETTABLE_FROM {
            assert!(all.iter().all(|to| may_set(from, *to)), "{from}");
        }
        assert!(may_set("Hold", Target::New));
        assert!(may_set("Hold", Target::Cancelled));
        assert!(!may_set("Hold", Target::Test));
        assert!(!may_set("Hold", Target::Hold));
        for from in [
            "Test",
            "PaymentIssue",
            "In Production",
            "Shipped",
            "Cancelled",
            "PrePayment",
        ] {
            assert!(all.iter().all(|to| !may_set(from, *to)), "{from}");
        }
    }
}
