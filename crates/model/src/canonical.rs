//! Canonical JSON and content hashes.
//!
//! Canonical form: object keys sorted by their UTF-8 bytes, no insignificant
//! whitespace, strings escaped as serde_json escapes them (only `"`, `\` and
//! control characters; everything else as UTF-8). Integers print without
//! exponent; the model contains no floats. The same value therefore hashes to
//! the same digest on every platform.

use serde::Serialize;
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The canonical JSON text of a value.
pub fn to_canonical_json<T: Serialize + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    match serde_json::to_value(value) {
        Ok(v) => write_canonical(&v, &mut out),
        // Our types serialise infallibly (string keys, no non-finite floats);
        // an error here is a programming error surfaced as an impossible digest.
        Err(e) => out.push_str(&format!("\"unserialisable: {e}\"")),
    }
    out
}

/// Writes a JSON value canonically. Keys are sorted here rather than relying
/// on serde_json's map type, whose order changes when any crate in the build
/// turns on its `preserve_order` feature.
pub fn write_canonical(value: &Value, out: &mut String) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_unstable_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
            out.push('{');
            for (i, (k, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_canonical(v, out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_canonical(v, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

/// Lower-case hex SHA-256 of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest.iter() {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0x0f)]));
    }
    out
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// `sha256:<hex>` of a value's canonical JSON.
pub fn sha256_of<T: Serialize + ?Sized>(value: &T) -> String {
    format!("sha256:{}", sha256_hex(to_canonical_json(value).as_bytes()))
}
