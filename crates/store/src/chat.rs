//! Chat sessions and their messages, and AI usage counters.

use chrono::NaiveDateTime;
use diesel::prelude::*;

use crate::error::StoreError;
use crate::records::{ChatMessage, ChatSession, UsageRow};
use crate::schema::{ai_usage, chat_messages, chat_sessions, models};
use crate::store::{Store, new_id, now};

type SessionRow = (String, String, Option<String>, String, NaiveDateTime);

fn session(r: SessionRow) -> ChatSession {
    ChatSession { id: r.0, workspace_id: r.1, model_id: r.2, created_by: r.3, created_at: r.4 }
}

fn session_exists(c: &mut crate::conn::AnyConnection, ws: &str, id: &str) -> Result<(), StoreError> {
    let found: i64 = chat_sessions::table
        .filter(chat_sessions::workspace_id.eq(ws).and(chat_sessions::id.eq(id)))
        .count()
        .get_result(c)?;
    if found == 0 { Err(StoreError::NotFound("chat session")) } else { Ok(()) }
}

impl Store {
    pub async fn create_chat_session(
        &self,
        workspace_id: &str,
        user_id: &str,
        model_id: Option<&str>,
    ) -> Result<ChatSession, StoreError> {
        let (ws, user, model) = (workspace_id.to_owned(), user_id.to_owned(), model_id.map(str::to_owned));
        self.write(move |c| {
            if let Some(m) = &model {
                crate::models::find_model(c, &ws, m)?;
            }
            let s =
                ChatSession { id: new_id(), workspace_id: ws, model_id: model, created_by: user, created_at: now() };
            diesel::insert_into(chat_sessions::table)
                .values((
                    chat_sessions::id.eq(&s.id),
                    chat_sessions::workspace_id.eq(&s.workspace_id),
                    chat_sessions::model_id.eq(&s.model_id),
                    chat_sessions::created_by.eq(&s.created_by),
                    chat_sessions::created_at.eq(s.created_at),
                ))
                .execute(c)?;
            Ok(s)
        })
        .await
    }

    pub async fn get_chat_session(&self, workspace_id: &str, session_id: &str) -> Result<ChatSession, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), session_id.to_owned());
        self.read(move |c| {
            chat_sessions::table
                .filter(chat_sessions::workspace_id.eq(&ws).and(chat_sessions::id.eq(&id)))
                .select(chat_sessions::all_columns)
                .first::<SessionRow>(c)
                .optional()?
                .map(session)
                .ok_or(StoreError::NotFound("chat session"))
        })
        .await
    }

    /// Binds a session to the model it produced (a generation from chat).
    pub async fn set_chat_model(&self, workspace_id: &str, session_id: &str, model_id: &str) -> Result<(), StoreError> {
        let (ws, id, model) = (workspace_id.to_owned(), session_id.to_owned(), model_id.to_owned());
        self.write(move |c| {
            let found: i64 =
                models::table.filter(models::workspace_id.eq(&ws).and(models::id.eq(&model))).count().get_result(c)?;
            if found == 0 {
                return Err(StoreError::NotFound("model"));
            }
            let n = diesel::update(
                chat_sessions::table.filter(chat_sessions::workspace_id.eq(&ws).and(chat_sessions::id.eq(&id))),
            )
            .set(chat_sessions::model_id.eq(Some(&model)))
            .execute(c)?;
            if n == 0 { Err(StoreError::NotFound("chat session")) } else { Ok(()) }
        })
        .await
    }

    /// Appends messages to a session, in order.
    pub async fn add_chat_messages(
        &self,
        workspace_id: &str,
        session_id: &str,
        messages: Vec<(String, String, serde_json::Value)>,
    ) -> Result<Vec<ChatMessage>, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), session_id.to_owned());
        self.write(move |c| {
            session_exists(c, &ws, &id)?;
            let max: Option<i64> = chat_messages::table
                .filter(chat_messages::session_id.eq(&id))
                .select(diesel::dsl::max(chat_messages::seq))
                .first(c)?;
            let mut seq = max.unwrap_or(0);
            let mut out = Vec::new();
            for (role, content, meta) in messages {
                seq += 1;
                let at = now();
                diesel::insert_into(chat_messages::table)
                    .values((
                        chat_messages::session_id.eq(&id),
                        chat_messages::seq.eq(seq),
                        chat_messages::role.eq(&role),
                        chat_messages::content.eq(&content),
                        chat_messages::meta.eq(meta.to_string()),
                        chat_messages::created_at.eq(at),
                    ))
                    .execute(c)?;
                out.push(ChatMessage { seq, role, content, meta, created_at: at });
            }
            Ok(out)
        })
        .await
    }

    pub async fn chat_messages(&self, workspace_id: &str, session_id: &str) -> Result<Vec<ChatMessage>, StoreError> {
        let (ws, id) = (workspace_id.to_owned(), session_id.to_owned());
        self.read(move |c| {
            session_exists(c, &ws, &id)?;
            let rows: Vec<(i64, String, String, String, NaiveDateTime)> = chat_messages::table
                .filter(chat_messages::session_id.eq(&id))
                .order(chat_messages::seq.asc())
                .select((
                    chat_messages::seq,
                    chat_messages::role,
                    chat_messages::content,
                    chat_messages::meta,
                    chat_messages::created_at,
                ))
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(|(seq, role, content, meta, created_at)| ChatMessage {
                    seq,
                    role,
                    content,
                    meta: serde_json::from_str(&meta).unwrap_or(serde_json::Value::Null),
                    created_at,
                })
                .collect())
        })
        .await
    }

    /// Adds to a user's AI usage for a day (`YYYY-MM-DD`, UTC).
    pub async fn record_ai_usage(
        &self,
        workspace_id: &str,
        user_id: &str,
        day: &str,
        requests: i64,
        prompt_tokens: i64,
        completion_tokens: i64,
    ) -> Result<(), StoreError> {
        // Two first calls of the day can both find no row and both insert:
        // the loser's transaction is aborted by the unique key, and its second
        // attempt finds the row and adds to it.
        let mut attempts = 0;
        loop {
            attempts += 1;
            match self.add_ai_usage(workspace_id, user_id, day, (requests, prompt_tokens, completion_tokens)).await {
                Err(StoreError::Conflict(_)) if attempts < 3 => continue,
                other => return other,
            }
        }
    }

    /// One attempt of [`Store::record_ai_usage`], in one transaction.
    async fn add_ai_usage(
        &self,
        workspace_id: &str,
        user_id: &str,
        day: &str,
        (requests, prompt_tokens, completion_tokens): (i64, i64, i64),
    ) -> Result<(), StoreError> {
        let (ws, user, day) = (workspace_id.to_owned(), user_id.to_owned(), day.to_owned());
        self.write(move |c| {
            let key = ai_usage::workspace_id.eq(&ws).and(ai_usage::user_id.eq(&user)).and(ai_usage::day.eq(&day));
            let n = diesel::update(ai_usage::table.filter(key))
                .set((
                    ai_usage::requests.eq(ai_usage::requests + requests),
                    ai_usage::prompt_tokens.eq(ai_usage::prompt_tokens + prompt_tokens),
                    ai_usage::completion_tokens.eq(ai_usage::completion_tokens + completion_tokens),
                ))
                .execute(c)?;
            if n == 0 {
                diesel::insert_into(ai_usage::table)
                    .values((
                        ai_usage::workspace_id.eq(&ws),
                        ai_usage::user_id.eq(&user),
                        ai_usage::day.eq(&day),
                        ai_usage::requests.eq(requests),
                        ai_usage::prompt_tokens.eq(prompt_tokens),
                        ai_usage::completion_tokens.eq(completion_tokens),
                    ))
                    .execute(c)?;
            }
            Ok(())
        })
        .await
    }

    /// A user's AI requests on a day, across all workspaces (the limit is per user).
    pub async fn ai_requests_on(&self, user_id: &str, day: &str) -> Result<i64, StoreError> {
        let (user, day) = (user_id.to_owned(), day.to_owned());
        self.read(move |c| {
            // Summed here: SUM(bigint) is NUMERIC on PostgreSQL; a user has few rows a day.
            let rows: Vec<i64> = ai_usage::table
                .filter(ai_usage::user_id.eq(&user).and(ai_usage::day.eq(&day)))
                .select(ai_usage::requests)
                .load(c)?;
            Ok(rows.iter().sum())
        })
        .await
    }

    /// The workspace's usage between two days (inclusive), by user and day.
    pub async fn ai_usage(&self, workspace_id: &str, from: &str, to: &str) -> Result<Vec<UsageRow>, StoreError> {
        let (ws, from, to) = (workspace_id.to_owned(), from.to_owned(), to.to_owned());
        self.read(move |c| {
            let rows: Vec<(String, String, i64, i64, i64)> = ai_usage::table
                .filter(ai_usage::workspace_id.eq(&ws).and(ai_usage::day.ge(&from)).and(ai_usage::day.le(&to)))
                .order((ai_usage::day.asc(), ai_usage::user_id.asc()))
                .select((
                    ai_usage::user_id,
                    ai_usage::day,
                    ai_usage::requests,
                    ai_usage::prompt_tokens,
                    ai_usage::completion_tokens,
                ))
                .load(c)?;
            Ok(rows
                .into_iter()
                .map(|(user_id, day, requests, prompt_tokens, completion_tokens)| UsageRow {
                    user_id,
                    day,
                    requests,
                    prompt_tokens,
                    completion_tokens,
                })
                .collect())
        })
        .await
    }
}
