//! The Bootic fake's OAuth2 token endpoint (client credentials) and the bearer-token checks of every call.

use super::*;

/// The token endpoint's answer. The spec describes the token endpoint only as a security scheme (it is on another
/// host in production), so there is no generated type for it; the fields are RFC 6749's.
#[derive(Serialize)]
pub(super) struct TokenResponse {
    access_token: String,
    token_type: &'static str,
    expires_in: u64,
    scope: String,
}

#[derive(Serialize)]
pub(super) struct OAuthError {
    error: &'static str,
    error_description: &'static str,
}

pub(super) fn oauth_error(
    status: StatusCode,
    error: &'static str,
    error_description: &'static str,
) -> Response {
    let mut response = json(
        status,
        &OAuthError {
            error,
            error_description,
        },
    );
    if status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            header::WWW_AUTHENTICATE,
            HeaderValue::from_static("Basic realm=\"bootic\""),
        );
    }
    response
}

/// `POST /oauth/token` with `grant_type=client_credentials&scope=admin`, the client authenticated with HTTP Basic.
pub(super) async fn issue_token(State(state): BState, headers: HeaderMap, body: Bytes) -> Answer {
    match basic_credentials(&headers) {
        Some((id, secret)) if id == CLIENT_ID && secret == CLIENT_SECRET => {}
        _ => {
            return Err(oauth_error(
                StatusCode::UNAUTHORIZED,
                "invalid_client",
                "Client authentication failed.",
            )
            .into());
        }
    }
    let form: HashMap<String, String> = url::form_urlencoded::parse(&body).into_owned().collect();
    match form.get("grant_type").map(String::as_str) {
        Some("client_credentials") => {}
        None => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "invalid_request",
                "grant_type is missing.",
            )
            .into());
        }
        // The other grants Bootic supports (authorization code, password, JWT assertion) are not faked.
        Some(_) => {
            return Err(oauth_error(
                StatusCode::BAD_REQUEST,
                "unsupported_grant_type",
                "The sandbox supports client_credentials only.",
            )
            .into());
        }
    }
    let requested = form.get("scope").map(String::as_str).unwrap_or("admin");
    let mut scopes = Vec::new();
    for name in requested.split([' ', ',']).filter(|s| !s.is_empty()) {
        let scope = match name {
            "admin" => Scope::Admin,
            "public" => Scope::Public,
            _ => {
                return Err(oauth_error(
                    StatusCode::BAD_REQUEST,
                    "invalid_scope",
                    "Known scopes are admin and public.",
                )
                .into());
            }
        };
        if !scopes.contains(&scope) {
            scopes.push(scope);
        }
    }
    if scopes.is_empty() {
        scopes.push(Scope::Admin);
    }
    let mut inner = lock(&state.inner);
    let token: String = (0..40).map(|_| inner.rng.alphanumeric()).collect();
    let lifetime = inner.token_lifetime;
    let scope = scope_string(&scopes, " ");
    inner.tokens.insert(
        token.clone(),
        Token {
            expires: Instant::now() + lifetime,
            scopes,
        },
    );
    inner.tokens_issued += 1;
    let expires_in = lifetime.as_secs() + u64::from(lifetime.subsec_nanos() > 0);
    let mut response = json(
        StatusCode::OK,
        &TokenResponse {
            access_token: token,
            token_type: "bearer",
            expires_in,
            scope,
        },
    );
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

pub(super) fn scope_string(scopes: &[Scope], separator: &str) -> String {
    let names: Vec<&str> = scopes
        .iter()
        .map(|s| {
            if *s == Scope::Admin {
                "admin"
            } else {
                "public"
            }
        })
        .collect();
    names.join(separator)
}

/// The scopes of the request's live bearer token, or the 401/403 answer.
pub(super) fn authorize(
    state: &BooticState,
    headers: &HeaderMap,
    needs_admin: bool,
) -> Result<Vec<Scope>, Refusal> {
    let Some(token) = bearer_token(headers) else {
        return Err(unauthorized("The access token is missing."));
    };
    let mut inner = lock(&state.inner);
    let scopes = match inner.tokens.get(token) {
        None => return Err(unauthorized("The access token is invalid or was revoked.")),
        Some(live) if live.expires <= Instant::now() => {
            inner.tokens.remove(token);
            return Err(unauthorized("The access token expired."));
        }
        Some(live) => live.scopes.clone(),
    };
    if needs_admin && !scopes.contains(&Scope::Admin) {
        return Err(error(StatusCode::FORBIDDEN, "Forbidden").into());
    }
    Ok(scopes)
}

/// Checks the token (admin scope) and the shop id of an order path.
pub(super) fn authorize_shop(
    state: &BooticState,
    headers: &HeaderMap,
    shop_id: &str,
) -> Result<Vec<Scope>, Refusal> {
    let scopes = authorize(state, headers, true)?;
    if shop_id.parse::<i64>().ok() != Some(SHOP_ID) {
        return Err(error(StatusCode::NOT_FOUND, "Not found").into());
    }
    Ok(scopes)
}
