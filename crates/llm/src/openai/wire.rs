//! Conversion between our request/response and async-openai's wire types.

use async_openai::types::chat::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage, ChatCompletionRequestSystemMessage,
    ChatCompletionRequestUserMessage, CreateChatCompletionRequest, CreateChatCompletionResponse, ResponseFormat,
    ResponseFormatJsonSchema,
};

use super::TokenLimitField;
use crate::error::LlmError;
use crate::message::{ChatRequest, ChatResponse, Message, Role};
use crate::usage::Usage;

pub(super) fn to_wire(
    model: &str,
    token_limit_field: TokenLimitField,
    request: ChatRequest,
) -> CreateChatCompletionRequest {
    let mut wire = CreateChatCompletionRequest {
        model: model.to_owned(),
        messages: request.messages.into_iter().map(to_wire_message).collect(),
        temperature: request.temperature,
        response_format: request.response_schema.map(|schema| ResponseFormat::JsonSchema {
            json_schema: ResponseFormatJsonSchema {
                description: None,
                name: schema.name,
                schema: schema.schema,
                strict: Some(true),
            },
        }),
        ..CreateChatCompletionRequest::default()
    };
    match token_limit_field {
        TokenLimitField::MaxCompletionTokens => wire.max_completion_tokens = request.max_tokens,
        // The legacy field is deprecated upstream but still the only one some local servers read.
        #[allow(deprecated)]
        TokenLimitField::MaxTokens => wire.max_tokens = request.max_tokens,
    }
    wire
}

fn to_wire_message(message: Message) -> ChatCompletionRequestMessage {
    match message.role {
        Role::System => ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage::from(message.content)),
        Role::User => ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage::from(message.content)),
        Role::Assistant => {
            ChatCompletionRequestMessage::Assistant(ChatCompletionRequestAssistantMessage::from(message.content))
        }
    }
}

pub(super) fn from_wire(response: CreateChatCompletionResponse) -> Result<ChatResponse, LlmError> {
    let usage = response
        .usage
        .map(|u| Usage { prompt_tokens: u64::from(u.prompt_tokens), completion_tokens: u64::from(u.completion_tokens) })
        .unwrap_or_default();
    let Some(choice) = response.choices.into_iter().next() else {
        return Err(LlmError::malformed("the response has no choices"));
    };
    let content = match (choice.message.content, choice.message.refusal) {
        (Some(content), _) => content,
        (None, Some(refusal)) => return Err(LlmError::malformed(format!("the model refused: {refusal}"))),
        (None, None) => return Err(LlmError::malformed("the response has no content")),
    };
    Ok(ChatResponse { content, usage, model: response.model, cached: false })
}
