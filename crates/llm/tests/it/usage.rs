//! Token accounting.

use std::sync::Arc;

use rampart_llm::{Usage, UsageKey, UsageLedger, UsageTotals};

fn key(workspace: &str, user: &str) -> UsageKey {
    UsageKey { workspace: workspace.into(), user: user.into() }
}

#[test]
fn usage_adds_up() {
    let a = Usage { prompt_tokens: 3, completion_tokens: 4 };
    let mut sum = a + a;
    sum += Usage { prompt_tokens: 1, completion_tokens: 0 };
    assert_eq!(sum, Usage { prompt_tokens: 7, completion_tokens: 8 });
    assert_eq!(sum.total(), 15);
}

#[test]
fn the_ledger_sums_by_workspace_and_user_across_threads() {
    let ledger = Arc::new(UsageLedger::new());
    let threads: Vec<_> = (0..4)
        .map(|_| {
            let ledger = ledger.clone();
            std::thread::spawn(move || {
                for _ in 0..25 {
                    ledger.record(&key("w1", "alice"), Usage { prompt_tokens: 2, completion_tokens: 1 });
                }
            })
        })
        .collect();
    threads.into_iter().for_each(|t| t.join().unwrap());
    ledger.record(&key("w1", "bob"), Usage { prompt_tokens: 5, completion_tokens: 5 });

    assert_eq!(
        ledger.totals(&key("w1", "alice")),
        UsageTotals { requests: 100, usage: Usage { prompt_tokens: 200, completion_tokens: 100 } }
    );
    assert_eq!(ledger.totals(&key("w2", "alice")), UsageTotals::default());
    let snapshot = ledger.snapshot();
    assert_eq!(snapshot.len(), 2);
    assert_eq!(snapshot[0].0, key("w1", "alice"));
}
