//! `Client::from_env()` with real environment variables (its own test binary: it changes the
//! process environment).

use hyperspell::{Client, ConfigError};

#[test]
fn from_env_reads_key_base_url_and_custom_headers() {
    // SAFETY: this binary has this one test, so no other thread reads the environment.
    unsafe {
        std::env::remove_var("HYPERSPELL_API_KEY");
        std::env::remove_var("HYPERSPELL_BASE_URL");
        std::env::remove_var("HYPERSPELL_CUSTOM_HEADERS");
    }
    let err = Client::from_env().unwrap_err();
    assert!(matches!(err, ConfigError::MissingApiKey), "{err}");

    unsafe {
        std::env::set_var("HYPERSPELL_API_KEY", "hs-0-from-env");
        std::env::set_var("HYPERSPELL_BASE_URL", "http://127.0.0.1:4010/");
        std::env::set_var("HYPERSPELL_CUSTOM_HEADERS", "X-Team: infra");
    }
    let client = Client::from_env().unwrap();
    assert_eq!(client.base_url(), "http://127.0.0.1:4010");
    assert!(!format!("{client:?}").contains("hs-0-from-env"));

    unsafe { std::env::set_var("HYPERSPELL_CUSTOM_HEADERS", "not a header line") };
    assert!(matches!(
        Client::from_env().unwrap_err(),
        ConfigError::InvalidHeader { .. }
    ));
}
