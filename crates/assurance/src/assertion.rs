//! Assertions: typed evidence claims attached to a control, their parameter
//! validation, and coherence (can this type prove this kind of control?).

use std::collections::BTreeSet;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::kinds::ControlKind;
use crate::registry::{AssertionType, ParamKind, ParamSpec};

/// An assertion as written by an agent or in a check file. The type stays a
/// string here so that files with types this version does not know can still
/// be read (and reported as skipped).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Assertion {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(rename = "type")]
    pub assertion_type: String,
    #[serde(default)]
    pub params: Map<String, Value>,
    #[serde(default)]
    pub description: String,
}

/// One problem with an assertion's parameters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema, thiserror::Error)]
#[error("{param}: {message}")]
pub struct ParamError {
    pub param: String,
    pub message: String,
}

fn err(param: &str, message: impl Into<String>) -> ParamError {
    ParamError { param: param.to_owned(), message: message.into() }
}

/// Why an assertion cannot be accepted as written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AssertionError {
    #[error("unknown assertion type `{0}`")]
    UnknownType(String),
    #[error("invalid parameters for {assertion_type}: {}", .errors.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
    InvalidParams { assertion_type: AssertionType, errors: Vec<ParamError> },
}

impl Assertion {
    /// The type, if this version knows it.
    pub fn known_type(&self) -> Result<AssertionType, AssertionError> {
        AssertionType::from_name(&self.assertion_type)
            .ok_or_else(|| AssertionError::UnknownType(self.assertion_type.clone()))
    }

    /// Checks the type and every parameter up front, reporting all problems at once.
    pub fn validate(&self) -> Result<AssertionType, AssertionError> {
        let kind = self.known_type()?;
        let errors = validate_params(kind, &self.params);
        if errors.is_empty() { Ok(kind) } else { Err(AssertionError::InvalidParams { assertion_type: kind, errors }) }
    }
}

/// Every problem with `params` for `kind`: missing required, unknown names
/// (a typo in an optional parameter would otherwise silently change the
/// meaning), values of the wrong shape, and exactly-one-of rules.
pub fn validate_params(kind: AssertionType, params: &Map<String, Value>) -> Vec<ParamError> {
    let spec = kind.spec();
    let mut errors = Vec::new();
    for name in params.keys() {
        if !spec.params.iter().any(|p| p.name == name) {
            let known: Vec<&str> = spec.params.iter().map(|p| p.name).collect();
            errors.push(err(name, format!("unknown parameter (expected one of: {})", known.join(", "))));
        }
    }
    for p in spec.params {
        match params.get(p.name) {
            None | Some(Value::Null) if p.required => errors.push(err(p.name, "is required")),
            None | Some(Value::Null) => {}
            Some(v) => {
                if let Err(e) = check_value(p, v) {
                    errors.push(e);
                }
            }
        }
    }
    if !spec.exactly_one_of.is_empty() {
        let given: Vec<&str> =
            spec.exactly_one_of.iter().copied().filter(|n| params.get(*n).is_some_and(|v| !v.is_null())).collect();
        if given.len() != 1 {
            errors.push(err(
                &spec.exactly_one_of.join("|"),
                format!("exactly one of {} is required", spec.exactly_one_of.join(", ")),
            ));
        }
    }
    if kind == AssertionType::FileHash {
        let algorithm = params.get("algorithm").and_then(Value::as_str).unwrap_or("sha256");
        if let (Some(len), Some(hash)) =
            (digest_hex_len(algorithm), params.get("expected_hash").and_then(Value::as_str))
            && hash.len() != len
        {
            errors.push(err(
                "expected_hash",
                format!("a {algorithm} digest has {len} hex characters, not {}", hash.len()),
            ));
        }
    }
    errors
}

/// Hash algorithms the verifier supports, with their hex digest lengths.
pub const HASH_ALGORITHMS: &[(&str, usize)] = &[
    ("md5", 32),
    ("sha1", 40),
    ("sha224", 56),
    ("sha256", 64),
    ("sha384", 96),
    ("sha512", 128),
    ("sha3_256", 64),
    ("sha3_384", 96),
    ("sha3_512", 128),
    ("blake2b", 128),
    ("blake2s", 64),
];

fn digest_hex_len(algorithm: &str) -> Option<usize> {
    HASH_ALGORITHMS.iter().find(|(n, _)| *n == algorithm).map(|(_, l)| *l)
}

fn as_text<'a>(p: &ParamSpec, v: &'a Value) -> Result<&'a str, ParamError> {
    let s = v.as_str().ok_or_else(|| err(p.name, "must be a string"))?;
    if s.trim().is_empty() {
        return Err(err(p.name, "must not be empty"));
    }
    if s.contains('\0') {
        return Err(err(p.name, "must not contain NUL"));
    }
    Ok(s)
}

/// A JSON array, or a string holding one (the `-p key=value` form).
fn as_array(p: &ParamSpec, v: &Value) -> Result<Vec<Value>, ParamError> {
    match v {
        Value::Array(items) => Ok(items.clone()),
        Value::String(s) => match serde_json::from_str::<Value>(s) {
            Ok(Value::Array(items)) => Ok(items),
            _ => Err(err(p.name, "must be a JSON array")),
        },
        _ => Err(err(p.name, "must be a JSON array")),
    }
}

/// A relative path inside the project: not absolute, no `..`, no drive letter.
pub fn check_relative_path(path: &str) -> Result<(), String> {
    let normalized = path.replace('\\', "/");
    if normalized.starts_with('/') || normalized.get(1..2) == Some(":") {
        return Err("must be relative to the project root".to_owned());
    }
    if normalized.split('/').any(|seg| seg == "..") {
        return Err("must not contain `..`".to_owned());
    }
    Ok(())
}

fn check_regex(name: &str, pattern: &str) -> Result<(), ParamError> {
    regex_syntax::ParserBuilder::new().nest_limit(100).build().parse(pattern).map(|_| ()).map_err(|e| {
        err(name, format!("invalid regular expression: {}", e.to_string().lines().last().unwrap_or("syntax error")))
    })
}

fn check_value(p: &ParamSpec, v: &Value) -> Result<(), ParamError> {
    match p.kind {
        ParamKind::Path => check_relative_path(as_text(p, v)?).map_err(|m| err(p.name, m)),
        ParamKind::Glob => check_relative_path(as_text(p, v)?).map_err(|m| err(p.name, m)),
        ParamKind::Identifier | ParamKind::Text | ParamKind::VersionConstraint => as_text(p, v).map(|_| ()),
        ParamKind::Regex => check_regex(p.name, as_text(p, v)?),
        ParamKind::RegexList => {
            let items = as_array(p, v)?;
            if items.is_empty() {
                return Err(err(p.name, "must list at least one pattern"));
            }
            for (i, item) in items.iter().enumerate() {
                let s = item.as_str().ok_or_else(|| err(p.name, format!("item {i} must be a string")))?;
                check_regex(&format!("{}[{i}]", p.name), s)?;
            }
            Ok(())
        }
        ParamKind::HashAlgorithm => {
            let s = as_text(p, v)?;
            digest_hex_len(s).map(|_| ()).ok_or_else(|| {
                let names: Vec<&str> = HASH_ALGORITHMS.iter().map(|(n, _)| *n).collect();
                err(p.name, format!("unsupported algorithm `{s}` (supported: {})", names.join(", ")))
            })
        }
        ParamKind::HexDigest => {
            let s = as_text(p, v)?;
            if s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
                Ok(())
            } else {
                Err(err(p.name, "must be lower-case hexadecimal"))
            }
        }
        ParamKind::Bool => match v {
            Value::Bool(_) => Ok(()),
            Value::String(s) if ["true", "false", "1", "0"].contains(&s.to_ascii_lowercase().as_str()) => Ok(()),
            _ => Err(err(p.name, "must be true or false")),
        },
        ParamKind::PortDirection => one_of(p, v, &["input", "output", "inout"]),
        ParamKind::SignalKind => one_of(p, v, &["wire", "reg", "logic", "bit"]),
        ParamKind::Target => one_of(p, v, &["feature_description"]),
        ParamKind::Mechanism => {
            let s = as_text(p, v)?;
            match s.split_once("::") {
                Some((file, symbol)) if !file.is_empty() && !symbol.is_empty() => {
                    check_relative_path(file).map_err(|m| err(p.name, m))
                }
                _ => Err(err(p.name, "must be `<file>::<symbol>`")),
            }
        }
        ParamKind::EnvMap => {
            let map = match v {
                Value::Object(m) => m.clone(),
                Value::String(s) => match serde_json::from_str::<Value>(s) {
                    Ok(Value::Object(m)) => m,
                    _ => return Err(err(p.name, "must be a JSON object")),
                },
                _ => return Err(err(p.name, "must be a JSON object")),
            };
            for (k, val) in &map {
                if !(val.is_string() || val.is_null()) {
                    return Err(err(p.name, format!("`{k}` must map to a string or null")));
                }
            }
            Ok(())
        }
        ParamKind::PathList => {
            let items = as_array(p, v)?;
            if items.is_empty() {
                return Err(err(p.name, "must list at least one path"));
            }
            for (i, item) in items.iter().enumerate() {
                let s = item
                    .as_str()
                    .filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| err(p.name, format!("item {i} must be a non-empty string")))?;
                check_relative_path(s).map_err(|m| err(&format!("{}[{i}]", p.name), m))?;
            }
            Ok(())
        }
        ParamKind::IdentifierList => {
            for (i, item) in as_array(p, v)?.iter().enumerate() {
                item.as_str()
                    .filter(|s| !s.trim().is_empty())
                    .ok_or_else(|| err(p.name, format!("item {i} must be a non-empty string")))?;
            }
            Ok(())
        }
        ParamKind::SafeFormList => {
            const FORMS: &[&str] = &["literal", "named_constant", "literal_concat", "parameter_binding"];
            for (i, item) in as_array(p, v)?.iter().enumerate() {
                match item.as_str() {
                    Some(s) if FORMS.contains(&s) => {}
                    _ => return Err(err(p.name, format!("item {i} must be one of {}", FORMS.join(", ")))),
                }
            }
            Ok(())
        }
        ParamKind::SinkList => {
            let items = as_array(p, v)?;
            if items.is_empty() {
                return Err(err(p.name, "must list at least one sink"));
            }
            for (i, item) in items.iter().enumerate() {
                let callee = item.get("callee").and_then(Value::as_str).filter(|s| !s.trim().is_empty());
                if callee.is_none() {
                    return Err(err(p.name, format!("item {i} needs a non-empty `callee`")));
                }
                if let Some(pos) = item.get("positions")
                    && !pos.as_array().is_some_and(|a| a.iter().all(|x| x.as_u64().is_some()))
                {
                    return Err(err(p.name, format!("item {i}: `positions` must be an array of argument indexes")));
                }
            }
            Ok(())
        }
        ParamKind::AllowList => {
            for (i, item) in as_array(p, v)?.iter().enumerate() {
                for field in ["file", "callee", "reason", "reviewed_by"] {
                    if item.get(field).and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
                        return Err(err(p.name, format!("item {i} needs a non-empty `{field}`")));
                    }
                }
                if item.get("site").and_then(Value::as_u64).is_none() {
                    return Err(err(p.name, format!("item {i} needs `site` (a line number)")));
                }
            }
            Ok(())
        }
    }
}

fn one_of(p: &ParamSpec, v: &Value, allowed: &[&str]) -> Result<(), ParamError> {
    let s = as_text(p, v)?;
    if allowed.contains(&s) { Ok(()) } else { Err(err(p.name, format!("must be one of {}", allowed.join(", ")))) }
}

/// Whether an assertion type can prove a control.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Coherence {
    /// The type can prove at least one of the control's kinds.
    Coherent,
    /// The type can prove none of them: it never makes the control verified.
    Incoherent { reason: String },
    /// The control's description matched no kind; the assertion is not
    /// blocked, and tier 2 and sufficiency carry the judgement.
    Unclassified,
}

impl Coherence {
    /// Whether this assertion may count towards verification.
    pub fn admits(&self) -> bool {
        !matches!(self, Coherence::Incoherent { .. })
    }
}

/// The coherence of an assertion type against a control's kinds.
pub fn coherence(kind: AssertionType, control_kinds: &BTreeSet<ControlKind>) -> Coherence {
    if control_kinds.is_empty() {
        return Coherence::Unclassified;
    }
    let spec = kind.spec();
    if control_kinds.iter().any(|k| spec.proves.contains(k)) {
        Coherence::Coherent
    } else {
        let kinds: Vec<&str> = control_kinds.iter().map(|k| k.name()).collect();
        let proves: Vec<&str> = spec.proves.iter().map(|k| k.name()).collect();
        Coherence::Incoherent {
            reason: format!(
                "{} can prove {} controls; this control is {}",
                spec.name,
                proves.join(", "),
                kinds.join(", ")
            ),
        }
    }
}
