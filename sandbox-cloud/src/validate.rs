//! Request validation against the OpenAPI summary of the operation (`data/spec.json`).
//!
//! A body that is not JSON or has a field of the wrong JSON type is a 400 `bad_request` (as
//! DigitalOcean's decoder answers); a missing required field, a value outside an enum or range,
//! or a string over its maximum length is a 422 `unprocessable_entity`. Every message names the
//! field by its path (`forwarding_rules[1].entry_protocol`).

use crate::error::DoError;
use crate::spec::{BodySpec, QueryParam};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, OnceLock};

/// Checks a request body against its operation's summary.
pub fn body(spec: &BodySpec, body: &Map<String, Value>) -> Result<(), DoError> {
    for (field, ty) in &spec.types {
        if let Some(v) = body.get(field).filter(|v| !v.is_null())
            && !has_type(v, ty)
        {
            return Err(DoError::bad_request(format!(
                "error parsing request body: `{field}` must be {}",
                article(ty)
            )));
        }
    }
    for field in &spec.required {
        if !present(body, field) {
            return Err(DoError::unprocessable(format!("`{field}` is required")));
        }
    }
    if let Some(d) = &spec.discriminator {
        if let Some(value) = body.get(&d.property).and_then(Value::as_str) {
            if let Some(required) = d.mapping.get(value) {
                for field in required {
                    if !present(body, field) {
                        return Err(DoError::unprocessable(format!(
                            "`{field}` is required when `{}` is `{value}`",
                            d.property
                        )));
                    }
                }
            }
        } else if !present(body, &d.property) {
            return Err(DoError::unprocessable(format!(
                "`{}` is required (one of: {})",
                d.property,
                d.mapping.keys().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
    }
    if !spec.one_of.is_empty()
        && !spec
            .one_of
            .iter()
            .any(|alt| alt.iter().all(|f| present(body, f)))
    {
        let alts: Vec<String> = spec
            .one_of
            .iter()
            .map(|alt| {
                alt.iter()
                    .map(|f| format!("`{f}`"))
                    .collect::<Vec<_>>()
                    .join(" + ")
            })
            .collect();
        return Err(DoError::unprocessable(format!(
            "the request needs one of: {}",
            alts.join("; or ")
        )));
    }
    let root = Value::Object(body.clone());
    for (path, allowed) in &spec.enums {
        for (at, v) in values_at(&root, path) {
            if v.is_null() {
                continue;
            }
            if !allowed.contains(v) {
                return Err(DoError::unprocessable(format!(
                    "`{at}`: {v} is not one of {}",
                    list(allowed)
                )));
            }
        }
    }
    for (path, (lo, hi)) in &spec.ranges {
        for (at, v) in values_at(&root, path) {
            let Some(n) = v.as_f64() else { continue };
            if lo.is_some_and(|lo| n < lo) || hi.is_some_and(|hi| n > hi) {
                return Err(DoError::unprocessable(format!(
                    "`{at}`: {n} is out of range ({} to {})",
                    lo.map_or("-".into(), fmt_num),
                    hi.map_or("-".into(), fmt_num)
                )));
            }
        }
    }
    for (path, pattern) in &spec.patterns {
        let Some(re) = regex(pattern) else { continue };
        for (at, v) in values_at(&root, path) {
            if let Some(text) = v.as_str()
                && !re.is_match(text)
            {
                return Err(DoError::unprocessable(format!(
                    "`{at}`: `{text}` does not match the pattern {pattern}"
                )));
            }
        }
    }
    for (field, max) in &spec.max_length {
        if let Some(s) = body.get(field).and_then(Value::as_str)
            && s.chars().count() > *max
        {
            return Err(DoError::unprocessable(format!(
                "`{field}` is longer than {max} characters"
            )));
        }
    }
    Ok(())
}

/// Checks query parameters: required ones present, integers that parse, enums and ranges.
pub fn query(
    params: &BTreeMap<String, QueryParam>,
    query: &[(String, String)],
) -> Result<(), DoError> {
    for (name, p) in params {
        let values: Vec<&str> = query
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect();
        if values.is_empty() {
            if p.required {
                return Err(DoError::bad_request(format!(
                    "query parameter `{name}` is required"
                )));
            }
            continue;
        }
        for v in values {
            if p.ty == "integer" {
                let n: i64 = v.parse().map_err(|_| {
                    DoError::bad_request(format!(
                        "query parameter `{name}`: `{v}` is not an integer"
                    ))
                })?;
                // `per_page` above its maximum is capped, as DigitalOcean does; below the
                // minimum is an error.
                #[allow(clippy::cast_precision_loss)]
                let n = n as f64;
                if p.min.is_some_and(|m| n < m) {
                    return Err(DoError::bad_request(format!(
                        "query parameter `{name}` must be at least {}",
                        p.min.map_or(String::new(), fmt_num)
                    )));
                }
            }
            if !p.values.is_empty() && !p.values.iter().any(|a| a.as_str() == Some(v)) {
                return Err(DoError::unprocessable(format!(
                    "query parameter `{name}`: `{v}` is not one of {}",
                    list(&p.values)
                )));
            }
        }
    }
    Ok(())
}

/// The compiled pattern (cached; a pattern the regex crate cannot compile is not checked).
fn regex(pattern: &str) -> Option<regex::Regex> {
    static CACHE: OnceLock<Mutex<HashMap<String, Option<regex::Regex>>>> = OnceLock::new();
    let mut cache = CACHE.get_or_init(Default::default).lock().ok()?;
    cache
        .entry(pattern.to_string())
        .or_insert_with(|| regex::Regex::new(pattern).ok())
        .clone()
}

fn present(body: &Map<String, Value>, field: &str) -> bool {
    match body.get(field) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(_) => true,
    }
}

fn has_type(v: &Value, ty: &str) -> bool {
    match ty {
        "string" => v.is_string(),
        "integer" => v.is_i64() || v.is_u64() || v.as_f64().is_some_and(|f| f.fract() == 0.0),
        "number" => v.is_number(),
        "boolean" => v.is_boolean(),
        "array" => v.is_array(),
        "object" => v.is_object(),
        _ => true,
    }
}

fn article(ty: &str) -> &'static str {
    match ty {
        "string" => "a string",
        "integer" => "an integer",
        "number" => "a number",
        "boolean" => "a boolean",
        "array" => "an array",
        "object" => "an object",
        _ => "of another type",
    }
}

fn list(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| match v {
            Value::String(s) => s.clone(),
            v => v.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 {
        format!("{n:.0}")
    } else {
        n.to_string()
    }
}

/// Every value at `path` (`a.b`, `list[].c`, `list[]`) with its concrete location.
fn values_at<'a>(root: &'a Value, path: &str) -> Vec<(String, &'a Value)> {
    let mut cur: Vec<(String, &Value)> = vec![(String::new(), root)];
    for seg in path.split('.') {
        let (name, arrays) = match seg.find("[]") {
            Some(i) => (&seg[..i], seg[i..].matches("[]").count()),
            None => (seg, 0),
        };
        let mut next = Vec::new();
        for (at, v) in cur {
            let Some(child) = v.get(name) else { continue };
            let at = if at.is_empty() {
                name.to_string()
            } else {
                format!("{at}.{name}")
            };
            let mut level = vec![(at, child)];
            for _ in 0..arrays {
                let mut deeper = Vec::new();
                for (at, v) in level {
                    if let Some(items) = v.as_array() {
                        for (i, item) in items.iter().enumerate() {
                            deeper.push((format!("{at}[{i}]"), item));
                        }
                    }
                }
                level = deeper;
            }
            next.extend(level);
        }
        cur = next;
    }
    cur
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::SpecData;
    use serde_json::json;

    fn check(op: &str, body: Value) -> Result<(), DoError> {
        let spec = SpecData::get().expect("spec");
        let (m, p) = op.split_once(' ').expect("op");
        let bs = spec.op(m, p).and_then(|o| o.body.as_ref()).expect("body");
        super::body(bs, body.as_object().expect("object"))
    }

    #[test]
    #[allow(clippy::type_complexity)]
    fn table() {
        let lb_ok = json!({"region": "nyc3", "forwarding_rules": [{"entry_protocol": "http", "entry_port": 80, "target_protocol": "http", "target_port": 80}]});
        let cases: Vec<(&str, Value, Option<(u16, &str)>)> = vec![
            (
                "POST /v2/vpcs",
                json!({"name": "a", "region": "nyc3"}),
                None,
            ),
            (
                "POST /v2/vpcs",
                json!({"name": "a"}),
                Some((422, "`region` is required")),
            ),
            (
                "POST /v2/vpcs",
                json!({"name": "", "region": "nyc3"}),
                Some((422, "`name` is required")),
            ),
            (
                "POST /v2/vpcs",
                json!({"name": 5, "region": "nyc3"}),
                Some((400, "`name` must be a string")),
            ),
            ("POST /v2/load_balancers", lb_ok, None),
            (
                "POST /v2/load_balancers",
                json!({"region": "nyc3", "forwarding_rules": [{"entry_protocol": "http"}, {"entry_protocol": "ftp"}]}),
                Some((
                    422,
                    "`forwarding_rules[1].entry_protocol`: \"ftp\" is not one of",
                )),
            ),
            (
                "POST /v2/databases",
                json!({"name": "d", "engine": "oracle", "num_nodes": 1, "size": "x", "region": "nyc3"}),
                Some((422, "`engine`: \"oracle\" is not one of pg, mysql")),
            ),
            (
                "POST /v2/droplets",
                json!({"size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}),
                Some((
                    422,
                    "the request needs one of: `name` + `size` + `image`; or `names`",
                )),
            ),
            (
                "POST /v2/droplets",
                json!({"names": ["a", "b"], "size": "s-1vcpu-1gb", "image": "ubuntu-24-04-x64"}),
                None,
            ),
            (
                "POST /v2/domains/{domain_name}/records",
                json!({"type": "MX", "data": "mail.example.com."}),
                Some((422, "`priority` is required when `type` is `MX`")),
            ),
            (
                "POST /v2/domains/{domain_name}/records",
                json!({"type": "BOGUS", "data": "x"}),
                Some((422, "`type`: \"BOGUS\" is not one of")),
            ),
            (
                "POST /v2/volumes/{volume_id}/actions",
                json!({"type": "resize", "size_gigabytes": 20000}),
                Some((422, "`size_gigabytes`: 20000 is out of range (- to 16384)")),
            ),
            (
                "POST /v2/registry",
                json!({"name": "x".repeat(64), "subscription_tier_slug": "basic"}),
                Some((422, "`name`")),
            ),
            (
                "POST /v2/registry",
                json!({"name": "Acme_Registry", "subscription_tier_slug": "basic"}),
                Some((422, "does not match the pattern")),
            ),
            (
                "POST /v2/projects/{project_id}/resources",
                json!({"resources": ["do:droplet:1", "arn:aws:s3:::x"]}),
                Some((422, "`resources[1]`: `arn:aws:s3:::x` does not match")),
            ),
            (
                "POST /v2/kubernetes/clusters",
                json!({"name": "k", "region": "nyc3", "version": "latest", "node_pools": [{"name": "p", "size": "s-1vcpu-2gb", "count": 1, "taints": [{"key": "a", "value": "b", "effect": "Sometimes"}]}]}),
                Some((422, "`node_pools[0].taints[0].effect`")),
            ),
        ];
        for (op, body, want) in cases {
            let got = check(op, body.clone());
            match (got, want) {
                (Ok(()), None) => {}
                (Err(e), Some((status, frag))) => {
                    assert_eq!(e.status.as_u16(), status, "{op} {body}: {e}");
                    assert!(e.message.contains(frag), "{op} {body}: {e}");
                }
                (got, want) => panic!("{op} {body}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn query_params() {
        let spec = SpecData::get().expect("spec");
        let q = &spec.op("GET", "/v2/droplets").expect("op").query;
        let ok = vec![("per_page".to_string(), "500".to_string())];
        assert!(query(q, &ok).is_ok(), "per_page over the maximum is capped");
        let bad = vec![("page".to_string(), "x".to_string())];
        assert_eq!(
            query(q, &bad).expect_err("bad").status.as_u16(),
            400,
            "page must be an integer"
        );
        let bad = vec![("type".to_string(), "vms".to_string())];
        assert_eq!(query(q, &bad).expect_err("bad").status.as_u16(), 422);
        let m = &spec
            .op("GET", "/v2/monitoring/metrics/droplet/cpu")
            .expect("op")
            .query;
        assert!(query(m, &[]).is_err(), "host_id is required");
    }
}
