//! Evidence documents of a model (assertions, runs, sufficiency judgements,
//! control states, findings), the evidence log, and the workspace's signing
//! keys.
//!
//! Evidence changes are read-modify-write: [`Store::evidence_transaction`]
//! loads the live model and its evidence state, hands them to a pure function
//! that decides what to write, and writes it in the same transaction, so two
//! submissions never interleave half-way.

use diesel::prelude::*;
use rampart_model::ThreatModel;

use crate::activity::insert_activity;
use crate::conn::AnyConnection;
use crate::error::StoreError;
use crate::models::{bump_revision, find_model, live_model_in};
use crate::records::{NewActivity, SigningKeyRecord};
use crate::schema::{evidence_docs, evidence_log, signing_keys, workspaces};
use crate::store::{Store, now};

/// One stored evidence document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceDoc {
    pub kind: String,
    pub key: String,
    pub body: String,
}

/// One entry of the append-only evidence log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EvidenceLogEntry {
    pub kind: String,
    pub subject_id: String,
    pub body: String,
}

/// What an evidence computation sees.
#[derive(Debug, Clone)]
pub struct EvidenceState {
    /// The live view of the model.
    pub model: ThreatModel,
    /// The model's state revision this was read at.
    pub revision: u64,
    /// Every document except the kinds the caller left out.
    pub docs: Vec<EvidenceDoc>,
    pub require_signed_results: bool,
    /// Keys not revoked.
    pub keys: Vec<SigningKeyRecord>,
}

/// What an evidence computation decided to write.
#[derive(Debug, Clone, Default)]
pub struct EvidenceWrite {
    /// Insert or replace.
    pub upserts: Vec<EvidenceDoc>,
    /// Must not exist yet (a replayed run collides here).
    pub inserts: Vec<EvidenceDoc>,
    pub log: Vec<EvidenceLogEntry>,
    pub activity: Vec<NewActivity>,
}

fn docs_of(c: &mut AnyConnection, model_id: &str, skip_kinds: &[String]) -> Result<Vec<EvidenceDoc>, StoreError> {
    let rows: Vec<(String, String, String)> = evidence_docs::table
        .filter(evidence_docs::model_id.eq(model_id).and(evidence_docs::kind.ne_all(skip_kinds)))
        .order((evidence_docs::kind.asc(), evidence_docs::doc_key.asc()))
        .select((evidence_docs::kind, evidence_docs::doc_key, evidence_docs::body))
        .load(c)?;
    Ok(rows.into_iter().map(|(kind, key, body)| EvidenceDoc { kind, key, body }).collect())
}

type KeyRow = (String, String, String, String, chrono::NaiveDateTime, Option<chrono::NaiveDateTime>);

fn key_record(r: KeyRow) -> SigningKeyRecord {
    SigningKeyRecord {
        fingerprint: r.0,
        public_key_pem: r.1,
        label: r.2,
        created_by: r.3,
        created_at: r.4,
        revoked_at: r.5,
    }
}

const KEY_COLUMNS: (
    signing_keys::fingerprint,
    signing_keys::public_key_pem,
    signing_keys::label,
    signing_keys::created_by,
    signing_keys::created_at,
    signing_keys::revoked_at,
) = (
    signing_keys::fingerprint,
    signing_keys::public_key_pem,
    signing_keys::label,
    signing_keys::created_by,
    signing_keys::created_at,
    signing_keys::revoked_at,
);

fn keys_of(c: &mut AnyConnection, ws: &str, include_revoked: bool) -> Result<Vec<SigningKeyRecord>, StoreError> {
    let mut q = signing_keys::table.filter(signing_keys::workspace_id.eq(ws)).into_boxed();
    if !include_revoked {
        q = q.filter(signing_keys::revoked_at.is_null());
    }
    let rows: Vec<KeyRow> = q.order(signing_keys::created_at.asc()).select(KEY_COLUMNS).load(c)?;
    Ok(rows.into_iter().map(key_record).collect())
}

fn require_signed(c: &mut AnyConnection, ws: &str) -> Result<bool, StoreError> {
    workspaces::table
        .filter(workspaces::id.eq(ws))
        .select(workspaces::require_signed_results)
        .first(c)
        .optional()?
        .ok_or(StoreError::NotFound("workspace"))
}

/// The live model with its evidence documents, the workspace's setting and keys.
fn load_state(
    c: &mut AnyConnection,
    cache: &crate::snapshot_cache::SnapshotCache,
    ws: &str,
    id: &str,
    skip: &[String],
) -> Result<EvidenceState, StoreError> {
    let (model, revision) = live_model_in(c, cache, ws, id)?;
    Ok(EvidenceState {
        model,
        revision,
        docs: docs_of(c, id, skip)?,
        require_signed_results: require_signed(c, ws)?,
        keys: keys_of(c, ws, false)?,
    })
}

fn insert_doc(
    c: &mut AnyConnection,
    model_id: &str,
    d: &EvidenceDoc,
    at: chrono::NaiveDateTime,
) -> Result<(), StoreError> {
    diesel::insert_into(evidence_docs::table)
        .values((
            evidence_docs::model_id.eq(model_id),
            evidence_docs::kind.eq(&d.kind),
            evidence_docs::doc_key.eq(&d.key),
            evidence_docs::body.eq(&d.body),
            evidence_docs::updated_at.eq(at),
        ))
        .execute(c)?;
    Ok(())
}

fn write_evidence(c: &mut AnyConnection, ws: &str, model_id: &str, w: &EvidenceWrite) -> Result<(), StoreError> {
    let at = now();
    for d in &w.inserts {
        insert_doc(c, model_id, d, at).map_err(|e| match e {
            StoreError::Conflict(_) => StoreError::Conflict(format!("{} {} already exists", d.kind, d.key)),
            other => other,
        })?;
    }
    for d in &w.upserts {
        let key =
            (evidence_docs::model_id.eq(model_id), evidence_docs::kind.eq(&d.kind), evidence_docs::doc_key.eq(&d.key));
        let n = diesel::update(evidence_docs::table.filter(key.0.and(key.1).and(key.2)))
            .set((evidence_docs::body.eq(&d.body), evidence_docs::updated_at.eq(at)))
            .execute(c)?;
        if n == 0 {
            insert_doc(c, model_id, d, at)?;
        }
    }
    if !w.log.is_empty() {
        let max: Option<i64> = evidence_log::table
            .filter(evidence_log::model_id.eq(model_id))
            .select(diesel::dsl::max(evidence_log::seq))
            .first(c)?;
        let mut seq = max.unwrap_or(0);
        for entry in &w.log {
            seq += 1;
            diesel::insert_into(evidence_log::table)
                .values((
                    evidence_log::model_id.eq(model_id),
                    evidence_log::seq.eq(seq),
                    evidence_log::kind.eq(&entry.kind),
                    evidence_log::subject_id.eq(&entry.subject_id),
                    evidence_log::body.eq(&entry.body),
                    evidence_log::created_at.eq(at),
                ))
                .execute(c)?;
        }
    }
    for event in &w.activity {
        insert_activity(c, ws, event)?;
    }
    Ok(())
}

impl Store {
    /// Loads the model's evidence state (all document kinds but `skip_kinds`),
    /// lets `decide` compute what to write, and writes it, all in one
    /// transaction. `decide` must be pure: it may run on a blocking thread and
    /// nothing is written when it returns an error.
    pub async fn evidence_transaction<T, E, F>(
        &self,
        workspace_id: &str,
        model_id: &str,
        skip_kinds: &[&str],
        decide: F,
    ) -> Result<Result<T, E>, StoreError>
    where
        T: Send + 'static,
        E: Send + 'static,
        F: FnOnce(EvidenceState) -> Result<(EvidenceWrite, T), E> + Send + 'static,
    {
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        let skip: Vec<String> = skip_kinds.iter().map(|s| (*s).to_owned()).collect();
        let cache = self.snapshots.clone();
        let written = self
            .write(move |c| {
                // Takes the model's lock: two submissions never compute from the
                // same stale state, and cached assessments see the change.
                bump_revision(c, &ws, &id, None)?;
                match decide(load_state(c, &cache, &ws, &id, &skip)?) {
                    Ok((write, value)) => {
                        write_evidence(c, &ws, &id, &write)?;
                        Ok(Ok(value))
                    }
                    Err(e) => Ok(Err(e)),
                }
            })
            .await;
        self.revisions.written(model_id);
        written
    }

    /// The model's evidence state, read-only.
    pub async fn evidence_state(
        &self,
        workspace_id: &str,
        model_id: &str,
        skip_kinds: &[&str],
    ) -> Result<EvidenceState, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        let skip: Vec<String> = skip_kinds.iter().map(|s| (*s).to_owned()).collect();
        let cache = self.snapshots.clone();
        self.read(move |c| load_state(c, &cache, &ws, &id, &skip)).await
    }

    /// The documents of one kind, by key.
    pub async fn evidence_docs(
        &self,
        workspace_id: &str,
        model_id: &str,
        kind: &str,
    ) -> Result<Vec<EvidenceDoc>, StoreError> {
        let (ws, id, kind) = (workspace_id.to_owned(), model_id.to_owned(), kind.to_owned());
        self.read(move |c| {
            find_model(c, &ws, &id)?;
            let rows: Vec<(String, String)> = evidence_docs::table
                .filter(evidence_docs::model_id.eq(&id).and(evidence_docs::kind.eq(&kind)))
                .order(evidence_docs::doc_key.asc())
                .select((evidence_docs::doc_key, evidence_docs::body))
                .load(c)?;
            Ok(rows.into_iter().map(|(key, body)| EvidenceDoc { kind: kind.clone(), key, body }).collect())
        })
        .await
    }

    /// The log entries of one kind, oldest first; `subject_id` narrows to one subject.
    pub async fn evidence_log(
        &self,
        workspace_id: &str,
        model_id: &str,
        kind: &str,
        subject_id: Option<&str>,
    ) -> Result<Vec<EvidenceLogEntry>, StoreError> {
        let (ws, id, kind, subject) =
            (workspace_id.to_owned(), model_id.to_owned(), kind.to_owned(), subject_id.map(str::to_owned));
        self.read(move |c| {
            find_model(c, &ws, &id)?;
            let mut q = evidence_log::table
                .filter(evidence_log::model_id.eq(&id).and(evidence_log::kind.eq(&kind)))
                .into_boxed();
            if let Some(s) = &subject {
                q = q.filter(evidence_log::subject_id.eq(s));
            }
            let rows: Vec<(String, String)> =
                q.order(evidence_log::seq.asc()).select((evidence_log::subject_id, evidence_log::body)).load(c)?;
            Ok(rows
                .into_iter()
                .map(|(subject_id, body)| EvidenceLogEntry { kind: kind.clone(), subject_id, body })
                .collect())
        })
        .await
    }

    /// Registers a public key for the workspace. Registering the same key
    /// twice is a conflict; a revoked key cannot be registered again.
    pub async fn add_signing_key(
        &self,
        workspace_id: &str,
        key: SigningKeyRecord,
    ) -> Result<SigningKeyRecord, StoreError> {
        let ws = workspace_id.to_owned();
        self.write(move |c| {
            diesel::insert_into(signing_keys::table)
                .values((
                    signing_keys::workspace_id.eq(&ws),
                    signing_keys::fingerprint.eq(&key.fingerprint),
                    signing_keys::public_key_pem.eq(&key.public_key_pem),
                    signing_keys::label.eq(&key.label),
                    signing_keys::created_by.eq(&key.created_by),
                    signing_keys::created_at.eq(key.created_at),
                    signing_keys::revoked_at.eq(key.revoked_at),
                ))
                .execute(c)
                .map_err(|e| match StoreError::from(e) {
                    StoreError::Conflict(_) => StoreError::Conflict("this key is already registered".into()),
                    other => other,
                })?;
            Ok(key)
        })
        .await
    }

    pub async fn list_signing_keys(&self, workspace_id: &str) -> Result<Vec<SigningKeyRecord>, StoreError> {
        let ws = workspace_id.to_owned();
        self.read(move |c| keys_of(c, &ws, true)).await
    }

    /// Revokes a key: signatures by it are refused from now on.
    pub async fn revoke_signing_key(&self, workspace_id: &str, fingerprint: &str) -> Result<(), StoreError> {
        let (ws, fp) = (workspace_id.to_owned(), fingerprint.to_owned());
        self.write(move |c| {
            let n = diesel::update(
                signing_keys::table.filter(
                    signing_keys::workspace_id
                        .eq(&ws)
                        .and(signing_keys::fingerprint.eq(&fp))
                        .and(signing_keys::revoked_at.is_null()),
                ),
            )
            .set(signing_keys::revoked_at.eq(Some(now())))
            .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("signing key")) } else { Ok(()) }
        })
        .await
    }

    pub async fn require_signed_results(&self, workspace_id: &str) -> Result<bool, StoreError> {
        let ws = workspace_id.to_owned();
        self.read(move |c| require_signed(c, &ws)).await
    }

    pub async fn set_require_signed_results(&self, workspace_id: &str, required: bool) -> Result<(), StoreError> {
        let ws = workspace_id.to_owned();
        self.write(move |c| {
            let n = diesel::update(workspaces::table.filter(workspaces::id.eq(&ws)))
                .set(workspaces::require_signed_results.eq(required))
                .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("workspace")) } else { Ok(()) }
        })
        .await
    }
}
