//! DigitalOcean custom token scopes each phase needs, from the emitted resource types.

use std::collections::{BTreeMap, BTreeSet};

/// Scopes per phase for a set of emitted `digitalocean_*` resource types.
pub fn per_phase(types: &BTreeSet<String>) -> BTreeMap<String, Vec<String>> {
    let _ = types;
    BTreeMap::new()
}
