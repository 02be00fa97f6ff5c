//! AI usage: a per-user daily request limit (cache hits do not count) and a
//! usage summary for workspace owners.

use chrono::{Datelike, Utc};
use rampart_store::UsageRow;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::error::AppError;
use crate::{App, Principal};

/// The default number of AI requests a user may make per UTC day.
pub const DEFAULT_DAILY_AI_LIMIT: u32 = 2_000;

fn today() -> String {
    let now = Utc::now();
    format!("{:04}-{:02}-{:02}", now.year(), now.month(), now.day())
}

/// Seconds until the next UTC midnight, when the count starts over.
pub(crate) fn until_midnight() -> u64 {
    let now = Utc::now();
    let tomorrow = (now + chrono::Duration::days(1)).date_naive().and_hms_opt(0, 0, 0).map(|t| t.and_utc());
    tomorrow.map_or(3600, |t| u64::try_from((t - now).num_seconds().max(1)).unwrap_or(3600))
}

#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageQuery {
    /// First day, `YYYY-MM-DD` (default: 30 days ago).
    pub from: Option<String>,
    /// Last day, `YYYY-MM-DD` (default: today).
    pub to: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize, JsonSchema)]
pub struct UsageTotals {
    pub requests: i64,
    pub prompt_tokens: i64,
    pub completion_tokens: i64,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct UserUsage {
    pub user_id: String,
    #[serde(flatten)]
    pub totals: UsageTotals,
}

/// The workspace's AI usage over a period.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct UsageSummary {
    pub from: String,
    pub to: String,
    pub daily_limit_per_user: u32,
    pub totals: UsageTotals,
    pub by_user: Vec<UserUsage>,
    pub by_day: Vec<UsageRow>,
}

fn day(field: &str, value: Option<&str>, default: String) -> Result<String, AppError> {
    match value {
        None => Ok(default),
        Some(v) => chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
            .map(|d| d.format("%Y-%m-%d").to_string())
            .map_err(|_| AppError::invalid("invalid_query", format!("{field}: a date as YYYY-MM-DD"))),
    }
}

impl App {
    /// Refuses AI work up front for a user who used up today's requests
    /// (429), so a job is not queued only to fail; each call is checked again
    /// at the gate ([`crate::ai_gate`]).
    pub(crate) async fn check_ai_limit(&self, who: &Principal) -> Result<(), AppError> {
        if !self.generator.uses_ai() {
            return Ok(());
        }
        if self.ai_requests_today(&who.user_id).await? >= i64::from(self.daily_ai_limit) {
            return Err(self.limit_reached());
        }
        Ok(())
    }

    /// Requests the user made today (UTC), in every workspace.
    pub(crate) async fn ai_requests_today(&self, user_id: &str) -> Result<i64, AppError> {
        Ok(self.store.ai_requests_on(user_id, &today()).await?)
    }

    /// The 429 of a spent daily limit.
    pub(crate) fn limit_reached(&self) -> AppError {
        AppError::RateLimited {
            message: format!(
                "the daily limit of {} AI requests is used up; it resets at midnight UTC",
                self.daily_ai_limit
            ),
            retry_after_secs: until_midnight(),
        }
    }

    pub(crate) async fn record_ai_usage(
        &self,
        workspace_id: &str,
        user_id: &str,
        requests: u32,
        usage: &rampart_llm::Usage,
    ) -> Result<(), AppError> {
        let tokens = |n: u64| i64::try_from(n).unwrap_or(i64::MAX);
        Ok(self
            .store
            .record_ai_usage(
                workspace_id,
                user_id,
                &today(),
                i64::from(requests),
                tokens(usage.prompt_tokens),
                tokens(usage.completion_tokens),
            )
            .await?)
    }

    /// Requests and tokens by user and day (owners only).
    pub async fn usage_summary(&self, who: &Principal, q: &UsageQuery) -> Result<UsageSummary, AppError> {
        who.require_owner()?;
        let to = day("to", q.to.as_deref(), today())?;
        let default_from = (Utc::now() - chrono::Duration::days(30)).format("%Y-%m-%d").to_string();
        let from = day("from", q.from.as_deref(), default_from)?;
        if from > to {
            return Err(AppError::invalid("invalid_query", "from is after to"));
        }
        let rows = self.store.ai_usage(&who.workspace_id, &from, &to).await?;
        let mut totals = UsageTotals::default();
        let mut by_user: std::collections::BTreeMap<String, UsageTotals> = Default::default();
        for r in &rows {
            for t in [&mut totals, by_user.entry(r.user_id.clone()).or_default()] {
                t.requests += r.requests;
                t.prompt_tokens += r.prompt_tokens;
                t.completion_tokens += r.completion_tokens;
            }
        }
        Ok(UsageSummary {
            from,
            to,
            daily_limit_per_user: self.daily_ai_limit,
            totals,
            by_user: by_user.into_iter().map(|(user_id, totals)| UserUsage { user_id, totals }).collect(),
            by_day: rows,
        })
    }
}
