//! progenitor, run with the crate's settings over the normalized spec.

use openapiv3::OpenAPI;
use progenitor::{GenerationSettings, Generator, HooksMode, InterfaceStyle, TagStyle, TypeImpl};
use quote::quote;

use crate::normalize::open_name;

/// The generated client and types, parsed (read back by `build/api.rs`, pretty-printed into `<provider>.rs`).
pub fn generate(
    spec: &OpenAPI,
    provider: &str,
    open_enums: &[String],
) -> Result<syn::File, String> {
    let mut settings = GenerationSettings::new();
    for name in open_enums {
        settings.with_replacement(
            open_name(name),
            format!("crate::OpenEnum<crate::{provider}::generated::types::{name}>"),
            std::iter::empty(),
        );
    }
    settings
        .with_interface(InterfaceStyle::Builder)
        .with_tag(TagStyle::Merged)
        // The hand-written runtime (auth, retries, tracing, error normalization) is the client's inner value,
        // and its `ClientHooks` impl is required, so a generated client can never bypass it.
        .with_inner_type(quote!(crate::runtime::Runtime))
        .with_hooks(HooksMode::Expected)
        .with_map_type("::std::collections::BTreeMap")
        .with_conversion(
            decimal_schema(),
            "crate::Amount",
            [TypeImpl::Display, TypeImpl::FromStr, TypeImpl::Default].into_iter(),
        )
        // A password or token in a body (`format: password`) is a `Secret`: never shown by `Debug`.
        .with_conversion(password_schema(), "crate::Secret", std::iter::empty());
    let tokens = Generator::new(&settings)
        .generate_tokens(spec)
        .map_err(|e| e.to_string())?;
    syn::parse2(tokens).map_err(|e| e.to_string())
}

/// The schema that `with_conversion` maps to `crate::Secret`: `type: string, format: password`.
fn password_schema() -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::String.into()),
        format: Some("password".to_string()),
        ..Default::default()
    }
}

/// The schema that `with_conversion` maps to `crate::Amount` (typify ignores metadata when matching).
fn decimal_schema() -> schemars::schema::SchemaObject {
    schemars::schema::SchemaObject {
        instance_type: Some(schemars::schema::InstanceType::Number.into()),
        format: Some("decimal".to_string()),
        ..Default::default()
    }
}
