use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Order {
    #[serde(rename = "Id")]
    id: Option<String>,
    #[serde(rename = "Total")]
    total: Option<f64>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_root_certificates(rustls::RootCertStore::empty())
        .with_no_client_auth();
    let http = reqwest::Client::builder()
        .tls_backend_preconfigured(config)
        .build()
        .unwrap();
    let _ = (
        &http,
        rustls_platform_verifier::Verifier::new,
        chrono::Utc::now(),
        bytes::Bytes::new(),
    );
    let order: Result<Order, _> = serde_json::from_str(r#"{"Id":"1","Total":1.5}"#);
    let _ = rust_decimal::Decimal::ONE;
    println!(
        "{order:?} {}",
        url::Url::parse("https://api.gooten.com").unwrap()
    );
    tracing::info!("done");
    let _ = futures::future::ready(http::StatusCode::OK).await;
}
