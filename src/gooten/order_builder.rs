//! A Gooten order as a caller writes it: named address fields, a typed shipping choice per item, optional
//! fields as `set_*`. It becomes the generated [`types::Order`] that [`Client::submit_order`] sends.
//!
//! [`Client::submit_order`]: super::Client::submit_order

use std::collections::BTreeMap;

use crate::Amount;

use super::types;

/// How one item ships: a speed ([`types::ShipType`]) or a carrier method id from
/// [`getShippingPrices`](super::api::Api::get_shipping_prices). Gooten takes exactly one of the two
/// per item; this type makes "neither" and "both" impossible to write.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Shipping {
    /// `ShipType`: standard, expedited or overnight.
    Type(types::ShipType),
    /// `ShipCarrierMethodId`: a carrier method id (the spec types it int32).
    CarrierMethod(i32),
}

impl From<types::ShipType> for Shipping {
    fn from(value: types::ShipType) -> Self {
        Shipping::Type(value)
    }
}

/// The required fields of an [`Address`], by name (so two strings cannot be swapped unnoticed).
///
/// ```
/// use fulfillment_apis::gooten::{Address, AddressFields};
///
/// let address = Address::from(AddressFields {
///     first_name: "John",
///     last_name: "Doe",
///     line1: "350 5th Ave",
///     city: "New York",
///     postal_code: "10118",
///     country_code: "US",
///     phone: "212-555-0142",
///     email: "john.doe@example.com",
/// })
/// .set_line2("Suite 2100")
/// .set_state("NY");
/// assert_eq!(address.state.as_deref(), Some("NY"));
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AddressFields<'a> {
    /// First name.
    pub first_name: &'a str,
    /// Last name.
    pub last_name: &'a str,
    /// Street address, first line.
    pub line1: &'a str,
    /// City.
    pub city: &'a str,
    /// Postal code.
    pub postal_code: &'a str,
    /// Country code, ISO 3166-1 alpha-2 (`US`).
    pub country_code: &'a str,
    /// Phone number.
    pub phone: &'a str,
    /// Email address.
    pub email: &'a str,
}

/// A shipping (and, unless set apart, billing) address. Built from [`AddressFields`]; the optional fields are
/// `set_*` methods.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct Address {
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Street address, first line.
    pub line1: String,
    /// Street address, second line.
    pub line2: Option<String>,
    /// City.
    pub city: String,
    /// Two-letter state code for the USA and Canada; the full name elsewhere; none where there are no states.
    pub state: Option<String>,
    /// Postal code.
    pub postal_code: String,
    /// Country code, ISO 3166-1 alpha-2.
    pub country_code: String,
    /// Phone number.
    pub phone: String,
    /// Email address.
    pub email: String,
    /// A business address (may not be delivered on weekends) or a residential one.
    pub is_business_address: Option<bool>,
}

impl From<AddressFields<'_>> for Address {
    fn from(f: AddressFields<'_>) -> Self {
        Address {
            first_name: f.first_name.into(),
            last_name: f.last_name.into(),
            line1: f.line1.into(),
            line2: None,
            city: f.city.into(),
            state: None,
            postal_code: f.postal_code.into(),
            country_code: f.country_code.into(),
            phone: f.phone.into(),
            email: f.email.into(),
            is_business_address: None,
        }
    }
}

impl Address {
    crate::setters::optional_setters! {
        /// Street address, second line.
        set_line2 => line2: impl Into<String>;
        /// State (two-letter code in the USA and Canada).
        set_state => state: impl Into<String>;
        /// Whether it is a business address.
        set_business_address => is_business_address: bool;
    }
}

impl From<Address> for types::ShipToAddress {
    fn from(a: Address) -> Self {
        types::ShipToAddress {
            city: a.city,
            country_code: a.country_code,
            email: a.email,
            first_name: a.first_name,
            is_business_address: a.is_business_address,
            last_name: a.last_name,
            line1: a.line1,
            line2: a.line2,
            phone: a.phone,
            postal_code: a.postal_code,
            state: a.state,
        }
    }
}

impl From<Address> for types::BillingAddress {
    fn from(a: Address) -> Self {
        types::BillingAddress {
            city: Some(a.city),
            country_code: a.country_code,
            email: Some(a.email),
            first_name: a.first_name,
            is_business_address: a.is_business_address,
            last_name: a.last_name,
            line1: Some(a.line1),
            line2: a.line2,
            phone: Some(a.phone),
            postal_code: a.postal_code,
            state: a.state,
        }
    }
}

/// One item of an order: a SKU, a quantity and how it ships; images and the rest are optional.
///
/// ```
/// use fulfillment_apis::gooten::{Item, Shipping, types::ShipType};
///
/// let item = Item::new("CanvsWrp-BlkWrp-12x12", 1, Shipping::Type(ShipType::Standard))
///     .add_image("https://cdn.example.com/artwork/sunset.jpg")
///     .set_source_id("WEB-100482-1");
/// let wire = fulfillment_apis::gooten::types::OrderItem::from(item);
/// assert_eq!(wire.ship_type, Some(ShipType::Standard));
/// assert_eq!(wire.ship_carrier_method_id, None);
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct Item {
    item: types::OrderItem,
}

impl Item {
    /// `quantity` of `sku`, shipped as `shipping` says. A quantity above `i32::MAX` (the spec's int32) is
    /// capped.
    pub fn new(sku: impl Into<String>, quantity: u32, shipping: impl Into<Shipping>) -> Self {
        let (ship_type, ship_carrier_method_id) = match shipping.into() {
            Shipping::Type(t) => (Some(t), None),
            Shipping::CarrierMethod(id) => (None, Some(id)),
        };
        Item {
            item: types::OrderItem {
                add_ons: BTreeMap::new(),
                images: Vec::new(),
                meta: None,
                quantity: i32::try_from(quantity).unwrap_or(i32::MAX),
                ship_carrier_method_id,
                ship_type,
                sku: sku.into(),
                source_id: None,
            },
        }
    }
    /// Adds an image to print, by its public URL (its `Index` is its position among the images added).
    pub fn add_image(self, url: impl Into<String>) -> Self {
        self.add_image_with_thumbnail(url, None::<String>)
    }
    /// Adds an image to print with the URL of a preview of the finished item.
    pub fn add_image_with_thumbnail(
        mut self,
        url: impl Into<String>,
        thumbnail_url: impl Into<Option<String>>,
    ) -> Self {
        let index = i32::try_from(self.item.images.len()).unwrap_or(i32::MAX);
        self.item.images.push(types::OrderItemImage {
            index: Some(index),
            manip_command: None,
            space_id: None,
            thumbnail_url: thumbnail_url.into(),
            url: url.into(),
        });
        self
    }
    /// Your id of this order item.
    pub fn set_source_id(mut self, value: impl Into<String>) -> Self {
        self.item.source_id = Some(value.into());
        self
    }
    /// One key/value pair of the item's `Meta`.
    pub fn set_meta(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        let mut meta = self.item.meta.take().map(|m| m.0).unwrap_or_default();
        meta.insert(key.into(), value.into());
        self.item.meta = Some(types::Meta(meta));
        self
    }
    /// One add-on of the item (key/value).
    pub fn set_add_on(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.item.add_ons.insert(key.into(), value.into());
        self
    }
}

impl From<Item> for types::OrderItem {
    fn from(item: Item) -> Self {
        item.item
    }
}

/// A Gooten order: where it goes and its first item are required; everything else is `set_*`. It converts
/// into the generated [`types::Order`], which [`Client::submit_order`](super::Client::submit_order) takes.
///
/// The billing address is the shipping address unless [`set_billing_address`](Self::set_billing_address)
/// says otherwise; the payment's `PartnerBillingKey` is filled by the client from its billing key.
///
/// ```
/// use fulfillment_apis::gooten::{Address, AddressFields, Item, OrderBuilder, Shipping, types};
///
/// let ship_to = Address::from(AddressFields {
///     first_name: "John",
///     last_name: "Doe",
///     line1: "350 5th Ave",
///     city: "New York",
///     postal_code: "10118",
///     country_code: "US",
///     phone: "212-555-0142",
///     email: "john.doe@example.com",
/// })
/// .set_state("NY");
/// let order: types::Order = OrderBuilder::new(
///     ship_to,
///     Item::new("CanvsWrp-BlkWrp-12x12", 1, Shipping::Type(types::ShipType::Standard))
///         .add_image("https://cdn.example.com/artwork/sunset.jpg"),
/// )
/// .add_item(Item::new("PrintaMug-11oz", 2, Shipping::CarrierMethod(3)))
/// .set_source_id("WEB-100482")
/// .set_test_mode(true)
/// .build();
/// let json = serde_json::to_value(&order).unwrap();
/// assert_eq!(json["Items"][1]["ShipCarrierMethodId"], 3);
/// assert_eq!(json["BillingAddress"]["FirstName"], "John");
/// ```
#[derive(Clone, Debug)]
#[must_use]
pub struct OrderBuilder {
    ship_to: Address,
    billing: Option<Address>,
    items: Vec<types::OrderItem>,
    source_id: Option<String>,
    test_mode: Option<bool>,
    pre_submit: Option<bool>,
    coupon_codes: Vec<String>,
    meta: BTreeMap<String, String>,
    payment: Option<types::Payment>,
}

impl OrderBuilder {
    /// An order to `ship_to` with one item; add more with [`add_item`](Self::add_item).
    pub fn new(ship_to: impl Into<Address>, item: Item) -> Self {
        OrderBuilder {
            ship_to: ship_to.into(),
            billing: None,
            items: vec![item.into()],
            source_id: None,
            test_mode: None,
            pre_submit: None,
            coupon_codes: Vec::new(),
            meta: BTreeMap::new(),
            payment: None,
        }
    }
    /// Adds an item.
    pub fn add_item(mut self, item: Item) -> Self {
        self.items.push(item.into());
        self
    }
    crate::setters::optional_setters! {
        /// A billing address other than the shipping address.
        set_billing_address => billing: impl Into<Address>;
        /// Your order id (`SourceId`): the client uses it to submit the order exactly once.
        set_source_id => source_id: impl Into<String>;
        /// `IsInTestMode`: a test order is not produced.
        set_test_mode => test_mode: bool;
        /// `IsPreSubmit`: place the order in PrePayment status (paid later through PayPal).
        set_pre_submit => pre_submit: bool;
    }
    /// Adds a coupon code (`CouponCodes`).
    pub fn add_coupon_code(mut self, value: impl Into<String>) -> Self {
        self.coupon_codes.push(value.into());
        self
    }
    /// One key/value pair of the order's `Meta`.
    pub fn set_meta(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.meta.insert(key.into(), value.into());
        self
    }
    /// The order's total and its currency (`Payment.Total`, `Payment.CurrencyCode`).
    pub fn set_total(mut self, total: impl Into<Amount>, currency_code: impl Into<String>) -> Self {
        let payment = self.payment.get_or_insert_with(types::Payment::default);
        payment.total = Some(total.into());
        payment.currency_code = Some(currency_code.into());
        self
    }
    /// The partner billing key, when the order should not use the client's (`Payment.PartnerBillingKey`).
    pub fn set_partner_billing_key(mut self, value: impl Into<String>) -> Self {
        let payment = self.payment.get_or_insert_with(types::Payment::default);
        payment.partner_billing_key = Some(value.into());
        self
    }
    /// The generated request type.
    pub fn build(self) -> types::Order {
        let billing = self.billing.unwrap_or_else(|| self.ship_to.clone());
        types::Order {
            billing_address: billing.into(),
            coupon_code: None,
            coupon_codes: self.coupon_codes,
            is_in_test_mode: self.test_mode,
            is_partner_source_id_unique: self.source_id.as_ref().map(|_| true),
            is_pre_submit: self.pre_submit,
            items: self.items,
            meta: (!self.meta.is_empty()).then_some(types::Meta(self.meta)),
            payment: self.payment,
            ship_to_address: self.ship_to.into(),
            source_id: self.source_id,
        }
    }
}

impl From<OrderBuilder> for types::Order {
    fn from(order: OrderBuilder) -> Self {
        order.build()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn john() -> Address {
        Address::from(AddressFields {
            first_name: "John",
            last_name: "Doe",
            line1: "350 5th Ave",
            city: "New York",
            postal_code: "10118",
            country_code: "US",
            phone: "212-555-0142",
            email: "john.doe@example.com",
        })
        .set_state("NY")
        .set_business_address(false)
    }

    /// The submitOrder request example of `spec/gooten.yaml`, built with the builder, field for field.
    #[test]
    fn builds_the_spec_example_exactly() {
        let spec: serde_json::Value =
            serde_norway::from_str(include_str!("../../spec/gooten.yaml")).unwrap();
        let expected = &spec["paths"]["/v/5/source/api/orders"]["post"]["requestBody"]["content"]["application/json"]
            ["example"];
        assert!(expected.is_object(), "the spec has the example");
        let order = OrderBuilder::new(
            john().set_line2("Suite 2100"),
            Item::new(
                "CanvsWrp-BlkWrp-12x12",
                1,
                Shipping::Type(types::ShipType::Standard),
            )
            .add_image_with_thumbnail(
                "https://cdn.example.com/artwork/sunset-3900x3900.jpg",
                Some("https://cdn.example.com/artwork/sunset-preview.jpg".to_string()),
            )
            .set_source_id("WEB-100482-1")
            .set_meta("frame_note", "gift"),
        )
        .set_billing_address(john())
        .set_partner_billing_key("k8Jd9+2fQ/xYz0aBcDeFgH1jKlMnOpQrStUvWx==")
        .set_total("83.45".parse::<Amount>().unwrap(), "USD")
        .set_source_id("WEB-100482")
        .set_test_mode(true)
        .set_meta("customer_accountID", "12993029")
        .set_meta("campaign", "schoolyear2015")
        .build();
        assert_eq!(&serde_json::to_value(&order).unwrap(), expected);
    }

    #[test]
    fn the_shipping_choice_is_exactly_one_field() {
        let by_method = types::OrderItem::from(Item::new("S", 2, Shipping::CarrierMethod(7)));
        assert_eq!(
            (by_method.ship_type, by_method.ship_carrier_method_id),
            (None, Some(7))
        );
        let json = serde_json::to_value(
            OrderBuilder::new(john(), Item::new("S", 1, types::ShipType::Overnight)).build(),
        )
        .unwrap();
        let item = json["Items"][0].as_object().unwrap();
        assert_eq!(item["ShipType"], "overnight");
        assert!(!item.contains_key("ShipCarrierMethodId"));
        // Without a SourceId, uniqueness is not asked for.
        assert!(json.get("IsPartnerSourceIdUnique").is_none());
        assert_eq!(json["BillingAddress"], {
            let mut ship = json["ShipToAddress"].clone();
            ship.as_object_mut().unwrap().remove("Line2");
            ship
        });
    }
}
