//! Values of the Terraform language as the engine evaluates them.
//!
//! Terraform's values, plus one the engine needs: [`Val::Unknown`], a value that would only be
//! known after a resource the engine does not create (a Kubernetes object, a Spaces bucket)
//! exists. Unknown values flow through lists and structural functions, so a list that mixes known
//! and unknown elements (a project's `resources`) keeps its known ones; anything that must read an
//! unknown value (a string template, a comparison) becomes unknown itself. A resource whose
//! arguments are still unknown after evaluation is skipped, naming what it waited for.

use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::fmt;

/// A Terraform value.
#[derive(Clone, PartialEq)]
pub enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// Lists, tuples and sets (sets are kept sorted and deduplicated by `toset`).
    List(Vec<Val>),
    /// Maps and objects.
    Map(BTreeMap<String, Val>),
    /// Known only after `source` exists (a resource address and why it is not created here).
    Unknown(String),
}

/// Values can hold secrets (database passwords read back from the API): `Debug` shows the shape,
/// never string contents.
impl fmt::Debug for Val {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Val::Null => f.write_str("null"),
            Val::Bool(b) => write!(f, "{b}"),
            Val::Num(n) => write!(f, "{}", fmt_num(*n)),
            Val::Str(s) => write!(f, "<string of {} bytes>", s.len()),
            Val::List(items) => f.debug_list().entries(items).finish(),
            Val::Map(map) => f.debug_map().entries(map).finish(),
            Val::Unknown(source) => write!(f, "<unknown until {source}>"),
        }
    }
}

impl Val {
    pub fn str(s: impl Into<String>) -> Val {
        Val::Str(s.into())
    }

    /// The name of the value's type, for error messages (never the value itself).
    pub fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Num(_) => "number",
            Val::Str(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) => "object",
            Val::Unknown(_) => "unknown",
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self, Val::Null)
    }

    /// The first unknown value inside, depth first: what the value waits for.
    pub fn first_unknown(&self) -> Option<&str> {
        match self {
            Val::Unknown(source) => Some(source),
            Val::List(items) => items.iter().find_map(Val::first_unknown),
            Val::Map(map) => map.values().find_map(Val::first_unknown),
            _ => None,
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Val::Str(s) => Some(s),
            _ => None,
        }
    }

    /// Terraform's automatic conversion to string (numbers and bools convert).
    pub fn to_text(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(fmt_num(*n)),
            Val::Bool(b) => Some(b.to_string()),
            _ => None,
        }
    }

    /// Terraform's automatic conversion to number (numeric strings convert).
    pub fn to_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse::<f64>().ok().filter(|n| n.is_finite()),
            _ => None,
        }
    }

    /// Terraform's automatic conversion to bool (`"true"`/`"false"` convert).
    pub fn to_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s == "true" => Some(true),
            Val::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// The value as JSON; `Err` names the first unknown part.
    pub fn to_json(&self) -> Result<Json, String> {
        Ok(match self {
            Val::Null => Json::Null,
            Val::Bool(b) => Json::Bool(*b),
            Val::Num(n) => num_to_json(*n),
            Val::Str(s) => Json::String(s.clone()),
            Val::List(items) => Json::Array(
                items
                    .iter()
                    .map(Val::to_json)
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            Val::Map(map) => Json::Object(
                map.iter()
                    .map(|(k, v)| Ok((k.clone(), v.to_json()?)))
                    .collect::<Result<serde_json::Map<_, _>, String>>()?,
            ),
            Val::Unknown(source) => return Err(source.clone()),
        })
    }

    pub fn from_json(json: &Json) -> Val {
        match json {
            Json::Null => Val::Null,
            Json::Bool(b) => Val::Bool(*b),
            Json::Number(n) => Val::Num(n.as_f64().unwrap_or(0.0)),
            Json::String(s) => Val::Str(s.clone()),
            Json::Array(items) => Val::List(items.iter().map(Val::from_json).collect()),
            Json::Object(map) => Val::Map(
                map.iter()
                    .map(|(k, v)| (k.clone(), Val::from_json(v)))
                    .collect(),
            ),
        }
    }

    pub fn from_hcl_number(n: &hcl::Number) -> Val {
        Val::Num(n.as_f64().unwrap_or(0.0))
    }
}

/// Whole numbers print without a fraction, as Terraform prints them.
pub fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

pub fn num_to_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        Json::from(n as i64)
    } else {
        serde_json::Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

/// A map from string keys, for building object values.
pub fn obj<I, K>(entries: I) -> Val
where
    I: IntoIterator<Item = (K, Val)>,
    K: Into<String>,
{
    Val::Map(entries.into_iter().map(|(k, v)| (k.into(), v)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_string_contents() {
        let v = obj([("password", Val::str("hunter2"))]);
        let shown = format!("{v:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("password"));
    }

    #[test]
    fn numbers_keep_integers_integral() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(num_to_json(102400.0), serde_json::json!(102400));
        assert_eq!(num_to_json(0.6), serde_json::json!(0.6));
    }

    #[test]
    fn unknown_parts_are_named() {
        let v = Val::List(vec![Val::str("a"), Val::Unknown("x.y".into())]);
        assert_eq!(v.first_unknown(), Some("x.y"));
        assert_eq!(v.to_json(), Err("x.y".to_string()));
        assert_eq!(
            Val::from_json(&serde_json::json!({"a": [1, "b"]})).to_json(),
            Ok(serde_json::json!({"a": [1, "b"]}))
        );
    }
}
