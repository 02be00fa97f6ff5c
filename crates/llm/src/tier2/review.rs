//! Running the votes for one assertion and turning them into a verdict.

use std::fmt;
use std::sync::Arc;

use super::render::{lookup, render_prompt, untrusted_texts};
use super::{
    Tier2Cache, Tier2Error, Tier2Input, Tier2Options, Tier2Outcome, Tier2Verdict, VoteAnswer, VoteOutcome,
    evidence_hash, fresh_token, parse_answer,
};
use crate::message::ChatRequest;
use crate::provider::Provider;
use crate::usage::Usage;

/// Reviewer name for verdicts decided before any call.
const GUARD_REVIEWER: &str = "guard";
/// Reviewer name for verdicts reused from the cache.
const CACHE_REVIEWER: &str = "cache";

/// Judges assertions with one provider, optionally reusing stored verdicts.
///
/// Each vote's prompt carries its own random token, so a response cache in
/// front of the provider never serves one vote's answer to another; the
/// verdict cache here is what saves repeated calls.
pub struct Tier2Reviewer {
    provider: Arc<dyn Provider>,
    cache: Option<Arc<dyn Tier2Cache>>,
    options: Tier2Options,
}

impl Tier2Reviewer {
    pub fn new(provider: Arc<dyn Provider>) -> Self {
        Tier2Reviewer { provider, cache: None, options: Tier2Options::default() }
    }

    pub fn with_cache(mut self, cache: Arc<dyn Tier2Cache>) -> Self {
        self.cache = Some(cache);
        self
    }

    pub fn with_options(mut self, options: Tier2Options) -> Self {
        self.options = options;
        self
    }

    /// The hash a review of `input` would be stored under.
    pub fn evidence_hash(&self, input: &Tier2Input) -> String {
        evidence_hash(input, &self.provider.label(), &self.options)
    }

    /// Judges one assertion. Never errors: every failure is a failed verdict.
    pub async fn review(&self, input: &Tier2Input) -> Tier2Verdict {
        let label = self.provider.label();
        let hash = evidence_hash(input, &label, &self.options);
        if input.source.trim().is_empty() {
            return guarded(hash, "there is no source to review, so nothing shows the assertion holds");
        }
        if let Err(error) = lookup(&input.assertion_type) {
            return guarded(hash, &error.to_string());
        }
        if let Some(stored) = self.cache.as_ref().and_then(|cache| cache.get(&hash)) {
            return Tier2Verdict {
                reviewer: CACHE_REVIEWER.to_owned(),
                cached: true,
                usage: Usage::default(),
                ..stored
            };
        }
        let wanted = self.options.effective_votes();
        let mut votes = Vec::new();
        let mut usage = Usage::default();
        for _ in 0..wanted {
            let (vote, spent) = self.vote(input).await;
            usage += spent;
            let settled = vote.answer != VoteAnswer::Yes;
            votes.push(vote);
            if settled {
                break;
            }
        }
        let verdict = summarise(votes, wanted, format!("llm:{label}"), hash, usage);
        if let Some(cache) = &self.cache
            && verdict.votes.iter().all(|vote| vote.answer.is_decisive())
        {
            cache.put(verdict.clone());
        }
        verdict
    }

    async fn vote(&self, input: &Tier2Input) -> (VoteOutcome, Usage) {
        let messages = match fenced_messages(input) {
            Ok(messages) => messages,
            Err(error) => {
                return (VoteOutcome { answer: VoteAnswer::Error, reasoning: error.to_string() }, Usage::default());
            }
        };
        let request = ChatRequest {
            messages,
            response_schema: None,
            temperature: self.options.temperature,
            max_tokens: self.options.max_tokens,
        };
        match self.provider.complete(request).await {
            Ok(response) => {
                let (answer, reasoning) = parse_answer(&response.content);
                (VoteOutcome { answer, reasoning }, response.usage)
            }
            Err(error) => (VoteOutcome { answer: VoteAnswer::Error, reasoning: error.to_string() }, Usage::default()),
        }
    }
}

/// A fresh token for this call, then the prompt fenced with it.
fn fenced_messages(input: &Tier2Input) -> Result<Vec<crate::message::Message>, Tier2Error> {
    let texts = untrusted_texts(input);
    let borrowed: Vec<&str> = texts.iter().map(String::as_str).collect();
    let token = fresh_token(&borrowed)?;
    render_prompt(input, &token)
}

fn guarded(evidence_hash: String, reason: &str) -> Tier2Verdict {
    Tier2Verdict {
        passed: false,
        outcome: Tier2Outcome::Fail,
        reasoning: reason.to_owned(),
        reviewer: GUARD_REVIEWER.to_owned(),
        evidence_hash,
        votes: Vec::new(),
        cached: false,
        usage: Usage::default(),
    }
}

fn summarise(
    votes: Vec<VoteOutcome>,
    wanted: u32,
    reviewer: String,
    evidence_hash: String,
    usage: Usage,
) -> Tier2Verdict {
    let passed = votes.len() == wanted as usize && votes.iter().all(|vote| vote.answer == VoteAnswer::Yes);
    let reasoning = match votes.iter().position(|vote| vote.answer != VoteAnswer::Yes) {
        Some(index) => {
            let vote = &votes[index];
            let which = if wanted > 1 { format!("vote {} of {wanted}: ", index + 1) } else { String::new() };
            format!("{which}{}. {}", vote.answer.describe(), vote.reasoning).trim_end().to_owned()
        }
        None => {
            let first = votes.first().map(|vote| vote.reasoning.as_str()).unwrap_or_default();
            if wanted > 1 { format!("all {wanted} votes YES. {first}").trim_end().to_owned() } else { first.to_owned() }
        }
    };
    Tier2Verdict {
        passed,
        outcome: if passed { Tier2Outcome::Pass } else { Tier2Outcome::Fail },
        reasoning,
        reviewer,
        evidence_hash,
        votes,
        cached: false,
        usage,
    }
}

impl fmt::Debug for Tier2Reviewer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tier2Reviewer")
            .field("provider", &self.provider.label())
            .field("cached", &self.cache.is_some())
            .field("options", &self.options)
            .finish()
    }
}
