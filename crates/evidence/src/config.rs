//! Configuration types: `config_key_exists` and `config_value_matches`, over
//! files parsed by real parsers (JSON, YAML, TOML, INI, `.env`) into one
//! value tree, then looked up by dotted path.

use serde_json::{Map, Value};

use crate::patterns::build;
use crate::verdict::Verdict;
use crate::verifier::Cx;

/// At most this many path segments; keeps the lookup's search bounded.
const MAX_SEGMENTS: usize = 64;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
    Toml,
    Ini,
    Env,
}

impl Format {
    fn of(rel: &str) -> Option<Format> {
        let name = rel.rsplit('/').next().unwrap_or(rel).to_ascii_lowercase();
        if name == ".env" || name.starts_with(".env.") || name.ends_with(".env") {
            return Some(Format::Env);
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e)?;
        Some(match ext {
            "json" | "jsonc" => Format::Json,
            "yaml" | "yml" => Format::Yaml,
            "toml" => Format::Toml,
            "ini" | "cfg" | "conf" | "properties" => Format::Ini,
            _ => return None,
        })
    }
}

/// Parses a configuration file into documents (YAML may hold several).
fn parse(rel: &str, text: &str) -> Result<Vec<Value>, String> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    match Format::of(rel) {
        Some(Format::Json) => serde_json::from_str(text).map(|v| vec![v]).map_err(|e| format!("invalid JSON: {e}")),
        Some(Format::Yaml) => parse_yaml(text),
        Some(Format::Toml) => {
            toml::from_str::<toml::Value>(text).map(|v| vec![from_toml(v)]).map_err(|e| format!("invalid TOML: {e}"))
        }
        Some(Format::Ini) => parse_ini(text).map(|v| vec![v]),
        Some(Format::Env) => parse_env(text).map(|v| vec![v]),
        // Unknown extension: JSON if it is JSON, else `.env`-style lines.
        None => serde_json::from_str(text)
            .map(|v| vec![v])
            .or_else(|_| parse_env(text).map(|v| vec![v]))
            .map_err(|e| format!("`{name}` is not JSON, YAML, TOML, INI or KEY=VALUE lines: {e}")),
    }
}

fn parse_yaml(text: &str) -> Result<Vec<Value>, String> {
    let mut docs = Vec::new();
    for doc in serde_norway::Deserializer::from_str(text) {
        let mut v: serde_norway::Value =
            serde::Deserialize::deserialize(doc).map_err(|e| format!("invalid YAML: {e}"))?;
        v.apply_merge().map_err(|e| format!("invalid YAML merge key: {e}"))?;
        docs.push(from_yaml(v));
    }
    Ok(docs)
}

fn from_yaml(v: serde_norway::Value) -> Value {
    use serde_norway::Value as Y;
    match v {
        Y::Null => Value::Null,
        Y::Bool(b) => Value::Bool(b),
        Y::Number(n) => serde_json::to_value(&n).unwrap_or(Value::Null),
        Y::String(s) => Value::String(s),
        Y::Sequence(items) => Value::Array(items.into_iter().map(from_yaml).collect()),
        Y::Mapping(m) => Value::Object(m.into_iter().map(|(k, v)| (yaml_key(k), from_yaml(v))).collect()),
        Y::Tagged(t) => from_yaml(t.value),
    }
}

fn yaml_key(k: serde_norway::Value) -> String {
    match from_yaml(k) {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

fn from_toml(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(from_toml).collect()),
        toml::Value::Table(t) => Value::Object(t.into_iter().map(|(k, v)| (k, from_toml(v))).collect()),
    }
}

/// INI: `section.key`, and keys before any section at the top level.
fn parse_ini(text: &str) -> Result<Value, String> {
    let ini = ini::Ini::load_from_str(text).map_err(|e| format!("invalid INI: {e}"))?;
    let mut top = Map::new();
    for (section, props) in ini.iter() {
        let mut entries = Map::new();
        for (k, v) in props.iter() {
            entries.insert(k.to_owned(), Value::String(v.to_owned()));
        }
        match section {
            None => top.extend(entries),
            Some(name) => {
                top.insert(name.to_owned(), Value::Object(entries));
            }
        }
    }
    Ok(Value::Object(top))
}

/// `.env`: `[export ]KEY=VALUE`; single quotes literal, double quotes with
/// `\n \" \\` escapes (may span lines), unquoted values end at ` #`.
/// No variable expansion: the verdict must not depend on the environment.
pub(crate) fn parse_env(text: &str) -> Result<Value, String> {
    let mut map = Map::new();
    let lines: Vec<&str> = text.lines().collect();
    let mut i = 0;
    while i < lines.len() {
        let lineno = i + 1;
        let line = lines[i].trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let line = line.strip_prefix("export ").map_or(line, str::trim_start);
        let Some((key, rest)) = line.split_once('=') else {
            return Err(format!("line {lineno}: expected KEY=VALUE"));
        };
        let key = key.trim();
        if key.is_empty() || !key.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')) {
            return Err(format!("line {lineno}: invalid key `{key}`"));
        }
        let rest = rest.trim_start();
        let value = if let Some(body) = rest.strip_prefix('\'') {
            match body.find('\'') {
                Some(end) => body[..end].to_owned(),
                None => return Err(format!("line {lineno}: unterminated single quote")),
            }
        } else if let Some(body) = rest.strip_prefix('"') {
            let mut joined = body.to_owned();
            loop {
                if let Some(v) = close_double(&joined) {
                    break v;
                }
                if i >= lines.len() {
                    return Err(format!("line {lineno}: unterminated double quote"));
                }
                joined.push('\n');
                joined.push_str(lines[i]);
                i += 1;
            }
        } else {
            let end = rest.find(" #").unwrap_or(rest.len());
            rest[..end].trim().to_owned()
        };
        map.insert(key.to_owned(), Value::String(value));
    }
    Ok(Value::Object(map))
}

/// The unescaped content up to the closing `"`, if there is one.
fn close_double(body: &str) -> Option<String> {
    let mut out = String::new();
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(other) => out.push(other),
                None => return None,
            },
            c => out.push(c),
        }
    }
    None
}

/// Dotted lookup. At each level the longest run of segments that names a key
/// wins (so flat keys like `spring.datasource.url` are found too); arrays
/// take numeric segments.
pub(crate) fn lookup<'v>(value: &'v Value, segments: &[&str]) -> Option<&'v Value> {
    if segments.is_empty() {
        return Some(value);
    }
    match value {
        Value::Object(map) => {
            for take in (1..=segments.len()).rev() {
                let key = segments[..take].join(".");
                if let Some(child) = map.get(&key)
                    && let Some(found) = lookup(child, &segments[take..])
                {
                    return Some(found);
                }
            }
            None
        }
        Value::Array(items) => {
            let index: usize = segments[0].parse().ok()?;
            lookup(items.get(index)?, &segments[1..])
        }
        _ => None,
    }
}

/// The text a value pattern is matched against: strings as they are, other
/// scalars and collections as compact JSON.
fn render(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `config_key_exists` and (`value`) `config_value_matches`.
pub(crate) fn verify(cx: &Cx<'_>, value: bool) -> Verdict {
    let run = || -> Result<Verdict, Verdict> {
        let rel = cx.req("file")?;
        let key = cx.req("key")?;
        let segments: Vec<&str> = key.split('.').collect();
        if segments.len() > MAX_SEGMENTS || segments.iter().any(|s| s.is_empty()) {
            return Err(cx.fail(format!("key `{key}` refused: empty segment or more than {MAX_SEGMENTS} segments")));
        }
        let re = if value {
            let pat = cx.req("pattern")?;
            let re = build(pat, false, false, cx.v.options.regex_size_limit).map_err(|e| cx.fail(e))?;
            if re.is_match("") {
                return Err(cx.fail(format!(
                    "unfalsifiable pattern `{pat}`: it matches any value; use config_key_exists to claim presence"
                )));
            }
            Some(re)
        } else {
            None
        };
        let f = cx.text_file(rel)?;
        let attach = |v: Verdict| v.with_file(&f.rel).with_hash(f.sha256());
        let docs = parse(rel, &f.text).map_err(|e| attach(cx.fail(format!("cannot parse `{rel}`: {e}"))))?;
        let Some(found) = docs.iter().find_map(|d| lookup(d, &segments)) else {
            return Ok(attach(cx.fail(format!("key `{key}` not found in `{rel}`"))));
        };
        let Some(re) = re else {
            let note = if found.is_null() { " (its value is null)" } else { "" };
            return Ok(attach(cx.pass(format!("key `{key}` present{note}"))));
        };
        let shown = render(found);
        // Bools also match their Python spelling, so patterns written for
        // the reference verifier (`True`) keep working.
        let python = match found {
            Value::Bool(true) => Some("True"),
            Value::Bool(false) => Some("False"),
            Value::Null => Some("None"),
            _ => None,
        };
        let ok = re.is_match(&shown) || python.is_some_and(|p| re.is_match(p));
        // The value itself is not echoed: configuration may hold secrets.
        let kind = match found {
            Value::String(s) => format!("a string of {} characters", s.chars().count()),
            Value::Bool(_) => "a boolean".to_owned(),
            Value::Number(_) => "a number".to_owned(),
            Value::Null => "null".to_owned(),
            Value::Array(a) => format!("a list of {}", a.len()),
            Value::Object(_) => "a table".to_owned(),
        };
        Ok(attach(if ok {
            cx.pass(format!("value of `{key}` ({kind}) matches `{}`", re.as_str()))
        } else {
            cx.fail(format!("value of `{key}` ({kind}) does not match `{}`", re.as_str()))
        }))
    };
    run().unwrap_or_else(|v| v)
}
