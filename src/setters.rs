//! The `set_x` methods of the hand-written query and order builders, written once: each stores `Some(value)` in
//! a field of the same meaning, so the three providers' builders cannot drift apart in how a setter behaves.

/// Declares builder methods `pub fn set_x(mut self, value: T) -> Self` that store `Some(value.into())` in a
/// field; `T` may be `impl Into<String>` (any string type) or a plain type. Each entry keeps its own doc.
///
/// ```ignore
/// optional_setters! {
///     /// The last name given in the order.
///     set_last_name => last_name: impl Into<String>;
///     /// Orders created on or after this date.
///     set_start_date => start_date: NaiveDate;
/// }
/// ```
macro_rules! optional_setters {
    ($($(#[$doc:meta])* $name:ident => $field:ident: $ty:ty;)*) => {$(
        $(#[$doc])*
        // For a plain type `T` the conversion is `T` into itself.
        #[allow(clippy::useless_conversion)]
        pub fn $name(mut self, value: $ty) -> Self {
            self.$field = Some(value.into());
            self
        }
    )*};
}
pub(crate) use optional_setters;
