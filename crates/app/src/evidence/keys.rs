//! The workspace's signing keys and verification settings.

use chrono::Utc;
use rampart_attest::PublicKey;
use rampart_store::SigningKeyRecord;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::{App, Principal};

/// A public key to accept signatures from.
#[derive(Debug, Clone, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSigningKey {
    /// PEM `PUBLIC KEY` (P-256 SubjectPublicKeyInfo).
    pub public_key_pem: String,
    pub label: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct VerificationSettings {
    /// Refuse verification runs that are not signed by a registered key.
    pub require_signed_results: bool,
}

impl App {
    /// Registers a key (owners only).
    pub async fn add_signing_key(&self, who: &Principal, req: NewSigningKey) -> Result<SigningKeyRecord, AppError> {
        who.require_owner()?;
        let key = PublicKey::from_pem(&req.public_key_pem).map_err(|e| AppError::invalid(e.code(), e.to_string()))?;
        let label = rampart_model::BoundedText::name("label", &req.label, 200)?;
        let label = label.as_str();
        let record = SigningKeyRecord {
            fingerprint: key.fingerprint(),
            public_key_pem: key.to_pem(),
            label: label.to_owned(),
            created_by: who.user_id.clone(),
            created_at: Utc::now().naive_utc(),
            revoked_at: None,
        };
        Ok(self.store.add_signing_key(&who.workspace_id, record).await?)
    }

    pub async fn list_signing_keys(&self, who: &Principal) -> Result<Vec<SigningKeyRecord>, AppError> {
        Ok(self.store.list_signing_keys(&who.workspace_id).await?)
    }

    /// Revokes a key (owners only): its signatures are refused from now on.
    pub async fn revoke_signing_key(&self, who: &Principal, fingerprint: &str) -> Result<(), AppError> {
        who.require_owner()?;
        Ok(self.store.revoke_signing_key(&who.workspace_id, fingerprint).await?)
    }

    pub async fn verification_settings(&self, who: &Principal) -> Result<VerificationSettings, AppError> {
        Ok(VerificationSettings { require_signed_results: self.store.require_signed_results(&who.workspace_id).await? })
    }

    pub async fn set_verification_settings(
        &self,
        who: &Principal,
        settings: VerificationSettings,
    ) -> Result<VerificationSettings, AppError> {
        who.require_owner()?;
        self.store.set_require_signed_results(&who.workspace_id, settings.require_signed_results).await?;
        Ok(settings)
    }
}
