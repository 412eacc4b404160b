//! User tokens: mint one for a user and build a client from it.

use std::time::Duration;

use chrono::{DateTime, Utc};

use crate::secret::Secret;
use crate::{Client, Error, types};

/// A JWT user token from `POST /auth/user_token`, scoped to one user; safe to hand to a
/// browser. `Debug` does not show the token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserToken {
    pub token: Secret,
    pub expires_at: DateTime<Utc>,
}

impl UserToken {
    /// Time left until [`expires_at`](Self::expires_at) (zero once expired).
    pub fn expires_in(&self) -> Duration {
        (self.expires_at - Utc::now())
            .to_std()
            .unwrap_or(Duration::ZERO)
    }

    pub fn is_expired(&self) -> bool {
        self.expires_at <= Utc::now()
    }
}

impl From<types::UserTokenResponse> for UserToken {
    fn from(response: types::UserTokenResponse) -> Self {
        UserToken {
            token: Secret::new(response.token),
            expires_at: response.expires_at,
        }
    }
}

impl From<&UserToken> for Secret {
    fn from(token: &UserToken) -> Self {
        token.token.clone()
    }
}

impl From<UserToken> for Secret {
    fn from(token: UserToken) -> Self {
        token.token
    }
}

impl Client {
    /// Mints a user token for `user_id` (`POST /auth/user_token`, default lifetime 24 h).
    /// Needs an API key.
    ///
    /// ```no_run
    /// # async fn f(client: hyperspell::Client) -> Result<(), hyperspell::Error> {
    /// let token = client.mint_user_token("user_123").await?;
    /// let user_client = client.with_user_token(&token);
    /// println!("valid until {}", token.expires_at);
    /// # Ok(()) }
    /// ```
    pub async fn mint_user_token(&self, user_id: impl Into<String>) -> Result<UserToken, Error> {
        self.mint_user_token_with(types::UserTokenRequest::builder().user_id(user_id.into()))
            .await
    }

    /// Mints a user token with every option of the request (`expires_in` such as `"2h"`,
    /// `origin` for CSRF binding).
    pub async fn mint_user_token_with(
        &self,
        request: impl TryInto<types::UserTokenRequest, Error: std::fmt::Display>,
    ) -> Result<UserToken, Error> {
        let response = self.auth().user_token().body(request).send().await?;
        Ok(response.into_inner().into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_token() {
        let token = UserToken {
            token: Secret::new("eyJhbGciOi.secret"),
            expires_at: Utc::now() + chrono::Duration::hours(2),
        };
        assert!(!format!("{token:?}").contains("eyJ"));
        assert!(!token.is_expired());
        assert!(token.expires_in() > Duration::from_secs(7100));
        let expired = UserToken {
            expires_at: Utc::now() - chrono::Duration::seconds(1),
            ..token
        };
        assert!(expired.is_expired());
        assert_eq!(expired.expires_in(), Duration::ZERO);
    }
}
