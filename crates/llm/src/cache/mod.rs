//! Response caching: an identical request (same provider, messages, schema,
//! temperature and token limit) within the time-to-live is answered from
//! memory, with no provider call and no tokens spent.

mod key;
mod store;

pub use key::cache_key;
pub use store::ResponseCache;

use async_trait::async_trait;

use crate::error::LlmError;
use crate::message::{ChatRequest, ChatResponse};
use crate::provider::Provider;
use crate::usage::Usage;

/// A provider with a response cache in front. Only successful responses are
/// stored; errors always reach the caller and are retried next time.
#[derive(Debug)]
pub struct CachingProvider<P> {
    inner: P,
    cache: ResponseCache,
}

impl<P: Provider> CachingProvider<P> {
    pub fn new(inner: P, cache: ResponseCache) -> Self {
        CachingProvider { inner, cache }
    }

    pub fn cache(&self) -> &ResponseCache {
        &self.cache
    }

    pub fn inner(&self) -> &P {
        &self.inner
    }
}

#[async_trait]
impl<P: Provider> Provider for CachingProvider<P> {
    async fn complete(&self, request: ChatRequest) -> Result<ChatResponse, LlmError> {
        let key = cache_key(&self.inner.label(), &request);
        if let Some(stored) = self.cache.get(&key) {
            return Ok(ChatResponse { usage: Usage::default(), cached: true, ..stored });
        }
        let response = self.inner.complete(request).await?;
        self.cache.insert(key, response.clone());
        Ok(response)
    }

    fn label(&self) -> String {
        self.inner.label()
    }
}
