//! API keys: generation, hashing, authentication, first-run bootstrap.
//!
//! A key is `rk_` + 40 base62 characters (≈238 bits) from the OS random
//! source. Only its SHA-256 is stored (a key is high-entropy, so a fast hash
//! is enough: there is nothing to brute-force), plus a short visible prefix so
//! people can tell their keys apart. The key is shown once, at creation.

use rampart_store::{ApiKeyRecord, Role};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::{App, Principal};

const KEY_PREFIX: &str = "rk_";
const KEY_CHARS: usize = 40;
const VISIBLE_CHARS: usize = 8;
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A newly created key: the secret is never retrievable again.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct NewKey {
    pub record: ApiKeyRecord,
    pub secret: String,
}

fn generate_secret() -> Result<String, AppError> {
    let mut out = String::from(KEY_PREFIX);
    // Rejection sampling keeps every character uniformly likely.
    let limit = 256 - (256 % ALPHABET.len());
    while out.len() < KEY_PREFIX.len() + KEY_CHARS {
        let mut buf = [0u8; 64];
        getrandom::fill(&mut buf).map_err(|e| AppError::Unavailable { message: format!("no randomness: {e}") })?;
        for b in buf {
            if usize::from(b) < limit && out.len() < KEY_PREFIX.len() + KEY_CHARS {
                out.push(char::from(ALPHABET[usize::from(b) % ALPHABET.len()]));
            }
        }
    }
    Ok(out)
}

/// Hex SHA-256 of a presented key.
pub fn hash_key(secret: &str) -> String {
    Sha256::digest(secret.as_bytes()).iter().map(|b| format!("{b:02x}")).collect()
}

fn visible_prefix(secret: &str) -> String {
    secret.chars().take(KEY_PREFIX.len() + VISIBLE_CHARS).collect()
}

fn well_formed(secret: &str) -> bool {
    secret.len() == KEY_PREFIX.len() + KEY_CHARS
        && secret.starts_with(KEY_PREFIX)
        && secret[KEY_PREFIX.len()..].bytes().all(|b| b.is_ascii_alphanumeric())
}

impl App {
    /// The principal a bearer key stands for.
    pub async fn authenticate(&self, secret: &str) -> Result<Principal, AppError> {
        let unauthorized = || AppError::Unauthorized { message: "a valid API key is required".into() };
        if !well_formed(secret) {
            return Err(unauthorized());
        }
        let key = self.store.find_api_key(&hash_key(secret)).await?.ok_or_else(unauthorized)?;
        let (_, role) = self.store.workspace_for(&key.workspace_id, &key.user_id).await.map_err(|_| unauthorized())?;
        Ok(Principal { user_id: key.user_id, workspace_id: key.workspace_id, role, key_id: key.id })
    }

    /// Creates a key for the caller in `workspace_id` (their current one by default).
    pub async fn create_key(
        &self,
        who: &Principal,
        workspace_id: Option<&str>,
        name: &str,
    ) -> Result<NewKey, AppError> {
        let ws = workspace_id.unwrap_or(&who.workspace_id);
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(AppError::invalid("invalid_field", "name: a key name has 1 to 100 characters"));
        }
        self.create_key_for(&who.user_id, ws, name).await
    }

    pub(crate) async fn create_key_for(
        &self,
        user_id: &str,
        workspace_id: &str,
        name: &str,
    ) -> Result<NewKey, AppError> {
        let secret = generate_secret()?;
        let record = self
            .store
            .create_api_key(workspace_id, user_id, name, &visible_prefix(&secret), &hash_key(&secret))
            .await?;
        Ok(NewKey { record, secret })
    }

    /// Keys of the workspace: all of them for an owner, one's own for a member.
    pub async fn list_keys(&self, who: &Principal) -> Result<Vec<ApiKeyRecord>, AppError> {
        let keys = self.store.list_api_keys(&who.workspace_id).await?;
        Ok(keys.into_iter().filter(|k| who.role == Role::Owner || k.user_id == who.user_id).collect())
    }

    pub async fn revoke_key(&self, who: &Principal, key_id: &str) -> Result<(), AppError> {
        let keys = self.store.list_api_keys(&who.workspace_id).await?;
        let key = keys.iter().find(|k| k.id == key_id).ok_or_else(|| AppError::not_found("api key"))?;
        if key.user_id != who.user_id && who.role != Role::Owner {
            // A member cannot see others' keys, so it does not exist for them.
            return Err(AppError::not_found("api key"));
        }
        Ok(self.store.revoke_api_key(&who.workspace_id, key_id).await?)
    }

    /// On an empty database: creates the first user, their workspace and a key.
    /// Returns `None` when users exist already.
    pub async fn bootstrap(&self, email: &str, name: &str) -> Result<Option<NewKey>, AppError> {
        if self.store.count_users().await? > 0 {
            return Ok(None);
        }
        let (user, ws) = self.store.create_user(email, name).await?;
        self.create_key_for(&user.id, &ws.id, "first key").await.map(Some)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_well_formed_and_distinct() {
        let a = generate_secret().unwrap();
        let b = generate_secret().unwrap();
        assert!(well_formed(&a) && well_formed(&b));
        assert_ne!(a, b);
        assert_eq!(visible_prefix(&a).len(), 11);
        assert_eq!(hash_key(&a).len(), 64);
        assert!(!well_formed("rk_short"));
        assert!(!well_formed(&format!("xx_{}", &a[3..])));
    }
}
