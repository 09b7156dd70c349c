//! Every path parameter of every operation, from the specs, against hostile values.

use super::*;

/// Driven by the specs, not by hand-picked cases: every path parameter of every operation of every client,
/// given a value that would add, remove or climb a segment, is refused with `InvalidRequest` and nothing at
/// all is sent (not even a token request).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_path_parameter_of_any_operation_can_leave_its_segment() {
    const HOSTILE: &[&str] = &[
        "..",
        ".",
        "",
        "../../../admin",
        "a/b",
        "a\\b",
        "..\\x",
        "x\u{0}y",
        "x\ny",
    ];
    let server = Server::start().await;
    let (gooten, bootic, rewix) = clients(&format!("http://{}", server.addr));
    let (mut parameters, mut cases) = (0, 0);
    for provider in ["gooten", "bootic", "rewix"] {
        let dispatchable: &[&str] = match provider {
            "gooten" => gooten::generated::DISPATCHABLE,
            "bootic" => bootic::generated::DISPATCHABLE,
            _ => rewix::generated::DISPATCHABLE,
        };
        for op in operations(provider) {
            // Every operation with a path parameter can be run (none is left out of the generated client).
            assert!(
                op.path_params.is_empty() || dispatchable.contains(&op.id.as_str()),
                "{provider} {} cannot be dispatched",
                op.id
            );
            for (name, is_string) in &op.path_params {
                parameters += 1;
                for value in HOSTILE {
                    let mut args = op.args.clone();
                    args.insert(name.clone(), json!(value));
                    let before = *server.requests.lock().unwrap();
                    let result = match provider {
                        "gooten" => gooten::generated::dispatch(gooten.api(), &op.id, &args).await,
                        "bootic" => bootic::generated::dispatch(bootic.api(), &op.id, &args).await,
                        _ => rewix::generated::dispatch(rewix.api(), &op.id, &args).await,
                    };
                    let err = result.expect_err(&format!("{provider} {} {name}={value:?}", op.id));
                    assert_eq!(
                        err.kind(),
                        ErrorKind::InvalidRequest,
                        "{provider} {}: {err}",
                        op.id
                    );
                    // A string parameter reaches the path check; another type is refused as an argument.
                    if *is_string {
                        assert!(
                            err.to_string().contains("one path segment"),
                            "{provider} {} {name}={value:?}: {err}",
                            op.id
                        );
                    }
                    assert_eq!(
                        *server.requests.lock().unwrap(),
                        before,
                        "{provider} {} sent",
                        op.id
                    );
                    cases += 1;
                }
            }
        }
    }
    eprintln!("path parameters: {parameters}, hostile values refused: {cases}");
    assert!(parameters >= 5, "{parameters}");
}
