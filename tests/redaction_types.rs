//! Generated types that carry credentials print `[redacted]` in `Debug`.

use hyperspell::types::{RedeemInstallTokenResponse, UserTokenResponse};

#[test]
fn user_token_response_debug_hides_the_token() {
    let response: UserTokenResponse = serde_json::from_value(serde_json::json!({
        "token": "eyJhbGciOiJIUzI1NiJ9.very-secret",
        "expires_at": "2030-01-01T00:00:00Z"
    }))
    .unwrap();
    let debug = format!("{response:?} {response:#?}");
    assert!(!debug.contains("very-secret"), "{debug}");
    assert!(
        debug.contains("[redacted]") && debug.contains("expires_at"),
        "{debug}"
    );
    // The value itself is untouched.
    assert_eq!(response.token, "eyJhbGciOiJIUzI1NiJ9.very-secret");
}

#[test]
fn install_token_redemption_hides_token_and_user_key() {
    let response: RedeemInstallTokenResponse = serde_json::from_value(serde_json::json!({
        "api_url": "https://api.hyperspell.com",
        "app_slug": "demo",
        "email": "someone@example.com",
        "token": "tok-secret-1",
        "user_key": "key-secret-2"
    }))
    .unwrap();
    let debug = format!("{response:?}");
    assert!(
        !debug.contains("tok-secret-1") && !debug.contains("key-secret-2"),
        "{debug}"
    );
    assert!(debug.contains("demo"), "{debug}");
}

#[test]
fn builders_of_credential_types_hide_them_too() {
    let builder = UserTokenResponse::builder()
        .token("eyJhbGciOiJIUzI1NiJ9.builder-secret")
        .expires_at(chrono::DateTime::<chrono::Utc>::from_timestamp(0, 0).unwrap());
    let debug = format!("{builder:?} {builder:#?}");
    assert!(!debug.contains("builder-secret"), "{debug}");
    assert!(
        debug.contains("[redacted]") && debug.contains("1970"),
        "{debug}"
    );
}
