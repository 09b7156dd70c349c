//! The generated code is a pure function of the spec and the generator settings: these snapshots make every
//! change of either visible in review. Changing a spec without `cargo xtask regen` fails here.

macro_rules! snapshot_generated {
    ($feature:literal, $test:ident, $file:literal) => {
        #[cfg(feature = $feature)]
        #[test]
        fn $test() {
            let code = include_str!(concat!(env!("OUT_DIR"), "/", $file));
            insta::assert_snapshot!($file, code);
        }
    };
}

snapshot_generated!("gooten", gooten_client_source, "gooten.rs");
snapshot_generated!("gooten", gooten_operation_table, "gooten_operations.rs");
snapshot_generated!("gooten", gooten_public_api, "gooten_api.rs");
snapshot_generated!("bootic", bootic_client_source, "bootic.rs");
snapshot_generated!("bootic", bootic_operation_table, "bootic_operations.rs");
snapshot_generated!("bootic", bootic_public_api, "bootic_api.rs");
snapshot_generated!("rewix", rewix_client_source, "rewix.rs");
snapshot_generated!("rewix", rewix_operation_table, "rewix_operations.rs");
snapshot_generated!("rewix", rewix_public_api, "rewix_api.rs");
