//! Token accounting: every response carries its usage, and a ledger sums it
//! per (workspace, user) so daily limits and the admin summary have numbers.

use std::collections::HashMap;
use std::ops::{Add, AddAssign};
use std::sync::Mutex;

use serde::{Deserialize, Serialize};

/// Tokens spent by one call, or a sum of calls.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
}

impl Usage {
    pub fn total(&self) -> u64 {
        self.prompt_tokens.saturating_add(self.completion_tokens)
    }
}

impl Add for Usage {
    type Output = Usage;

    fn add(self, other: Usage) -> Usage {
        Usage {
            prompt_tokens: self.prompt_tokens.saturating_add(other.prompt_tokens),
            completion_tokens: self.completion_tokens.saturating_add(other.completion_tokens),
        }
    }
}

impl AddAssign for Usage {
    fn add_assign(&mut self, other: Usage) {
        *self = *self + other;
    }
}

/// Who spent the tokens.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UsageKey {
    pub workspace: String,
    pub user: String,
}

/// What one key has spent so far.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UsageTotals {
    pub requests: u64,
    pub usage: Usage,
}

/// Thread-safe running totals by key. In memory: the store persists what it
/// needs from [`UsageLedger::snapshot`].
#[derive(Debug, Default)]
pub struct UsageLedger {
    totals: Mutex<HashMap<UsageKey, UsageTotals>>,
}

impl UsageLedger {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one request's usage to the key's totals.
    pub fn record(&self, key: &UsageKey, usage: Usage) {
        let mut totals = self.totals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let entry = totals.entry(key.clone()).or_default();
        entry.requests = entry.requests.saturating_add(1);
        entry.usage += usage;
    }

    pub fn totals(&self, key: &UsageKey) -> UsageTotals {
        let totals = self.totals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        totals.get(key).copied().unwrap_or_default()
    }

    /// Every key's totals, sorted by key.
    pub fn snapshot(&self) -> Vec<(UsageKey, UsageTotals)> {
        let totals = self.totals.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut all: Vec<_> = totals.iter().map(|(k, v)| (k.clone(), *v)).collect();
        all.sort_by(|a, b| a.0.cmp(&b.0));
        all
    }
}
