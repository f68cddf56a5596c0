#!/usr/bin/env python3
"""Regenerates compiler/data/{do,k8s,random}-schema.json from ../shared/reference.

The compiler embeds these compact files to check what it emits (DESIGN §3 self-check). Only
structure and validators are kept: no descriptions, no types.

  {"resource": {type: S | int}, "data": {type: S | int}, "defs": [S, ...]}
  S = {"a": {attr: flags},
       "b": {block: {"n": nesting, "min": int, "max": int, "s": S | int}},
       "v": {attr: [allowed values]},            exact match
       "vi": {attr: [allowed values]},           case-insensitive match
       "g": {attr: [min, max]},                  inclusive numeric range; null = unbounded
       "l": {attr: [min, max]}}                  inclusive string length range; null = unbounded
  flags: "r" required, "o" optional, "c" computed-only, "oc" optional+computed
  An integer in place of S is an index into "defs": identical block schemas are stored once
  (the Kubernetes workload types all embed the same pod spec; unversioned and _v1 types are
  identical). `max` 0 means unlimited; nesting "single" allows at most one block.

Sources:
  * structure: do-provider-tfschema.json, k8s-provider-tfschema.json,
    random-provider-tfschema.json (`terraform providers schema -json`);
  * validators (DigitalOcean only): do-provider-schema.json, which keeps them per resource under
    "arguments" (and "blocks" → "arguments" for nested blocks) with the keys `allowed_values`,
    `range`, `min`, `length_range` and `non_empty` (see its "legend"). `allowed_values_doc`
    is parsed from documentation text (heuristic) and is deliberately not used.
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))


def find_reference():
    """`$FERRY_REFERENCE`, else the first `shared/reference` beside an ancestor of the repo."""
    if os.environ.get("FERRY_REFERENCE"):
        return os.environ["FERRY_REFERENCE"]
    d = os.path.dirname(here)
    while True:
        cand = os.path.join(d, "shared", "reference")
        if os.path.isdir(cand):
            return cand
        parent = os.path.dirname(d)
        if parent == d:
            sys.exit("shared/reference not found; set FERRY_REFERENCE")
        d = parent


ref = find_reference()
out_dir = os.path.join(here, "..", "compiler", "data")

# Validators whose allowed values were extracted wrongly in do-provider-schema.json: their
# values contain spaces in the provider source and were split at them ("Fedora Atomic" became
# "Fedora", "Atomic"; "%m [%p] " became "%m", "[%p]"). Not embedded rather than embedded wrong.
BROKEN_ALLOWED = {
    ("digitalocean_custom_image", "distribution"),
    ("digitalocean_database_postgresql_config", "log_line_prefix"),
}

# Validators the provider declares case-insensitive (`validation.StringInSlice(..., true)`);
# do-provider-schema.json does not record the flag. Verified in the provider source at the
# reference commit: digitalocean/project/resource_project.go ("environment").
IGNORE_CASE = {
    ("digitalocean_project", "environment"),
}

# Kubernetes types embedded: every versioned type (`_v1`, `_v2`, …; Ferry emits those) plus the
# unversioned types people commonly keep, and kubernetes_manifest. Identical schemas are shared
# through "defs", so the unversioned twins cost almost nothing.
K8S_UNVERSIONED = {
    "kubernetes_namespace",
    "kubernetes_secret",
    "kubernetes_service",
    "kubernetes_deployment",
    "kubernetes_horizontal_pod_autoscaler",
    "kubernetes_config_map",
    "kubernetes_ingress",
    "kubernetes_manifest",
}

# Attributes of hashicorp/random releases newer than the reference schema (v3.1.0), listed in
# its source note: `numeric` (v3.3.0) on random_password/random_string, `bcrypt_hash` (v3.4.0)
# on random_password. Without them a current, valid configuration would be reported.
RANDOM_OVERLAY = {
    "random_password": {"numeric": "oc", "bcrypt_hash": "c"},
    "random_string": {"numeric": "oc"},
}


def flags(a):
    if a.get("required"):
        return "r"
    if a.get("optional") and a.get("computed"):
        return "oc"
    if a.get("optional"):
        return "o"
    return "c"


def block(b):
    s = {"a": {k: flags(v) for k, v in sorted(b.get("attributes", {}).items())}}
    bt = {}
    for k, v in sorted(b.get("block_types", {}).items()):
        bt[k] = {
            "n": v.get("nesting_mode"),
            "min": v.get("min_items", 0),
            "max": v.get("max_items", 0),
            "s": block(v["block"]),
        }
    if bt:
        s["b"] = bt
    return s


def provider(name, keep=lambda ty: True):
    d = json.load(open(os.path.join(ref, name)))
    (p,) = d["provider_schemas"].values()
    return {
        "resource": {k: block(v["block"]) for k, v in sorted(p.get("resource_schemas", {}).items()) if keep(k)},
        "data": {k: block(v["block"]) for k, v in sorted(p.get("data_source_schemas", {}).items()) if keep(k)},
    }


# ---- validators (DigitalOcean) ------------------------------------------------------------

def attach(ty, target, args, blocks, stats):
    """Copies the validators of `args` into the compact block `target`, recursing into `blocks`."""
    for name, a in sorted(args.items()):
        if not isinstance(a, dict) or name not in target.get("a", {}):
            continue
        vals = a.get("allowed_values")
        if isinstance(vals, list) and vals and (ty, name) not in BROKEN_ALLOWED:
            if all(isinstance(x, (str, int, float)) and not isinstance(x, bool) for x in vals):
                key = "vi" if (ty, name) in IGNORE_CASE else "v"
                uniq = []
                for x in vals:
                    if x not in uniq:
                        uniq.append(x)
                target.setdefault(key, {})[name] = uniq
                stats["allowed"] += 1
        rng = a.get("range")
        lo, hi = None, None
        if isinstance(rng, list) and len(rng) == 2:
            lo, hi = rng
        if isinstance(a.get("min"), (int, float)) and not isinstance(a.get("min"), bool):
            lo = a["min"] if lo is None else max(lo, a["min"])
        if lo is not None or hi is not None:
            target.setdefault("g", {})[name] = [lo, hi]
            stats["range"] += 1
        lr = a.get("length_range")
        llo, lhi = None, None
        if isinstance(lr, list) and len(lr) == 2:
            llo, lhi = lr
        if a.get("non_empty") and a.get("type") == "string":
            llo = 1 if llo is None else max(llo, 1)
        if llo is not None or lhi is not None:
            target.setdefault("l", {})[name] = [llo, lhi]
            stats["length"] += 1
    for name, b in sorted((blocks or {}).items()):
        nested = target.get("b", {}).get(name)
        if not isinstance(b, dict) or nested is None:
            continue
        attach(ty, nested["s"], b.get("arguments", {}), b.get("blocks"), stats)


def validators(schema):
    d = json.load(open(os.path.join(ref, "do-provider-schema.json")))
    stats = {"allowed": 0, "range": 0, "length": 0}
    for ty, res in sorted(d.get("resources", {}).items()):
        target = schema["resource"].get(ty)
        if target is None:
            print("warning: validators for unknown type", ty, file=sys.stderr)
            continue
        attach(ty, target, res.get("arguments", {}), res.get("blocks"), stats)
    return stats


# ---- sharing identical blocks ------------------------------------------------------------

def canon(x):
    return json.dumps(x, separators=(",", ":"), sort_keys=True)


def share(schema, min_len=200):
    """Moves block schemas that occur more than once (and are not tiny) into "defs"."""
    counts = {}

    def count(s):
        counts[canon(s)] = counts.get(canon(s), 0) + 1
        for nb in s.get("b", {}).values():
            count(nb["s"])

    for kind in ("resource", "data"):
        for s in schema[kind].values():
            count(s)
    defs, index = [], {}

    def intern(s):
        # Children first, so a shared block's own children are shared too.
        out = dict(s)
        if "b" in s:
            out["b"] = {k: dict(nb, s=intern(nb["s"])) for k, nb in s["b"].items()}
        key = canon(s)
        if counts.get(key, 0) > 1 and len(key) >= min_len:
            if key not in index:
                index[key] = len(defs)
                defs.append(out)
            return index[key]
        return out

    result = {kind: {k: intern(s) for k, s in schema[kind].items()} for kind in ("resource", "data")}
    if defs:
        result["defs"] = defs
    return result


def write(name, schema):
    path = os.path.join(out_dir, name)
    with open(path, "w") as f:
        json.dump(schema, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print("wrote", os.path.relpath(path), os.path.getsize(path), "bytes")


def main():
    do = provider("do-provider-tfschema.json")
    stats = validators(do)
    print("digitalocean validators:", stats)
    write("do-schema.json", share(do))

    k8s = provider(
        "k8s-provider-tfschema.json",
        keep=lambda ty: ty in K8S_UNVERSIONED or any(ty.endswith(f"_v{i}") for i in range(1, 4)),
    )
    k8s["data"] = {}  # resources only: Ferry emits no kubernetes data sources
    write("k8s-schema.json", share(k8s))

    rnd = provider("random-provider-tfschema.json")
    for ty, extra in RANDOM_OVERLAY.items():
        rnd["resource"][ty]["a"].update(extra)
        rnd["resource"][ty]["a"] = dict(sorted(rnd["resource"][ty]["a"].items()))
    write("random-schema.json", share(rnd))


if __name__ == "__main__":
    main()
