//! `fulfillment-sandbox`: the embedded fakes of Gooten, Bootic and Rewix on one port, until Ctrl-C or SIGTERM.
//!
//! ```text
//! cargo run --features sandbox --bin fulfillment-sandbox -- --port 8080
//! ```

use std::{net::SocketAddr, process::ExitCode, time::Duration};

use fulfillment_apis::sandbox::{
    BooticSandbox, DEFAULT_MAX_ORDERS, GootenSandbox, RewixSandbox, Sandbox,
};

const USAGE: &str = "\
Serves fakes of the Gooten, Bootic and Rewix APIs on one port (paths /api/..., /v1/... and /oauth/token, /restful/...).

Usage: fulfillment-sandbox [OPTIONS]

Options:
  --host HOST          address to listen on [default: 127.0.0.1]
  --port PORT          port to listen on; 0 picks a free one [default: 8080]
  --latency-ms MS      fault injection: delay every answer by MS milliseconds [default: 0]
  --error-rate RATE    fault injection: answer this fraction of requests with a 5xx [default: 0]
  --drop-rate RATE     fault injection: apply, then drop the connection unanswered, on this fraction [default: 0]
  --seed SEED          seed of the fault injection RNG [default: fixed]
  --max-orders N       keep at most N orders per fake (Gooten, Rewix), evicting the oldest first; an evicted order
                       answers 404 and its SourceId or key may be used again [default: 100000]
  -h, --help           print this help";

struct Options {
    host: String,
    port: u16,
    latency: Duration,
    error_rate: f64,
    drop_rate: f64,
    seed: Option<u64>,
    max_orders: usize,
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Option<Options>, String> {
    let mut options = Options {
        host: "127.0.0.1".into(),
        port: 8080,
        latency: Duration::ZERO,
        error_rate: 0.0,
        drop_rate: 0.0,
        max_orders: DEFAULT_MAX_ORDERS,
        seed: None,
    };
    while let Some(arg) = args.next() {
        // Accept both `--port 8080` and `--port=8080`.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if name.starts_with("--") => {
                (name.to_string(), Some(value.to_string()))
            }
            _ => (arg, None),
        };
        if name == "-h" || name == "--help" {
            return Ok(None);
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        let invalid = |what: &str| format!("invalid {what} for {name}");
        match name.as_str() {
            "--host" => options.host = value()?,
            "--port" => options.port = value()?.parse().map_err(|_| invalid("port"))?,
            "--latency-ms" => {
                options.latency =
                    Duration::from_millis(value()?.parse().map_err(|_| invalid("number"))?)
            }
            "--error-rate" => options.error_rate = value()?.parse().map_err(|_| invalid("rate"))?,
            "--drop-rate" => options.drop_rate = value()?.parse().map_err(|_| invalid("rate"))?,
            "--seed" => options.seed = Some(value()?.parse().map_err(|_| invalid("seed"))?),
            "--max-orders" => {
                options.max_orders = value()?
                    .parse()
                    .ok()
                    .filter(|n| *n > 0)
                    .ok_or_else(|| invalid("max-orders"))?
            }
            other => return Err(format!("unknown option {other}")),
        }
    }
    Ok(Some(options))
}

/// Resolves when the process is asked to stop (Ctrl-C anywhere, SIGTERM on Unix).
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(Some(options)) => options,
        Ok(None) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("fulfillment-sandbox: {message}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let addr: SocketAddr = match tokio::net::lookup_host((options.host.as_str(), options.port))
        .await
        .map(|mut a| a.next())
    {
        Ok(Some(addr)) => addr,
        _ => {
            eprintln!("fulfillment-sandbox: cannot resolve host {}", options.host);
            return ExitCode::from(2);
        }
    };
    let sandbox = match Sandbox::bind(addr).await {
        Ok(sandbox) => sandbox,
        Err(e) => {
            eprintln!("fulfillment-sandbox: cannot listen on {addr}: {e}");
            return ExitCode::FAILURE;
        }
    };
    // One server serves the three APIs, so the three `faults()` are one handle.
    let faults = sandbox.gooten.faults();
    if let Some(seed) = options.seed {
        faults.reseed(seed);
    }
    faults.set_latency(options.latency);
    faults.set_error_rate(options.error_rate);
    faults.set_drop_after_commit_rate(options.drop_rate);
    sandbox.gooten.set_max_orders(options.max_orders);
    sandbox.rewix.set_max_orders(options.max_orders);

    println!(
        "fulfillment-sandbox listening on http://{}",
        sandbox.gooten.addr()
    );
    println!();
    println!("Gooten  base URL   {}", sandbox.gooten.base_url());
    println!("        recipeid   {}", GootenSandbox::RECIPE_ID);
    println!(
        "        partnerBillingKey {}",
        GootenSandbox::PARTNER_BILLING_KEY
    );
    println!("Bootic  base URL   {}", sandbox.bootic.base_url());
    println!("        token URL  {}", sandbox.bootic.token_url());
    println!("        client id  {}", BooticSandbox::CLIENT_ID);
    println!("        secret     {}", BooticSandbox::CLIENT_SECRET);
    println!("        shop id    {}", BooticSandbox::SHOP_ID);
    println!("Rewix   base URL   {}", sandbox.rewix.base_url());
    println!("        API key    {}", RewixSandbox::API_KEY);
    println!("        password   {}", RewixSandbox::PASSWORD);
    println!();
    println!("Ctrl-C to stop.");

    shutdown_signal().await;
    drop(sandbox);
    println!("fulfillment-sandbox stopped");
    ExitCode::SUCCESS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> impl Iterator<Item = String> {
        list.iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .into_iter()
    }

    #[test]
    fn defaults_and_overrides() {
        let defaults = parse_args(args(&[])).unwrap().unwrap();
        assert_eq!((defaults.host.as_str(), defaults.port), ("127.0.0.1", 8080));
        let set = parse_args(args(&[
            "--port",
            "0",
            "--host=0.0.0.0",
            "--drop-rate",
            "0.5",
            "--seed",
            "9",
        ]))
        .unwrap()
        .unwrap();
        assert_eq!(
            (set.host.as_str(), set.port, set.drop_rate, set.seed),
            ("0.0.0.0", 0, 0.5, Some(9))
        );
        assert!(parse_args(args(&["--help"])).unwrap().is_none());
        assert!(parse_args(args(&["--port"])).is_err());
        assert!(parse_args(args(&["--bogus"])).is_err());
    }
}
