//! Generates the typed client of every enabled provider from `spec/<provider>.yaml` with progenitor.
//!
//! The specs keep the whole truth for every generator; what progenitor 0.15 cannot take is handled here by a
//! normalizing pass (see `spec/README.md`, "What the Rust generator does differently"):
//!
//! - an operation offering several request media types keeps only `application/json`;
//! - an operation whose request body is `multipart/form-data` is left out (the hand-written layer implements it);
//! - a response offering several media types keeps only `application/json` when it has it;
//! - `type: number, format: decimal` becomes `crate::Amount` (an exact `rust_decimal::Decimal`, never `f64`);
//! - validation keywords on strings and integers (`pattern`, `minLength`, `maxLength`, `minimum`, `maximum`) are
//!   dropped, so `CountryCode` stays a `String` and `Quantity` an `i32` (typify would make validated newtypes and
//!   `NonZeroU32`s); the sandbox and `cargo xtask check` enforce them instead;
//! - a `form`, `explode: false` array query parameter becomes a string (progenitor would repeat the key);
//! - where an object declares both `x` and `_x` (HAL `class`/`_class`, `links`/`_links`), `_x` is kept and
//!   `x` is accepted as a serde alias of it (`build/rust_only.rs`).
//!
//! Output, per provider, in `OUT_DIR` (one concern per module of `build/`):
//!
//! - `<provider>.rs`: the client and types progenitor generates (`build/generate.rs`) from the spec after the
//!   normalizing pass (`build/normalize.rs`, `build/rust_only.rs`, over the one walker of `build/walk.rs`);
//! - `<provider>_api.rs`: the public wrappers, awaitable, written from progenitor's output (`build/api.rs`);
//! - `<provider>_dispatch.rs`: run any operation by operationId with JSON arguments (`build/dispatch.rs`);
//! - `<provider>_operations.rs`: the operation table the runtime reads (`build/table.rs`);
//! - `<provider>_schemas.rs`: component schema name to a serde round trip through its generated type, used by
//!   the example tests (`build/table.rs`).

#[path = "build/api.rs"]
mod api;
#[path = "build/dispatch.rs"]
mod dispatch;
#[path = "build/generate.rs"]
mod generate;
#[path = "build/normalize.rs"]
mod normalize;
#[path = "build/rust_only.rs"]
mod rust_only;
#[path = "build/table.rs"]
mod table;
#[path = "build/walk.rs"]
mod walk;

use std::{env, fs, path::PathBuf};

use openapiv3::OpenAPI;

/// Every provider: its cargo feature and its spec file share the name.
const PROVIDERS: &[&str] = &["gooten", "bootic", "rewix"];

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");

    for provider in PROVIDERS {
        let spec_path = root.join("spec").join(format!("{provider}.yaml"));
        println!("cargo:rerun-if-changed={}", spec_path.display());
        let feature = format!("CARGO_FEATURE_{}", provider.to_uppercase());
        if env::var_os(feature).is_none() {
            continue;
        }
        let text = fs::read_to_string(&spec_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", spec_path.display()));
        let mut spec: OpenAPI = serde_norway::from_str(&text).unwrap_or_else(|e| {
            panic!(
                "{} is not a valid OpenAPI 3.0 document: {e}",
                spec_path.display()
            )
        });
        let write = |name: String, code: String| {
            fs::write(out_dir.join(&name), code).unwrap_or_else(|e| panic!("write {name}: {e}"));
        };
        let rust = |tokens: proc_macro2::TokenStream, what: &str| -> String {
            let file: syn::File =
                syn::parse2(tokens).unwrap_or_else(|e| panic!("{what} is not valid Rust: {e}"));
            prettyplease::unparse(&file)
        };

        // From the spec as written: every operation, also those the generator is not given.
        let methods = table::operation_methods(&spec);
        write(
            format!("{provider}_operations.rs"),
            rust(table::operation_table(&spec), "the operation table"),
        );
        write(
            format!("{provider}_schemas.rs"),
            rust(table::schema_table(&spec), "the schema table"),
        );

        normalize::normalize(&mut spec);
        let kept = table::operation_methods(&spec);
        let left_out: Vec<String> = methods
            .iter()
            .map(|(id, _)| id.clone())
            .filter(|id| !kept.iter().any(|(kept, _)| kept == id))
            .collect();
        let aliases = rust_only::normalize(&mut spec);
        let open_enums = normalize::open_enums(&mut spec);

        let client = generate::generate(&spec, provider, &open_enums)
            .unwrap_or_else(|e| panic!("progenitor failed on {}: {e}", spec_path.display()));
        let generated = api::read(&client);
        dispatch::check_table(provider, &methods, &generated, &left_out);
        let id_of = |method: &str| {
            methods
                .iter()
                .find(|(_, m)| m == method)
                .map(|(id, _)| id.clone())
                .expect("check_table found every generated method in the table")
        };
        write(
            format!("{provider}_api.rs"),
            rust(api::wrappers(&generated, &id_of), "the wrappers"),
        );
        write(
            format!("{provider}_dispatch.rs"),
            dispatch::dispatcher(&methods, &generated),
        );
        write(
            format!("{provider}.rs"),
            rust_only::add_aliases(prettyplease::unparse(&client), &aliases),
        );
    }
}
