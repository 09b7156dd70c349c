//! Rewix order status and substatus codes with their names.
//!
//! The codes are integers (`status` and `substatus` of an order). The provider's order-status table gives ten of
//! them; Zero11's own platform constants (xroads `utils/Constants.java`) add twelve more. [`StatusCode`] names
//! every one and keeps any other code as [`StatusCode::Other`], so a new code never fails a decode.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::OpenEnum;

use super::types;

/// A Rewix order status (or substatus) code, named when the evidence names it.
///
/// ```
/// use fulfillment_apis::rewix::StatusCode;
///
/// assert_eq!(StatusCode::from_code(5), StatusCode::Booked);
/// assert_eq!(StatusCode::Booked.to_string(), "5 BOOKED");
/// assert_eq!(StatusCode::from_code(7001).to_string(), "7001 (unknown)");
/// assert_eq!(StatusCode::from_code(7001).code(), 7001);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum StatusCode {
    /// 0 PENDING: the user is managing the cart.
    Pending,
    /// 1 MONEY WAITING: awaiting the payment gateway's response.
    MoneyWaiting,
    /// 2 TO DISPATCH: confirmed (paid), ready to be dispatched.
    ToDispatch,
    /// 3 DISPATCHED: the carrier has picked up the shipment.
    Dispatched,
    /// 5 BOOKED: created by the Send Order API or booked by bank transfer.
    Booked,
    /// 6 DROPSHIPPING (platform constant).
    Dropshipping,
    /// 1000 MONEY ERROR (platform constant).
    MoneyError,
    /// 2000 CANCELLED: order cancelled.
    Cancelled,
    /// 2001 EXCEPTION (platform constant).
    Exception,
    /// 2002 VERIFY FAILED: the payment gateway did not accept the payment.
    VerifyFailed,
    /// 2003 REFUND (platform constant).
    Refund,
    /// 2005 REJECTED (platform constant).
    Rejected,
    /// 3001 WORKING ON: the logistics office is working on the order.
    WorkingOn,
    /// 3002 READY: ready for pick-up.
    Ready,
    /// 3003 NOT DISPATCHABLE (platform constant).
    NotDispatchable,
    /// 3004 MISSING ITEMS (platform constant).
    MissingItems,
    /// 3005 DISPATCH NOT ALLOWED (platform constant).
    DispatchNotAllowed,
    /// 4000 WALLET PAYMENT SCHEDULED (platform constant).
    WalletPaymentScheduled,
    /// 5001 NOT AUTHORIZED (platform constant).
    NotAuthorized,
    /// 5002 AUTHORIZED (platform constant).
    Authorized,
    /// 5003 DROPSHIPPER GROWING: the virtual order holding reserved items.
    DropshipperGrowing,
    /// 5004 AUTHORIZED PHOTO (platform constant).
    AuthorizedPhoto,
    /// A code no source names, kept as received.
    Other(i32),
}

/// Every named code: variant, code, name.
const NAMED: &[(StatusCode, i32, &str)] = &[
    (StatusCode::Pending, 0, "PENDING"),
    (StatusCode::MoneyWaiting, 1, "MONEY WAITING"),
    (StatusCode::ToDispatch, 2, "TO DISPATCH"),
    (StatusCode::Dispatched, 3, "DISPATCHED"),
    (StatusCode::Booked, 5, "BOOKED"),
    (StatusCode::Dropshipping, 6, "DROPSHIPPING"),
    (StatusCode::MoneyError, 1000, "MONEY ERROR"),
    (StatusCode::Cancelled, 2000, "CANCELLED"),
    (StatusCode::Exception, 2001, "EXCEPTION"),
    (StatusCode::VerifyFailed, 2002, "VERIFY FAILED"),
    (StatusCode::Refund, 2003, "REFUND"),
    (StatusCode::Rejected, 2005, "REJECTED"),
    (StatusCode::WorkingOn, 3001, "WORKING ON"),
    (StatusCode::Ready, 3002, "READY"),
    (StatusCode::NotDispatchable, 3003, "NOT DISPATCHABLE"),
    (StatusCode::MissingItems, 3004, "MISSING ITEMS"),
    (StatusCode::DispatchNotAllowed, 3005, "DISPATCH NOT ALLOWED"),
    (
        StatusCode::WalletPaymentScheduled,
        4000,
        "WALLET PAYMENT SCHEDULED",
    ),
    (StatusCode::NotAuthorized, 5001, "NOT AUTHORIZED"),
    (StatusCode::Authorized, 5002, "AUTHORIZED"),
    (StatusCode::DropshipperGrowing, 5003, "DROPSHIPPER GROWING"),
    (StatusCode::AuthorizedPhoto, 5004, "AUTHORIZED PHOTO"),
];

impl StatusCode {
    /// The status for an integer code; a code no source names is [`StatusCode::Other`].
    pub fn from_code(code: i32) -> Self {
        NAMED
            .iter()
            .find(|(_, c, _)| *c == code)
            .map_or(StatusCode::Other(code), |(status, ..)| *status)
    }

    /// The integer code as the API sends it.
    pub fn code(self) -> i32 {
        match self {
            StatusCode::Other(code) => code,
            named => NAMED
                .iter()
                .find(|(status, ..)| *status == named)
                .map_or(-1, |(_, code, _)| *code),
        }
    }

    /// The name of the code as the provider writes it (`"TO DISPATCH"`), or `None` for an unknown code.
    pub fn name(self) -> Option<&'static str> {
        NAMED
            .iter()
            .find(|(status, ..)| *status == self)
            .map(|(.., name)| *name)
    }

    /// Whether the order has left the warehouse or can no longer move (dispatched, cancelled, refunded,
    /// rejected, or its payment failed).
    pub fn is_final(self) -> bool {
        matches!(
            self,
            StatusCode::Dispatched
                | StatusCode::Cancelled
                | StatusCode::VerifyFailed
                | StatusCode::Refund
                | StatusCode::Rejected
        )
    }
}

impl fmt::Display for StatusCode {
    /// `5 BOOKED`, or `7001 (unknown)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => write!(f, "{} {name}", self.code()),
            None => write!(f, "{} (unknown)", self.code()),
        }
    }
}

impl From<i32> for StatusCode {
    fn from(code: i32) -> Self {
        StatusCode::from_code(code)
    }
}

impl From<StatusCode> for i32 {
    fn from(status: StatusCode) -> Self {
        status.code()
    }
}

impl From<types::OrderStatus> for StatusCode {
    fn from(status: types::OrderStatus) -> Self {
        StatusCode::from_code(*status)
    }
}

impl From<&OpenEnum<types::OrderStatus>> for StatusCode {
    fn from(status: &OpenEnum<types::OrderStatus>) -> Self {
        match status {
            OpenEnum::Known(known) => StatusCode::from_code(**known),
            OpenEnum::Unknown(value) => value
                .as_i64()
                .and_then(|v| i32::try_from(v).ok())
                .map_or(StatusCode::Other(i32::MIN), StatusCode::from_code),
        }
    }
}

impl fmt::Display for types::OrderStatus {
    /// `5 BOOKED`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        StatusCode::from_code(**self).fmt(f)
    }
}

impl Serialize for StatusCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_i32(self.code())
    }
}

impl<'de> Deserialize<'de> for StatusCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        i32::deserialize(deserializer).map(StatusCode::from_code)
    }
}

impl types::ClientOrder {
    /// The order's status with its name (an unknown code is kept as [`StatusCode::Other`]).
    pub fn status_code(&self) -> StatusCode {
        StatusCode::from(&self.status)
    }

    /// The order's substatus, when set: a code from the same list as the status.
    pub fn substatus_code(&self) -> Option<StatusCode> {
        self.substatus.map(StatusCode::from_code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_round_trips_and_the_spec_lists_it() {
        for (status, code, name) in NAMED {
            assert_eq!(StatusCode::from_code(*code), *status);
            assert_eq!(status.code(), *code);
            assert_eq!(status.to_string(), format!("{code} {name}"));
            // The generated closed enum (spec `OrderStatus`) knows every named code.
            assert!(types::OrderStatus::try_from(*code).is_ok(), "{code}");
        }
    }

    #[test]
    fn an_order_decodes_with_an_integer_substatus_and_an_unknown_status() {
        let order: types::ClientOrder =
            serde_json::from_str(r#"{"order_id": 1, "status": 7001, "substatus": 3001}"#).unwrap();
        assert_eq!(order.status_code(), StatusCode::Other(7001));
        assert_eq!(order.substatus_code(), Some(StatusCode::WorkingOn));
        let null: types::ClientOrder =
            serde_json::from_str(r#"{"order_id": 1, "status": 5, "substatus": null}"#).unwrap();
        assert_eq!(null.status_code().to_string(), "5 BOOKED");
        assert_eq!(null.substatus_code(), None);
    }
}
