//! Tier 2 in `rampart run`: an LLM judges, for each assertion that passed
//! tier 1, whether the code it rests on really implements the claim (not a
//! stub, not a no-op). Fails closed: any error or unclear answer is a fail;
//! tier 2 never runs on an assertion tier 1 did not pass.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use rampart_evidence::{Outcome, Verifier};
use rampart_llm::tier2::{InMemoryTier2Cache, Tier2Input, Tier2Options, Tier2Reviewer, Tier2Verdict, excerpt};
use rampart_llm::{OpenAiCompatible, OpenAiConfig};

use crate::run::Outcomes;

/// The most source shown to the judge, in characters.
const MAX_SOURCE_CHARS: usize = 16_000;
/// Files larger than this are not read for tier 2 (tier 1 refused them too).
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// How to reach the judge.
#[derive(Debug, Clone)]
pub(crate) struct JudgeConfig {
    pub base_url: String,
    pub model: String,
    pub api_key: Option<String>,
    pub votes: u32,
    pub cache_file: Option<PathBuf>,
    pub timeout: Duration,
    pub concurrency: usize,
}

pub(crate) struct Tier2 {
    reviewer: Tier2Reviewer,
    cache: Arc<InMemoryTier2Cache>,
    cache_file: Option<PathBuf>,
    concurrency: usize,
}

impl std::fmt::Debug for Tier2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Tier2").field("cache_file", &self.cache_file).finish_non_exhaustive()
    }
}

impl Tier2 {
    pub(crate) fn new(config: JudgeConfig) -> Result<Tier2, String> {
        let mut openai = OpenAiConfig::new(config.base_url.trim_end_matches('/'), config.model);
        openai.api_key = config.api_key;
        openai.timeout = config.timeout;
        let provider = OpenAiCompatible::new(openai).map_err(|e| format!("tier 2 judge: {e}"))?;
        let cache = match &config.cache_file {
            Some(path) => {
                InMemoryTier2Cache::load(path).map_err(|e| format!("--tier2-cache {}: {e}", path.display()))?
            }
            None => InMemoryTier2Cache::new(),
        };
        let cache = Arc::new(cache);
        let reviewer = Tier2Reviewer::new(Arc::new(provider))
            .with_cache(cache.clone())
            .with_options(Tier2Options { votes: config.votes.max(1), ..Tier2Options::default() });
        Ok(Tier2 { reviewer, cache, cache_file: config.cache_file, concurrency: config.concurrency.max(1) })
    }

    /// Judges every tier-1 pass; the rest stay `skipped`.
    pub(crate) async fn judge_all(&self, verifier: &Verifier, outcomes: &mut [Outcomes], interactive: bool) {
        let due: Vec<usize> =
            outcomes.iter().enumerate().filter(|(_, o)| o.verdict.outcome == Outcome::Pass).map(|(i, _)| i).collect();
        let bar = crate::ci::progress(due.len(), "tier 2", interactive);
        let inputs: Vec<(usize, Tier2Input)> =
            due.iter().map(|&i| (i, input_for(verifier.root(), &outcomes[i]))).collect();
        let verdicts: Vec<(usize, Tier2Verdict)> = futures::stream::iter(inputs)
            .map(|(i, input)| {
                let bar = bar.clone();
                async move {
                    let v = self.reviewer.review(&input).await;
                    bar.inc(1);
                    (i, v)
                }
            })
            .buffer_unordered(self.concurrency)
            .collect()
            .await;
        bar.finish_and_clear();
        for (i, v) in verdicts {
            let o = &mut outcomes[i];
            o.tier2 = v.outcome.as_str().to_owned();
            o.tier2_details = Some(v.reasoning);
            o.tier2_reviewer = Some(v.reviewer);
        }
        if let Some(path) = &self.cache_file
            && let Err(e) = self.cache.save(path)
        {
            eprintln!("rampart run: could not save the tier-2 cache to {}: {e}", path.display());
        }
    }
}

/// The source the judge reads: the file tier 1's verdict rests on, windowed
/// around the witness line. Read only from inside the project root.
fn input_for(root: &Path, o: &Outcomes) -> Tier2Input {
    let source = o
        .verdict
        .file
        .as_deref()
        .and_then(|f| read_confined(root, f))
        .map_or_else(String::new, |text| excerpt(&text, o.verdict.line.map(|l| l as usize), MAX_SOURCE_CHARS));
    Tier2Input {
        assertion_type: o.pulled.assertion_type.clone(),
        params: serde_json::Value::Object(o.pulled.params.clone()),
        description: o.pulled.description.clone(),
        control_description: None,
        subject_label: o.verdict.file.clone().unwrap_or_else(|| o.pulled.subject_id.clone()),
        source,
    }
}

fn read_confined(root: &Path, relative: &str) -> Option<String> {
    let root = root.canonicalize().ok()?;
    let path = root.join(relative).canonicalize().ok()?;
    if !path.starts_with(&root) || std::fs::metadata(&path).ok()?.len() > MAX_FILE_BYTES {
        return None;
    }
    std::fs::read_to_string(path).ok()
}
