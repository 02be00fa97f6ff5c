//! Stable entity ids. Each kind has its own prefix (`A7`, `CO12`) and its own
//! newtype, so an asset id can never be passed where a control id is meant.
//! Ids are allocated as max(existing) + 1 per model and kind, and are never
//! reused or renumbered: soft-deleted entities keep theirs.

use std::borrow::Cow;
use std::fmt;
use std::str::FromStr;

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A string that is not a well-formed id of the expected kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{given}` is not a valid {kind} id (expected {prefix} followed by a number from 1, e.g. {prefix}1)")]
pub struct IdParseError {
    pub kind: &'static str,
    pub prefix: &'static str,
    pub given: String,
}

/// What every id kind shares; lets generic code allocate and compare ids.
pub trait StableId: Copy + Ord + std::hash::Hash + fmt::Display + fmt::Debug {
    const PREFIX: &'static str;
    fn number(self) -> u32;
    fn from_number(n: u32) -> Self;
}

macro_rules! entity_id {
    ($(#[$meta:meta])* $name:ident, $prefix:literal, $kind:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub u32);

        impl StableId for $name {
            const PREFIX: &'static str = $prefix;
            fn number(self) -> u32 {
                self.0
            }
            fn from_number(n: u32) -> Self {
                $name(n)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}{}", $prefix, self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(self, f)
            }
        }

        impl FromStr for $name {
            type Err = IdParseError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let err = || IdParseError { kind: $kind, prefix: $prefix, given: s.to_owned() };
                let digits = s.strip_prefix($prefix).ok_or_else(err)?;
                if digits.is_empty() || digits.starts_with('0') || !digits.bytes().all(|b| b.is_ascii_digit()) {
                    return Err(err());
                }
                digits.parse::<u32>().map($name).map_err(|_| err())
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let s = Cow::<'de, str>::deserialize(deserializer)?;
                s.parse().map_err(serde::de::Error::custom)
            }
        }

        impl JsonSchema for $name {
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed(stringify!($name))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "type": "string",
                    "pattern": concat!("^", $prefix, "[1-9][0-9]*$"),
                    "description": concat!("A stable ", $kind, " id."),
                })
            }
        }
    };
}

entity_id!(
    /// A trust boundary id, `TB1`…
    TrustBoundaryId, "TB", "trust boundary"
);
entity_id!(
    /// A component id, `CMP1`…
    ComponentId, "CMP", "component"
);
entity_id!(
    /// An asset id, `A1`…
    AssetId, "A", "asset"
);
entity_id!(
    /// An attacker id, `T1`…
    AttackerId, "T", "attacker"
);
entity_id!(
    /// A control objective id, `CO1`…; owned forever by its (asset, attacker) pair.
    ControlObjectiveId, "CO", "control objective"
);
entity_id!(
    /// An assumption id, `AS1`…
    AssumptionId, "AS", "assumption"
);
entity_id!(
    /// A control id, `C1`…
    ControlId, "C", "control"
);
