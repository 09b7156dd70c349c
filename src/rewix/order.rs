//! The dropshipping order as a caller writes it: integers and a typed date, rendered into the spec's
//! all-strings JSON (`"quantity": "10"`, `"autoConfirm": "true"`) only when sent.

use std::collections::BTreeMap;

use crate::{
    Provider,
    error::{Error, Result},
};

use super::{OrderDate, types};

/// One model (size/colour variation) and the quantity to ship.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct OrderItem {
    /// The model id (`stock_id`) of the size/colour variation.
    pub stock_id: i64,
    /// The quantity to ship (at least 1).
    pub quantity: u32,
}

impl OrderItem {
    /// `quantity` pieces of model `stock_id`.
    pub fn new(stock_id: i64, quantity: u32) -> Self {
        OrderItem { stock_id, quantity }
    }
}

impl From<(i64, u32)> for OrderItem {
    fn from((stock_id, quantity): (i64, u32)) -> Self {
        OrderItem::new(stock_id, quantity)
    }
}

/// The required fields of an [`Address`], by name (so two of the six strings cannot be swapped unnoticed).
///
/// ```
/// use fulfillment_apis::rewix::{Address, AddressFields};
///
/// let address = Address::from(AddressFields {
///     street_name: "Roma",
///     address_number: "1",
///     zip: "10100",
///     city: "TORINO",
///     province: "TO",
///     country_code: "IT",
/// })
/// .set_street_type("Via");
/// assert_eq!(address.city, "TORINO");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressFields<'a> {
    /// Street name.
    pub street_name: &'a str,
    /// House number.
    pub address_number: &'a str,
    /// Zip code.
    pub zip: &'a str,
    /// City.
    pub city: &'a str,
    /// Province or district.
    pub province: &'a str,
    /// Country code, ISO 3166-1 alpha-2 (`IT`).
    pub country_code: &'a str,
}

impl From<AddressFields<'_>> for Address {
    fn from(f: AddressFields<'_>) -> Self {
        Address {
            street_type: None,
            street_name: f.street_name.into(),
            address_number: f.address_number.into(),
            zip: f.zip.into(),
            city: f.city.into(),
            province: f.province.into(),
            country_code: f.country_code.into(),
        }
    }
}

/// A shipping address, built from [`AddressFields`] (named) and [`set_street_type`](Self::set_street_type).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Address {
    /// Street type (`Via`, `Street`, `Avenue`); optional.
    pub street_type: Option<String>,
    /// Street name.
    pub street_name: String,
    /// House number.
    pub address_number: String,
    /// Zip code.
    pub zip: String,
    /// City.
    pub city: String,
    /// Province or district.
    pub province: String,
    /// Country code, ISO 3166-1 alpha-2 (`IT`).
    pub country_code: String,
}

impl Address {
    crate::setters::optional_setters! {
        /// The street type (`Via`, `Street`, `Avenue`).
        set_street_type => street_type: impl Into<String>;
    }
}

/// A phone number as Rewix wants it: the international prefix apart from the number.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Phone {
    /// International dialling prefix (`+39`).
    pub prefix: String,
    /// The number without the prefix.
    pub number: String,
}

impl Phone {
    /// A phone number: prefix (`+39`) and number.
    pub fn new(prefix: impl Into<String>, number: impl Into<String>) -> Self {
        Phone {
            prefix: prefix.into(),
            number: number.into(),
        }
    }
}

/// The recipient of a dropshipping order (your customer). Converts into the generated
/// [`types::RecipientDetails`], which [`DropshippingOrder::new`] also accepts directly.
///
/// ```
/// use fulfillment_apis::rewix::{Address, AddressFields, Phone, Recipient};
///
/// let address = Address::from(AddressFields {
///     street_name: "Roma",
///     address_number: "1",
///     zip: "10100",
///     city: "TORINO",
///     province: "TO",
///     country_code: "IT",
/// });
/// let recipient = Recipient::new(
///     "ACME srl",
///     address.set_street_type("Via"),
///     Phone::new("+39", "0112838474"),
/// )
/// .set_customer_key("7777");
/// # let _ = recipient;
/// ```
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Recipient {
    /// Name of the recipient.
    pub name: String,
    /// Shipping address.
    pub address: Address,
    /// Phone number.
    pub phone: Phone,
    /// Care of (`careof`).
    pub care_of: Option<String>,
    /// VAT number or personal tax id (`cfpiva`).
    pub tax_id: Option<String>,
    /// The customer's id on your platform (`customer_key`).
    pub customer_key: Option<String>,
    /// Notes.
    pub notes: Option<String>,
}

impl Recipient {
    /// A recipient from the required fields.
    pub fn new(name: impl Into<String>, address: impl Into<Address>, phone: Phone) -> Self {
        Recipient {
            name: name.into(),
            address: address.into(),
            phone,
            care_of: None,
            tax_id: None,
            customer_key: None,
            notes: None,
        }
    }
    crate::setters::optional_setters! {
        /// Care of (`careof`).
        set_care_of => care_of: impl Into<String>;
        /// VAT number or personal tax id of your customer (`cfpiva`).
        set_tax_id => tax_id: impl Into<String>;
        /// The customer's id on your platform (`customer_key`).
        set_customer_key => customer_key: impl Into<String>;
        /// Notes.
        set_notes => notes: impl Into<String>;
    }
}

impl From<Recipient> for types::RecipientDetails {
    fn from(r: Recipient) -> Self {
        types::RecipientDetails {
            recipient: r.name,
            careof: r.care_of,
            cfpiva: r.tax_id,
            customer_key: r.customer_key,
            notes: r.notes,
            address: types::RecipientAddress {
                street_type: r.address.street_type,
                street_name: r.address.street_name,
                address_number: r.address.address_number,
                zip: r.address.zip,
                city: r.address.city,
                province: r.address.province,
                countrycode: r.address.country_code,
            },
            phone: types::RecipientPhone {
                prefix: r.phone.prefix,
                number: r.phone.number,
            },
        }
    }
}

/// One dropshipping order, for [`Client::send_order`](super::Client::send_order) and
/// [`Client::reserve_and_send`](super::Client::reserve_and_send).
///
/// The `key` is your platform's order id: Rewix returns it as `ext_ref`, and the client finds the order by it
/// when an answer is lost, so use one key per order.
///
/// ```
/// use fulfillment_apis::rewix::{AddressFields, DropshippingOrder, OrderDate, Phone, Recipient};
///
/// let recipient = Recipient::new(
///     "ACME srl",
///     // An `AddressFields` converts into an `Address` with no street type.
///     AddressFields {
///         street_name: "Roma",
///         address_number: "1",
///         zip: "10100",
///         city: "TORINO",
///         province: "TO",
///         country_code: "IT",
///     },
///     Phone::new("+39", "0112838474"),
/// );
/// let date = OrderDate::parse("2024/03/15 14:30:00 +0100")?;
/// let order = DropshippingOrder::new("2357", date, 20, recipient)
///     .add_item(148148, 10)
///     .add_item(148367, 15);
/// let body = serde_json::to_value(order.to_request()?).unwrap();
/// assert_eq!(body["order_list"][0]["item_list"][0]["quantity"], "10");
/// assert_eq!(body["order_list"][0]["carrierId"], "20");
/// assert_eq!(body["order_list"][0]["date"], "2024/03/15 14:30:00 +0100");
/// # Ok::<(), fulfillment_apis::Error>(())
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct DropshippingOrder {
    key: String,
    date: OrderDate,
    carrier_id: Option<i64>,
    recipient: types::RecipientDetails,
    items: Vec<OrderItem>,
    auto_confirm: Option<bool>,
}

impl DropshippingOrder {
    /// An order with no items yet.
    ///
    /// `carrier_id` is the `id` of a [`listCarriers`](super::api::Api::list_carriers) entry, or
    /// `None` to let the supplier assign its default carrier (it does so too when the chosen carrier has no
    /// rate for the order).
    pub fn new(
        key: impl Into<String>,
        date: impl Into<OrderDate>,
        carrier_id: impl Into<Option<i64>>,
        recipient: impl Into<types::RecipientDetails>,
    ) -> Self {
        DropshippingOrder {
            key: key.into(),
            date: date.into(),
            carrier_id: carrier_id.into(),
            recipient: recipient.into(),
            items: Vec::new(),
            auto_confirm: None,
        }
    }
    /// Replaces the items.
    pub fn set_items<I: Into<OrderItem>>(mut self, items: impl IntoIterator<Item = I>) -> Self {
        self.items = items.into_iter().map(Into::into).collect();
        self
    }
    /// Adds `quantity` pieces of model `stock_id`.
    pub fn add_item(mut self, stock_id: i64, quantity: u32) -> Self {
        self.items.push(OrderItem::new(stock_id, quantity));
        self
    }
    crate::setters::optional_setters! {
        /// `false` keeps the order unconfirmed even when it could be confirmed; unset (the default) or `true`
        /// confirms it when the account's e-credit covers it or auto-confirmation is on, and the carrier is valid.
        set_auto_confirm => auto_confirm: bool;
    }

    /// Your platform's order id.
    pub fn key(&self) -> &str {
        &self.key
    }
    /// The order date.
    pub fn date(&self) -> OrderDate {
        self.date
    }
    /// The carrier id, when one was chosen.
    pub fn carrier_id(&self) -> Option<i64> {
        self.carrier_id
    }
    /// The items, as added.
    pub fn items(&self) -> &[OrderItem] {
        &self.items
    }

    /// The quantity asked for each model, items of the same model added together.
    pub(super) fn requested_quantities(&self) -> BTreeMap<i64, u64> {
        let mut wanted = BTreeMap::new();
        for item in &self.items {
            *wanted.entry(item.stock_id).or_insert(0) += u64::from(item.quantity);
        }
        wanted
    }

    /// The request body as the spec describes it (one order per call, as the provider recommends).
    ///
    /// Fails with [`ErrorKind::InvalidRequest`](crate::ErrorKind::InvalidRequest), before anything is sent,
    /// for an empty key, no items, a zero quantity or a date whose year does not have four digits.
    pub fn to_request(&self) -> Result<types::DropshippingOrderRequest> {
        let invalid = |message: &str| {
            Error::invalid_request(message)
                .with_provider(Provider::Rewix)
                .with_operation("sendDropshippingOrder")
        };
        if self.key.trim().is_empty() {
            return Err(invalid("the order key is empty"));
        }
        if self.items.is_empty() {
            return Err(invalid("the order has no items"));
        }
        if self.items.iter().any(|item| item.quantity == 0) {
            return Err(invalid("an item has quantity 0"));
        }
        if !self.date.is_representable() {
            return Err(invalid("the order date's year does not have four digits"));
        }
        let order = types::DropshippingOrder {
            key: self.key.clone(),
            date: self.date.to_string(),
            carrier_id: self.carrier_id.map(|id| id.to_string()),
            recipient_details: self.recipient.clone(),
            item_list: self
                .items
                .iter()
                .map(|item| types::DropshippingOrderItem {
                    stock_id: item.stock_id.to_string(),
                    quantity: item.quantity.to_string(),
                })
                .collect(),
            auto_confirm: self.auto_confirm.map(|yes| {
                if yes {
                    types::DropshippingOrderAutoConfirm::True
                } else {
                    types::DropshippingOrderAutoConfirm::False
                }
            }),
        };
        Ok(types::DropshippingOrderRequest {
            order_list: vec![order],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TORINO: AddressFields<'static> = AddressFields {
        street_name: "Roma",
        address_number: "1",
        zip: "10100",
        city: "TORINO",
        province: "TO",
        country_code: "IT",
    };

    fn recipient() -> Recipient {
        Recipient::new("ACME srl", TORINO, Phone::new("+39", "0112838474"))
    }

    #[test]
    fn renders_the_documented_json_example() {
        let date = OrderDate::parse("2021/02/02 23:59:59 +0000").unwrap();
        let recipient = Recipient::new(
            "ACME srl",
            Address::from(TORINO).set_street_type("Via"),
            Phone::new("+39", "0112838474"),
        )
        .set_tax_id("12345558")
        .set_customer_key("7777");
        let order = DropshippingOrder::new("2357", date, 20, recipient)
            .add_item(1578, 1)
            .set_auto_confirm(true);
        let body = serde_json::to_value(order.to_request().unwrap()).unwrap();
        // The document's JSON example, field for field.
        let expected = serde_json::json!({"order_list": [{
            "key": "2357", "date": "2021/02/02 23:59:59 +0000", "carrierId": "20",
            "recipient_details": {"recipient": "ACME srl", "cfpiva": "12345558", "customer_key": "7777",
                "address": {"street_type": "Via", "street_name": "Roma", "address_number": "1", "zip": "10100",
                    "city": "TORINO", "province": "TO", "countrycode": "IT"},
                "phone": {"prefix": "+39", "number": "0112838474"}},
            "item_list": [{"stock_id": "1578", "quantity": "1"}],
            "autoConfirm": "true"}]});
        assert_eq!(body, expected);
    }

    #[test]
    fn no_carrier_and_no_auto_confirm_are_left_out() {
        let order = DropshippingOrder::new("k", OrderDate::now(), None, recipient()).add_item(1, 1);
        let body = serde_json::to_value(order.to_request().unwrap()).unwrap();
        let sent = body["order_list"][0].as_object().unwrap();
        assert!(!sent.contains_key("carrierId") && !sent.contains_key("autoConfirm"));
    }

    #[test]
    fn bad_orders_are_refused_before_sending() {
        let date = OrderDate::now();
        let cases = [
            DropshippingOrder::new(" ", date, None, recipient()).add_item(1, 1),
            DropshippingOrder::new("k", date, None, recipient()),
            DropshippingOrder::new("k", date, None, recipient()).add_item(1, 0),
        ];
        for order in cases {
            let err = order.to_request().unwrap_err();
            assert_eq!(err.kind(), crate::ErrorKind::InvalidRequest, "{err}");
        }
    }

    #[test]
    fn quantities_of_the_same_model_are_added_together() {
        let order = DropshippingOrder::new("k", OrderDate::now(), None, recipient()).set_items([
            (7, 2),
            (9, 1),
            (7, 3),
        ]);
        assert_eq!(
            order.requested_quantities().into_iter().collect::<Vec<_>>(),
            [(7, 5), (9, 1)]
        );
    }
}
