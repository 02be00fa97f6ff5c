//! Systems: groups of models. A model is in at most one system.

use diesel::prelude::*;

use crate::error::StoreError;
use crate::records::SystemRecord;
use crate::schema::{models, systems};
use crate::store::{Store, new_id, now};

type SystemRow = (String, String, String, String, chrono::NaiveDateTime);

fn system(r: SystemRow) -> SystemRecord {
    SystemRecord { id: r.0, workspace_id: r.1, name: r.2, description: r.3, created_at: r.4 }
}

const COLUMNS: (systems::id, systems::workspace_id, systems::name, systems::description, systems::created_at) =
    (systems::id, systems::workspace_id, systems::name, systems::description, systems::created_at);

impl Store {
    pub async fn create_system(
        &self,
        workspace_id: &str,
        name: &str,
        description: &str,
    ) -> Result<SystemRecord, StoreError> {
        let rec = SystemRecord {
            id: new_id(),
            workspace_id: workspace_id.to_owned(),
            name: name.to_owned(),
            description: description.to_owned(),
            created_at: now(),
        };
        self.write(move |c| {
            diesel::insert_into(systems::table)
                .values((
                    systems::id.eq(&rec.id),
                    systems::workspace_id.eq(&rec.workspace_id),
                    systems::name.eq(&rec.name),
                    systems::description.eq(&rec.description),
                    systems::created_at.eq(rec.created_at),
                ))
                .execute(c)?;
            Ok(rec)
        })
        .await
    }

    pub async fn list_systems(&self, workspace_id: &str) -> Result<Vec<SystemRecord>, StoreError> {
        let ws = workspace_id.to_owned();
        self.read(move |c| {
            let rows: Vec<SystemRow> = systems::table
                .filter(systems::workspace_id.eq(&ws))
                .order(systems::id.asc())
                .select(COLUMNS)
                .load(c)?;
            Ok(rows.into_iter().map(system).collect())
        })
        .await
    }

    pub async fn get_system(&self, workspace_id: &str, system_id: &str) -> Result<SystemRecord, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), system_id.to_owned());
        self.read(move |c| {
            systems::table
                .filter(systems::workspace_id.eq(&ws).and(systems::id.eq(&id)))
                .select(COLUMNS)
                .first::<SystemRow>(c)
                .optional()?
                .map(system)
                .ok_or(StoreError::NotFound("system"))
        })
        .await
    }

    pub async fn delete_system(&self, workspace_id: &str, system_id: &str) -> Result<(), StoreError> {
        let (ws, id) = (workspace_id.to_owned(), system_id.to_owned());
        self.write(move |c| {
            // Members leave the system; the models themselves stay.
            diesel::update(models::table.filter(models::workspace_id.eq(&ws).and(models::system_id.eq(&id))))
                .set(models::system_id.eq(None::<String>))
                .execute(c)?;
            let n = diesel::delete(systems::table.filter(systems::workspace_id.eq(&ws).and(systems::id.eq(&id))))
                .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("system")) } else { Ok(()) }
        })
        .await
    }

    /// Puts a model in a system (or takes it out with `None`). Both must be
    /// in the workspace.
    pub async fn set_model_system(
        &self,
        workspace_id: &str,
        model_id: &str,
        system_id: Option<&str>,
    ) -> Result<(), StoreError> {
        let (ws, model, sys) = (workspace_id.to_owned(), model_id.to_owned(), system_id.map(str::to_owned));
        self.write(move |c| {
            if let Some(s) = &sys {
                let found: i64 = systems::table
                    .filter(systems::workspace_id.eq(&ws).and(systems::id.eq(s)))
                    .count()
                    .get_result(c)?;
                if found == 0 {
                    return Err(StoreError::NotFound("system"));
                }
            }
            let n = diesel::update(models::table.filter(models::workspace_id.eq(&ws).and(models::id.eq(&model))))
                .set(models::system_id.eq(&sys))
                .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("model")) } else { Ok(()) }
        })
        .await
    }
}
