//! API keys: generation, hashing, authentication, first-run bootstrap.
//!
//! What a key may do, decided here and in [`Principal`] only:
//! - A key is bound to one workspace. It reads and changes that workspace
//!   alone; a path that names any other workspace, even another of the same
//!   user's, is not found (404), exactly like a stranger's.
//! - Its role is its holder's current role in that workspace, capped by the
//!   role it was created with (an owner can mint a `member` key for CI that
//!   cannot manage members, keys or settings). Leaving a workspace revokes
//!   the holder's keys there.
//! - Account-wide acts (deleting the account) need an owner key of the
//!   holder's personal workspace. A new team workspace comes with its own
//!   first key, since the key that created it cannot reach it.
//!
//! A successful authentication is remembered for [`AUTH_TTL`] (by the key's
//! hash, never the key), so a busy client costs one lookup a second, not one
//! a request. Anything in this process that takes access away (revoking a
//! key, removing or demoting a member, deleting a workspace or an account)
//! forgets every remembered key at once; a change made by another server
//! process takes effect here within [`AUTH_TTL`].
//!
//! A key is `rk_` + 40 base62 characters (≈238 bits) from the OS random
//! source. Only its SHA-256 is stored (a key is high-entropy, so a fast hash
//! is enough: there is nothing to brute-force), plus a short visible prefix so
//! people can tell their keys apart. The key is shown once, at creation.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use rampart_model::BoundedText;
use rampart_store::{ApiKeyRecord, Role};
use sha2::{Digest, Sha256};

use crate::error::AppError;
use crate::{App, Principal};

const KEY_PREFIX: &str = "rk_";
const KEY_CHARS: usize = 40;
const VISIBLE_CHARS: usize = 8;
/// Longest key name, in characters.
const MAX_KEY_NAME_CHARS: usize = 100;
const ALPHABET: &[u8] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/// A new user, their personal workspace and its first key (shown once).
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct NewUser {
    pub user: rampart_store::User,
    pub workspace: rampart_store::Workspace,
    pub key: NewKey,
}

/// A newly created key: the secret is never retrievable again.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct NewKey {
    pub record: ApiKeyRecord,
    pub secret: String,
}

fn generate_secret() -> Result<String, AppError> {
    random_token(KEY_PREFIX)
}

/// `prefix` + 40 uniformly random base62 characters from the OS source.
pub(crate) fn random_token(prefix: &str) -> Result<String, AppError> {
    let mut out = String::from(prefix);
    // Rejection sampling keeps every character uniformly likely.
    let limit = 256 - (256 % ALPHABET.len());
    while out.len() < prefix.len() + KEY_CHARS {
        let mut buf = [0u8; 64];
        getrandom::fill(&mut buf).map_err(|e| AppError::Unavailable { message: format!("no randomness: {e}") })?;
        for b in buf {
            if usize::from(b) < limit && out.len() < prefix.len() + KEY_CHARS {
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

/// A fresh key secret and what the store keeps of it.
pub(crate) fn fresh_key() -> Result<(String, rampart_store::KeyMaterial), AppError> {
    let secret = generate_secret()?;
    let material = rampart_store::KeyMaterial { prefix: visible_prefix(&secret), hash: hash_key(&secret) };
    Ok((secret, material))
}

fn well_formed(secret: &str) -> bool {
    token_well_formed(secret, KEY_PREFIX)
}

/// Whether `token` is `prefix` + 40 base62 characters (checked before any
/// lookup, so junk never reaches the database).
pub(crate) fn token_well_formed(token: &str, prefix: &str) -> bool {
    token.len() == prefix.len() + KEY_CHARS
        && token.starts_with(prefix)
        && token[prefix.len()..].bytes().all(|b| b.is_ascii_alphanumeric())
}

/// How long a successful authentication is remembered.
pub const AUTH_TTL: std::time::Duration = std::time::Duration::from_secs(1);
/// Most keys remembered at once.
const REMEMBERED_KEYS: usize = 4096;

/// Recently authenticated keys, by hash.
#[derive(Debug, Clone, Default)]
pub(crate) struct AuthCache(Arc<Mutex<HashMap<String, (Principal, Instant)>>>);

impl AuthCache {
    fn get(&self, hash: &str) -> Option<Principal> {
        let map = self.0.lock().ok()?;
        map.get(hash).filter(|(_, at)| at.elapsed() < AUTH_TTL).map(|(p, _)| p.clone())
    }

    fn put(&self, hash: String, principal: Principal) {
        if let Ok(mut map) = self.0.lock() {
            if map.len() >= REMEMBERED_KEYS {
                map.retain(|_, (_, at)| at.elapsed() < AUTH_TTL);
            }
            if map.len() < REMEMBERED_KEYS {
                map.insert(hash, (principal, Instant::now()));
            }
        }
    }

    /// Forgets every key: access was taken away somewhere.
    pub(crate) fn forget_all(&self) {
        if let Ok(mut map) = self.0.lock() {
            map.clear();
        }
    }
}

impl App {
    /// The principal a bearer key stands for.
    pub async fn authenticate(&self, secret: &str) -> Result<Principal, AppError> {
        let unauthorized = || AppError::Unauthorized { message: "a valid API key is required".into() };
        if !well_formed(secret) {
            return Err(unauthorized());
        }
        let hash = hash_key(secret);
        if let Some(known) = self.auth_cache.get(&hash) {
            return Ok(known);
        }
        // Only "no such live key" is a 401: a database outage is a 503, so a
        // client retries instead of concluding its key was revoked.
        let (key, holder_role) = self.store.find_api_key(&hash).await?.ok_or_else(unauthorized)?;
        let principal = Principal {
            user_id: key.user_id,
            workspace_id: key.workspace_id,
            role: holder_role.capped_by(key.role),
            key_id: key.id,
        };
        self.auth_cache.put(hash, principal.clone());
        Ok(principal)
    }

    /// Creates a key for the caller in the key's own workspace (naming any
    /// other is not found), granting at most `role` and never more than the
    /// caller has.
    pub async fn create_key(
        &self,
        who: &Principal,
        workspace_id: Option<&str>,
        name: &str,
        role: Option<Role>,
    ) -> Result<NewKey, AppError> {
        if let Some(ws) = workspace_id {
            who.in_workspace(ws)?;
        }
        let name = BoundedText::name("name", name, MAX_KEY_NAME_CHARS)?;
        if role == Some(Role::Owner) && who.role != Role::Owner {
            return Err(AppError::forbidden("a member cannot create an owner key"));
        }
        // A member's key is capped at member even if they are promoted later.
        let role = match who.role {
            Role::Member => Some(Role::Member),
            Role::Owner => role,
        };
        self.create_key_for(&who.user_id, &who.workspace_id, name.as_str(), role).await
    }

    pub(crate) async fn create_key_for(
        &self,
        user_id: &str,
        workspace_id: &str,
        name: &str,
        role: Option<Role>,
    ) -> Result<NewKey, AppError> {
        let secret = generate_secret()?;
        let record = self
            .store
            .create_api_key(workspace_id, user_id, name, role, &visible_prefix(&secret), &hash_key(&secret))
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
        self.store.revoke_api_key(&who.workspace_id, key_id).await?;
        self.auth_cache.forget_all();
        Ok(())
    }

    /// A new owner key for the user with `email`, for an operator on the
    /// server's host (a lost first key): for their personal workspace, or for
    /// `workspace_id` if they own it. Nothing over the network reaches this.
    pub async fn operator_mint_key(
        &self,
        email: &str,
        workspace_id: Option<&str>,
        name: &str,
    ) -> Result<NewKey, AppError> {
        let name = BoundedText::name("name", name, MAX_KEY_NAME_CHARS)?;
        let (user, personal) =
            self.store.find_user_by_email(email).await?.ok_or_else(|| AppError::not_found(format!("user {email}")))?;
        let workspace = match workspace_id {
            None => personal.id,
            Some(ws) => {
                let (found, role) = self.store.workspace_for(ws, &user.id).await?;
                if role != Role::Owner {
                    return Err(AppError::forbidden(format!("{email} does not own workspace {ws}")));
                }
                found.id
            }
        };
        self.create_key_for(&user.id, &workspace, name.as_str(), None).await
    }

    /// Creates a user with their personal workspace and a first owner key for
    /// it, for an operator on the server's host (and for test suites).
    pub async fn operator_create_user(&self, email: &str, display_name: &str) -> Result<NewUser, AppError> {
        let email = BoundedText::name("email", email, 254)?;
        let display_name = BoundedText::name("display_name", display_name, 100)?;
        let (user, workspace) = self.store.create_user(email.as_str(), display_name.as_str()).await?;
        let key = self.create_key_for(&user.id, &workspace.id, "first key", None).await?;
        Ok(NewUser { user, workspace, key })
    }

    /// On an empty database: creates the first user, their workspace and a key.
    /// Returns `None` when users exist already.
    pub async fn bootstrap(&self, email: &str, name: &str) -> Result<Option<NewKey>, AppError> {
        if self.store.count_users().await? > 0 {
            return Ok(None);
        }
        let (user, ws) = self.store.create_user(email, name).await?;
        self.create_key_for(&user.id, &ws.id, "first key", None).await.map(Some)
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
