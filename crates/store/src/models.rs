//! Models, their immutable versions, and the records laid over a version at
//! read time (factor revisions, metadata).

use diesel::prelude::*;
use rampart_model::{MetadataChange, MetadataRecord, ThreatModel};
use rampart_risk::FactorRevision;

use crate::activity::insert_activity;
use crate::conn::AnyConnection;
use crate::error::StoreError;
use crate::records::{ModelRecord, NewActivity, Page, VersionRecord, VersionSummary, clamp_limit};
use crate::schema::{factor_revisions, metadata_records, model_versions, models};
use crate::snapshot_cache::SnapshotCache;
use crate::store::{Store, new_id, now};

type ModelRow = (String, String, String, String, i32, Option<String>, chrono::NaiveDateTime, chrono::NaiveDateTime);

const COLUMNS: (
    models::id,
    models::workspace_id,
    models::name,
    models::description,
    models::current_version,
    models::system_id,
    models::created_at,
    models::updated_at,
) = (
    models::id,
    models::workspace_id,
    models::name,
    models::description,
    models::current_version,
    models::system_id,
    models::created_at,
    models::updated_at,
);

fn model(r: ModelRow) -> ModelRecord {
    ModelRecord {
        id: r.0,
        workspace_id: r.1,
        name: r.2,
        description: r.3,
        current_version: u32::try_from(r.4).unwrap_or(0),
        system_id: r.5,
        created_at: r.6,
        updated_at: r.7,
    }
}

fn version_number(v: u32) -> Result<i32, StoreError> {
    i32::try_from(v).map_err(|_| StoreError::Invalid(format!("version {v} is out of range")))
}

pub(crate) fn find_model(c: &mut AnyConnection, ws: &str, id: &str) -> Result<ModelRecord, StoreError> {
    models::table
        .filter(models::workspace_id.eq(ws).and(models::id.eq(id)))
        .select(COLUMNS)
        .first::<ModelRow>(c)
        .optional()?
        .map(model)
        .ok_or(StoreError::NotFound("model"))
}

/// A workspace's model with its state revision, in one query.
fn find_model_at(c: &mut AnyConnection, ws: &str, id: &str) -> Result<(ModelRecord, u64), StoreError> {
    models::table
        .filter(models::workspace_id.eq(ws).and(models::id.eq(id)))
        .select((COLUMNS, models::revision))
        .first::<(ModelRow, i64)>(c)
        .optional()?
        .map(|(row, rev)| (model(row), u64::try_from(rev).unwrap_or(0)))
        .ok_or(StoreError::NotFound("model"))
}

/// The model's state revision (see [`bump_revision`]).
pub(crate) fn revision_of(c: &mut AnyConnection, ws: &str, id: &str) -> Result<u64, StoreError> {
    let rev: i64 = models::table
        .filter(models::workspace_id.eq(ws).and(models::id.eq(id)))
        .select(models::revision)
        .first(c)
        .optional()?
        .ok_or(StoreError::NotFound("model"))?;
    Ok(u64::try_from(rev).unwrap_or(0))
}

/// Every write to a model starts here: it bumps the model's state revision,
/// which takes the model row's lock until the transaction ends (PostgreSQL;
/// SQLite writers are serialised already), so writes to one model happen one
/// at a time and the per-model sequence numbers assigned after it cannot
/// collide. With `expected`, the write is refused with
/// [`StoreError::StateChanged`] unless the model is still at that revision:
/// the caller computed from a state someone else has changed since.
pub(crate) fn bump_revision(
    c: &mut AnyConnection,
    ws: &str,
    id: &str,
    expected: Option<u64>,
) -> Result<(), StoreError> {
    let target = models::table.filter(models::workspace_id.eq(ws).and(models::id.eq(id)));
    let bump = (models::revision.eq(models::revision + 1), models::updated_at.eq(now()));
    let n = match expected {
        Some(rev) => {
            let rev = i64::try_from(rev).map_err(|_| StoreError::Invalid("revision out of range".into()))?;
            diesel::update(target.filter(models::revision.eq(rev))).set(bump).execute(c)?
        }
        None => diesel::update(target).set(bump).execute(c)?,
    };
    if n == 0 {
        // Either gone (or foreign), or moved on since the caller read it.
        revision_of(c, ws, id)?;
        return Err(StoreError::StateChanged);
    }
    Ok(())
}

fn name_taken(c: &mut AnyConnection, ws: &str, key: &str, except: Option<&str>) -> Result<bool, StoreError> {
    let mut q = models::table.filter(models::workspace_id.eq(ws).and(models::name_key.eq(key))).into_boxed();
    if let Some(id) = except {
        q = q.filter(models::id.ne(id));
    }
    Ok(q.count().get_result::<i64>(c)? > 0)
}

fn insert_version(
    c: &mut AnyConnection,
    model_id: &str,
    m: &ThreatModel,
    actor: &str,
) -> Result<VersionSummary, StoreError> {
    let summary = VersionSummary {
        version: m.version,
        content_hash: m.content_hash(),
        created_by: actor.to_owned(),
        created_at: now(),
    };
    diesel::insert_into(model_versions::table)
        .values((
            model_versions::model_id.eq(model_id),
            model_versions::version.eq(version_number(m.version)?),
            model_versions::snapshot.eq(serde_json::to_string(m)?),
            model_versions::content_hash.eq(&summary.content_hash),
            model_versions::created_by.eq(actor),
            model_versions::created_at.eq(summary.created_at),
        ))
        .execute(c)?;
    Ok(summary)
}

/// Next sequence number of an append-only per-model log.
fn next_seq(c: &mut AnyConnection, model_id: &str, metadata: bool) -> Result<i64, StoreError> {
    let max: Option<i64> = if metadata {
        metadata_records::table
            .filter(metadata_records::model_id.eq(model_id))
            .select(diesel::dsl::max(metadata_records::seq))
            .first(c)?
    } else {
        factor_revisions::table
            .filter(factor_revisions::model_id.eq(model_id))
            .select(diesel::dsl::max(factor_revisions::seq))
            .first(c)?
    };
    Ok(max.unwrap_or(0) + 1)
}

/// One version of a workspace's model, verified against its content hash
/// (or taken from the cache of verified snapshots).
fn load_version(
    c: &mut AnyConnection,
    cache: &SnapshotCache,
    ws: &str,
    id: &str,
    version: Option<u32>,
) -> Result<VersionRecord, StoreError> {
    let m = find_model(c, ws, id)?;
    version_of(c, cache, &m, version)
}

/// One version of the model `m` (already found in its workspace).
fn version_of(
    c: &mut AnyConnection,
    cache: &SnapshotCache,
    m: &ModelRecord,
    version: Option<u32>,
) -> Result<VersionRecord, StoreError> {
    let id = m.id.as_str();
    let n = version_number(version.unwrap_or(m.current_version))?;
    let (hash, by, at): (String, String, chrono::NaiveDateTime) = model_versions::table
        .filter(model_versions::model_id.eq(id).and(model_versions::version.eq(n)))
        .select((model_versions::content_hash, model_versions::created_by, model_versions::created_at))
        .first(c)
        .optional()?
        .ok_or(StoreError::NotFound("version"))?;
    let model = match cache.get(id, n, &hash) {
        Some(model) => model,
        None => {
            let snapshot: String = model_versions::table
                .filter(model_versions::model_id.eq(id).and(model_versions::version.eq(n)))
                .select(model_versions::snapshot)
                .first(c)?;
            let model: ThreatModel = serde_json::from_str(&snapshot)?;
            if model.content_hash() != hash {
                return Err(StoreError::Corrupt(format!("version {n} of model {id} does not match its content hash")));
            }
            cache.put(id, n, &hash, &model);
            model
        }
    };
    let summary = VersionSummary { version: model.version, content_hash: hash, created_by: by, created_at: at };
    Ok(VersionRecord { summary, model })
}

/// Inserts a model with its version 1 and the activity event; `job` marks
/// the generation job that made it (unique, so a retried job cannot make a
/// second one).
pub(crate) fn insert_model(
    c: &mut AnyConnection,
    ws: &str,
    actor: &str,
    name: String,
    description: String,
    first: &ThreatModel,
    job: Option<&str>,
) -> Result<ModelRecord, StoreError> {
    let key = rampart_model::name::name_key(&name);
    if name_taken(c, ws, &key, None)? {
        return Err(StoreError::Conflict(format!("a model named \"{name}\" already exists in this workspace")));
    }
    let at = now();
    let rec = ModelRecord {
        id: new_id(),
        workspace_id: ws.to_owned(),
        name,
        description,
        current_version: 1,
        system_id: None,
        created_at: at,
        updated_at: at,
    };
    diesel::insert_into(models::table)
        .values((
            models::id.eq(&rec.id),
            models::workspace_id.eq(&rec.workspace_id),
            models::name.eq(&rec.name),
            models::name_key.eq(&key),
            models::description.eq(&rec.description),
            models::current_version.eq(1),
            models::created_at.eq(at),
            models::updated_at.eq(at),
            models::created_by_job.eq(job),
        ))
        .execute(c)?;
    insert_version(c, &rec.id, first, actor)?;
    insert_activity(
        c,
        ws,
        &NewActivity {
            actor_user_id: Some(actor.to_owned()),
            action: "model_created".into(),
            model_id: Some(rec.id.clone()),
            entity_id: None,
            details: serde_json::json!({"name": rec.name}),
        },
    )?;
    Ok(rec)
}

/// The names of the workspace's models (for auto-suffixing a generated name).
pub(crate) fn model_names(c: &mut AnyConnection, ws: &str) -> Result<Vec<String>, StoreError> {
    Ok(models::table.filter(models::workspace_id.eq(ws)).select(models::name).load(c)?)
}

/// The live view: the current version with its factor revisions and
/// metadata laid over it, read inside the caller's transaction.
pub(crate) fn live_model_in(
    c: &mut AnyConnection,
    cache: &SnapshotCache,
    ws: &str,
    id: &str,
) -> Result<(ThreatModel, u64), StoreError> {
    let (m, revision) = find_model_at(c, ws, id)?;
    let version = version_of(c, cache, &m, None)?;
    let revisions = factor_revisions_of(c, id)?;
    let metadata = metadata_of(c, id)?;
    Ok((version.model.overlaid(&revisions, &metadata), revision))
}

/// Parses the JSON bodies of an append-only log, in order.
fn parse_bodies<T: serde::de::DeserializeOwned>(bodies: &[String]) -> Result<Vec<T>, StoreError> {
    bodies.iter().map(|b| serde_json::from_str(b).map_err(StoreError::from)).collect()
}

fn factor_revisions_of(c: &mut AnyConnection, model_id: &str) -> Result<Vec<FactorRevision>, StoreError> {
    let bodies: Vec<String> = factor_revisions::table
        .filter(factor_revisions::model_id.eq(model_id))
        .order(factor_revisions::seq.asc())
        .select(factor_revisions::body)
        .load(c)?;
    parse_bodies(&bodies)
}

fn metadata_of(c: &mut AnyConnection, model_id: &str) -> Result<Vec<MetadataRecord>, StoreError> {
    let bodies: Vec<String> = metadata_records::table
        .filter(metadata_records::model_id.eq(model_id))
        .order(metadata_records::seq.asc())
        .select(metadata_records::body)
        .load(c)?;
    parse_bodies(&bodies)
}

impl Store {
    /// Creates a model with its version 1. The name must be free in the
    /// workspace (case-insensitively).
    pub async fn create_model(
        &self,
        workspace_id: &str,
        actor_user_id: &str,
        name: &str,
        description: &str,
        first: &ThreatModel,
    ) -> Result<ModelRecord, StoreError> {
        if first.version != 1 {
            return Err(StoreError::Invalid("a new model starts at version 1".into()));
        }
        let (ws, actor, name, description, first) =
            (workspace_id.to_owned(), actor_user_id.to_owned(), name.to_owned(), description.to_owned(), first.clone());
        self.write(move |c| insert_model(c, &ws, &actor, name, description, &first, None)).await
    }

    pub async fn get_model(&self, workspace_id: &str, model_id: &str) -> Result<ModelRecord, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        self.read(move |c| find_model(c, &ws, &id)).await
    }

    /// Models of a workspace by creation order, optionally those whose name
    /// contains `search` (case-insensitively); `after` is the previous page's cursor.
    pub async fn list_models(
        &self,
        workspace_id: &str,
        search: Option<&str>,
        after: Option<&str>,
        limit: u32,
    ) -> Result<Page<ModelRecord>, StoreError> {
        let (ws, search, after) =
            (workspace_id.to_owned(), search.map(rampart_model::name::name_key), after.map(str::to_owned));
        let limit = clamp_limit(limit);
        self.read(move |c| {
            let mut q = models::table.filter(models::workspace_id.eq(&ws)).into_boxed();
            if let Some(s) = search.filter(|s| !s.is_empty()) {
                // LIKE wildcards in the search text are matched literally.
                let escaped = s.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_");
                q = q.filter(models::name_key.like(format!("%{escaped}%")).escape('\\'));
            }
            if let Some(a) = &after {
                q = q.filter(models::id.gt(a));
            }
            let rows: Vec<ModelRow> = q.order(models::id.asc()).limit(limit + 1).select(COLUMNS).load(c)?;
            let more = rows.len() as i64 > limit;
            let items: Vec<ModelRecord> = rows.into_iter().take(limit as usize).map(model).collect();
            let next_cursor = if more { items.last().map(|m| m.id.clone()) } else { None };
            Ok(Page { items, next_cursor })
        })
        .await
    }

    /// One version (the current one when `version` is `None`), its snapshot
    /// checked against the stored content hash.
    pub async fn get_version(
        &self,
        workspace_id: &str,
        model_id: &str,
        version: Option<u32>,
    ) -> Result<VersionRecord, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        let cache = self.snapshots.clone();
        self.read(move |c| load_version(c, &cache, &ws, &id, version)).await
    }

    pub async fn list_versions(&self, workspace_id: &str, model_id: &str) -> Result<Vec<VersionSummary>, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        self.read(move |c| {
            find_model(c, &ws, &id)?;
            let rows: Vec<(i32, String, String, chrono::NaiveDateTime)> = model_versions::table
                .filter(model_versions::model_id.eq(&id))
                .order(model_versions::version.asc())
                .select((
                    model_versions::version,
                    model_versions::content_hash,
                    model_versions::created_by,
                    model_versions::created_at,
                ))
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(|r| VersionSummary {
                    version: u32::try_from(r.0).unwrap_or(0),
                    content_hash: r.1,
                    created_by: r.2,
                    created_at: r.3,
                })
                .collect())
        })
        .await
    }

    /// Appends the next version if the model is still at `next.version - 1`
    /// and, with `expected_revision`, still at the state it was computed from
    /// (a factor or metadata change in between would otherwise be dropped
    /// from the new version), with its activity events, in one transaction.
    pub async fn append_version(
        &self,
        workspace_id: &str,
        model_id: &str,
        actor_user_id: &str,
        next: &ThreatModel,
        events: Vec<NewActivity>,
        expected_revision: Option<u64>,
    ) -> Result<VersionSummary, StoreError> {
        let (ws, id, actor, next) =
            (workspace_id.to_owned(), model_id.to_owned(), actor_user_id.to_owned(), next.clone());
        let expected =
            next.version.checked_sub(1).filter(|v| *v >= 1).ok_or_else(|| {
                StoreError::Invalid(format!("version {} cannot follow another version", next.version))
            })?;
        let written = self
            .write(move |c| {
                bump_revision(c, &ws, &id, expected_revision)?;
                let claimed = diesel::update(
                    models::table.filter(
                        models::workspace_id
                            .eq(&ws)
                            .and(models::id.eq(&id))
                            .and(models::current_version.eq(version_number(expected)?)),
                    ),
                )
                .set((models::current_version.eq(version_number(next.version)?), models::updated_at.eq(now())))
                .execute(c)?;
                if claimed == 0 {
                    let current = find_model(c, &ws, &id)?.current_version;
                    return Err(StoreError::VersionConflict { current, expected });
                }
                let summary = insert_version(c, &id, &next, &actor)?;
                for e in &events {
                    insert_activity(c, &ws, e)?;
                }
                Ok(summary)
            })
            .await;
        self.revisions.written(model_id);
        written
    }

    /// Renames a model (metadata: no new version).
    pub async fn rename_model(
        &self,
        workspace_id: &str,
        model_id: &str,
        actor_user_id: &str,
        name: &str,
    ) -> Result<(), StoreError> {
        let (ws, id, name, actor) =
            (workspace_id.to_owned(), model_id.to_owned(), name.to_owned(), actor_user_id.to_owned());
        let written = self
            .write(move |c| {
                bump_revision(c, &ws, &id, None)?;
                let old = find_model(c, &ws, &id)?;
                let key = rampart_model::name::name_key(&name);
                if name_taken(c, &ws, &key, Some(&id))? {
                    return Err(StoreError::Conflict(format!(
                        "a model named \"{name}\" already exists in this workspace"
                    )));
                }
                diesel::update(models::table.filter(models::workspace_id.eq(&ws).and(models::id.eq(&id))))
                    .set((models::name.eq(&name), models::name_key.eq(&key), models::updated_at.eq(now())))
                    .execute(c)?;
                insert_activity(
                    c,
                    &ws,
                    &NewActivity {
                        actor_user_id: Some(actor),
                        action: "model_renamed".into(),
                        model_id: Some(id.clone()),
                        entity_id: None,
                        details: serde_json::json!({"from": old.name, "to": name}),
                    },
                )?;
                Ok(())
            })
            .await;
        self.revisions.written(model_id);
        written
    }

    /// Deletes a model with all its versions and records.
    pub async fn delete_model(
        &self,
        workspace_id: &str,
        model_id: &str,
        actor_user_id: &str,
    ) -> Result<(), StoreError> {
        let (ws, id, actor) = (workspace_id.to_owned(), model_id.to_owned(), actor_user_id.to_owned());
        let written = self
            .write(move |c| {
                let old = find_model(c, &ws, &id)?;
                diesel::delete(models::table.filter(models::workspace_id.eq(&ws).and(models::id.eq(&id))))
                    .execute(c)?;
                insert_activity(
                    c,
                    &ws,
                    &NewActivity {
                        actor_user_id: Some(actor),
                        action: "model_deleted".into(),
                        model_id: Some(id.clone()),
                        entity_id: None,
                        details: serde_json::json!({"name": old.name}),
                    },
                )?;
                Ok(())
            })
            .await;
        self.revisions.written(model_id);
        written
    }

    /// Appends a factor revision (its `seq` is assigned here, under the
    /// model's lock) if it was made against the model's current version and,
    /// with `expected_revision`, its current state.
    pub async fn append_factor_revision(
        &self,
        workspace_id: &str,
        model_id: &str,
        revision: &FactorRevision,
        expected_revision: Option<u64>,
    ) -> Result<FactorRevision, StoreError> {
        let (ws, id, mut revision) = (workspace_id.to_owned(), model_id.to_owned(), revision.clone());
        let written = self.write(move |c| {
            bump_revision(c, &ws, &id, expected_revision)?;
            let m = find_model(c, &ws, &id)?;
            if m.current_version != revision.model_version {
                return Err(StoreError::VersionConflict {
                    current: m.current_version,
                    expected: revision.model_version,
                });
            }
            let seq = next_seq(c, &id, false)?;
            revision.seq = u64::try_from(seq).unwrap_or(0);
            diesel::insert_into(factor_revisions::table)
                .values((
                    factor_revisions::model_id.eq(&id),
                    factor_revisions::seq.eq(seq),
                    factor_revisions::model_version.eq(version_number(revision.model_version)?),
                    factor_revisions::body.eq(serde_json::to_string(&revision)?),
                    factor_revisions::created_at.eq(now()),
                ))
                .execute(c)?;
            let subject = match &revision.subject {
                rampart_risk::FactorSubject::Asset(s) | rampart_risk::FactorSubject::Attacker(s) => s.clone(),
            };
            insert_activity(c, &ws, &NewActivity {
                actor_user_id: Some(revision.editor.clone()),
                action: "factors_edited".into(),
                model_id: Some(id.clone()),
                entity_id: Some(subject),
                details: serde_json::json!({"seq": revision.seq, "change_reason": revision.change_reason, "changes": revision.changes}),
            })?;
            Ok(revision)
        })
        .await;
        self.revisions.written(model_id);
        written
    }

    pub async fn list_factor_revisions(
        &self,
        workspace_id: &str,
        model_id: &str,
    ) -> Result<Vec<FactorRevision>, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        self.read(move |c| {
            find_model(c, &ws, &id)?;
            factor_revisions_of(c, &id)
        })
        .await
    }

    /// Appends a metadata change against the current version (with
    /// `expected_revision`, only if the model's state is the one the change
    /// was validated against).
    pub async fn append_metadata(
        &self,
        workspace_id: &str,
        model_id: &str,
        actor_user_id: &str,
        change: &MetadataChange,
        expected_revision: Option<u64>,
    ) -> Result<MetadataRecord, StoreError> {
        let (ws, id, change, actor) =
            (workspace_id.to_owned(), model_id.to_owned(), change.clone(), actor_user_id.to_owned());
        let written = self
            .write(move |c| {
                bump_revision(c, &ws, &id, expected_revision)?;
                let m = find_model(c, &ws, &id)?;
                let seq = next_seq(c, &id, true)?;
                let record =
                    MetadataRecord { seq: u64::try_from(seq).unwrap_or(0), model_version: m.current_version, change };
                diesel::insert_into(metadata_records::table)
                    .values((
                        metadata_records::model_id.eq(&id),
                        metadata_records::seq.eq(seq),
                        metadata_records::model_version.eq(version_number(m.current_version)?),
                        metadata_records::body.eq(serde_json::to_string(&record)?),
                        metadata_records::created_at.eq(now()),
                    ))
                    .execute(c)?;
                let (action, entity) = match &record.change {
                    MetadataChange::Cal { co_id, .. } => ("cal_set", co_id.to_string()),
                    MetadataChange::ComponentGrades { component_id, .. } => {
                        ("component_grades_set", component_id.to_string())
                    }
                    MetadataChange::ControlStatus { control_id, .. } => ("control_status_set", control_id.to_string()),
                    MetadataChange::ControlNotes { control_id, .. } => ("control_notes_set", control_id.to_string()),
                };
                insert_activity(
                    c,
                    &ws,
                    &NewActivity {
                        actor_user_id: Some(actor),
                        action: action.into(),
                        model_id: Some(id.clone()),
                        entity_id: Some(entity),
                        details: serde_json::to_value(&record.change)?,
                    },
                )?;
                Ok(record)
            })
            .await;
        self.revisions.written(model_id);
        written
    }

    pub async fn list_metadata(&self, workspace_id: &str, model_id: &str) -> Result<Vec<MetadataRecord>, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        self.read(move |c| {
            find_model(c, &ws, &id)?;
            metadata_of(c, &id)
        })
        .await
    }

    /// The live view of a model: its current version with this version's
    /// factor revisions and metadata laid over it.
    pub async fn live_model(&self, workspace_id: &str, model_id: &str) -> Result<ThreatModel, StoreError> {
        Ok(self.live_state(workspace_id, model_id).await?.0)
    }

    /// The live view with the state revision it was read at: pass the
    /// revision to the write that follows, so it is refused if anything
    /// changed in between.
    pub async fn live_state(&self, workspace_id: &str, model_id: &str) -> Result<(ThreatModel, u64), StoreError> {
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        let cache = self.snapshots.clone();
        // One transaction: the version and its overlays are read from one
        // consistent state, and the model is looked up once.
        self.read(move |c| live_model_in(c, &cache, &ws, &id)).await
    }

    /// The model's state revision: changes with every write to the model.
    pub async fn model_revision(&self, workspace_id: &str, model_id: &str) -> Result<u64, StoreError> {
        if let Some(known) = self.revisions.get(workspace_id, model_id) {
            return Ok(known);
        }
        let ticket = self.revisions.ticket();
        let (ws, id) = (workspace_id.to_owned(), model_id.to_owned());
        let revision = self.read_statement(move |c| revision_of(c, &ws, &id)).await?;
        self.revisions.put(workspace_id, model_id, revision, ticket);
        Ok(revision)
    }
}
