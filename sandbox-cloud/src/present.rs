//! From stored document to answer: pending states settle, internal fields go.
//!
//! A pending object (a cluster, one node, an action, …) carries `_settle_at` (Unix ms) and
//! `_settled`, the fields it has once settled (`{"status": {"state": "running"}}`). Reading it
//! at or after `_settle_at` merges `_settled` in. Keys starting with `_` are internal and are
//! removed from every answer. Nothing runs in the background: time is read from the clock.

use serde_json::{Map, Value};

/// Marks `doc` pending until `at`, then merged with `settled`.
pub(crate) fn pending(doc: &mut Value, at: i64, settled: Value) {
    if let Some(o) = doc.as_object_mut() {
        o.insert("_settle_at".into(), Value::from(at));
        o.insert("_settled".into(), settled);
    }
}

/// Applies due settlements in place (used before an update, so the stored document moves on).
pub(crate) fn settle(doc: &mut Value, now: i64) {
    match doc {
        Value::Object(o) => {
            let due = o
                .get("_settle_at")
                .and_then(Value::as_i64)
                .is_some_and(|t| t <= now);
            if due {
                o.remove("_settle_at");
                if let Some(patch) = o.remove("_settled") {
                    merge(o, patch);
                }
            }
            for v in o.values_mut() {
                settle(v, now);
            }
        }
        Value::Array(a) => a.iter_mut().for_each(|v| settle(v, now)),
        _ => {}
    }
}

/// Whether the document (or anything in it) is still pending at `now`.
pub(crate) fn is_pending(doc: &Value, now: i64) -> bool {
    match doc {
        Value::Object(o) => {
            o.get("_settle_at")
                .and_then(Value::as_i64)
                .is_some_and(|t| t > now)
                || o.values().any(|v| is_pending(v, now))
        }
        Value::Array(a) => a.iter().any(|v| is_pending(v, now)),
        _ => false,
    }
}

/// The answer for a stored document at `now`.
pub(crate) fn present(doc: &Value, now: i64) -> Value {
    let mut d = doc.clone();
    settle(&mut d, now);
    strip(&mut d);
    d
}

fn strip(v: &mut Value) {
    match v {
        Value::Object(o) => {
            o.retain(|k, _| !k.starts_with('_'));
            o.values_mut().for_each(strip);
        }
        Value::Array(a) => a.iter_mut().for_each(strip),
        _ => {}
    }
}

/// Deep merge: objects merge key by key, anything else replaces.
pub(crate) fn merge(into: &mut Map<String, Value>, patch: Value) {
    let Value::Object(patch) = patch else { return };
    for (k, v) in patch {
        match (into.get_mut(&k), v) {
            (Some(Value::Object(dst)), Value::Object(src)) => merge(dst, Value::Object(src)),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn settles_nested_objects_at_their_time() {
        let mut doc = json!({"id": "c", "status": {"state": "provisioning"}, "_secret": 1,
            "node_pools": [{"nodes": [{"status": {"state": "provisioning"}}]}]});
        pending(
            &mut doc,
            100,
            json!({"status": {"state": "running", "message": ""}}),
        );
        pending(
            &mut doc["node_pools"][0]["nodes"][0],
            200,
            json!({"status": {"state": "running"}}),
        );
        let at50 = present(&doc, 50);
        assert_eq!(at50["status"]["state"], "provisioning");
        assert!(at50.get("_secret").is_none() && at50.get("_settle_at").is_none());
        assert!(is_pending(&doc, 150));
        let at150 = present(&doc, 150);
        assert_eq!(at150["status"], json!({"state": "running", "message": ""}));
        assert_eq!(
            at150["node_pools"][0]["nodes"][0]["status"]["state"],
            "provisioning"
        );
        assert_eq!(
            present(&doc, 200)["node_pools"][0]["nodes"][0]["status"]["state"],
            "running"
        );
        assert!(!is_pending(&doc, 200));
    }
}
