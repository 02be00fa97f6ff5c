//! The activity feed: every change writes its event in the same transaction.

use diesel::prelude::*;

use crate::conn::AnyConnection;
use crate::error::StoreError;
use crate::records::{ActivityRecord, NewActivity, Page, clamp_limit};
use crate::schema::activity;
use crate::store::{Store, new_id, now};

pub(crate) fn insert_activity(
    c: &mut AnyConnection,
    workspace_id: &str,
    event: &NewActivity,
) -> Result<(), StoreError> {
    diesel::insert_into(activity::table)
        .values((
            // UUIDv7: ids sort in time order, which is what the feed pages by.
            activity::id.eq(new_id()),
            activity::workspace_id.eq(workspace_id),
            activity::model_id.eq(&event.model_id),
            activity::actor_user_id.eq(&event.actor_user_id),
            activity::action.eq(&event.action),
            activity::entity_id.eq(&event.entity_id),
            activity::details.eq(event.details.to_string()),
            activity::created_at.eq(now()),
        ))
        .execute(c)?;
    Ok(())
}

type ActivityRow =
    (String, String, Option<String>, Option<String>, String, Option<String>, String, chrono::NaiveDateTime);

impl Store {
    /// The workspace's activity, newest first; `before` is the cursor from the
    /// previous page. `model_id` narrows to one model.
    pub async fn list_activity(
        &self,
        workspace_id: &str,
        model_id: Option<&str>,
        before: Option<&str>,
        limit: u32,
    ) -> Result<Page<ActivityRecord>, StoreError> {
        let (ws, model, before) = (workspace_id.to_owned(), model_id.map(str::to_owned), before.map(str::to_owned));
        let limit = clamp_limit(limit);
        self.read(move |c| {
            let mut q = activity::table.filter(activity::workspace_id.eq(&ws)).into_boxed();
            if let Some(m) = &model {
                q = q.filter(activity::model_id.eq(m));
            }
            if let Some(b) = &before {
                q = q.filter(activity::id.lt(b));
            }
            let rows: Vec<ActivityRow> = q
                .order(activity::id.desc())
                .limit(limit + 1)
                .select((
                    activity::id,
                    activity::workspace_id,
                    activity::model_id,
                    activity::actor_user_id,
                    activity::action,
                    activity::entity_id,
                    activity::details,
                    activity::created_at,
                ))
                .load(c)?;
            let more = rows.len() as i64 > limit;
            let items: Vec<ActivityRecord> = rows
                .into_iter()
                .take(limit as usize)
                .map(|r| {
                    Ok(ActivityRecord {
                        id: r.0,
                        workspace_id: r.1,
                        model_id: r.2,
                        actor_user_id: r.3,
                        action: r.4,
                        entity_id: r.5,
                        details: serde_json::from_str(&r.6)?,
                        created_at: r.7,
                    })
                })
                .collect::<Result<_, StoreError>>()?;
            let next_cursor = if more { items.last().map(|a| a.id.clone()) } else { None };
            Ok(Page { items, next_cursor })
        })
        .await
    }
}
