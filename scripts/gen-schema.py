#!/usr/bin/env python3
"""Regenerates compiler/data/*-schema.json from ../shared/reference (the providers' own schemas).

The compiler embeds these compact files to check what it emits (DESIGN §3 self-check):
  {"resource": {type: S}, "data": {type: S}}
  S = {"a": {attr: flags}, "b": {block: {"n": nesting, "min": int, "max": int, "s": S}}}
  flags: "r" required, "o" optional, "c" computed-only, "oc" optional+computed
Allowed values (validators) come from do-provider-schema.json when present: "v": {attr: [values]}.
"""
import json, os, sys

here = os.path.dirname(os.path.abspath(__file__))
ref = os.path.join(here, "..", "..", "shared", "reference")
out_dir = os.path.join(here, "..", "compiler", "data")


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
        if k == "timeouts":
            continue
        bt[k] = {"n": v.get("nesting_mode"), "min": v.get("min_items", 0), "max": v.get("max_items", 0), "s": block(v["block"])}
    if bt:
        s["b"] = bt
    return s


def provider(path, name):
    d = json.load(open(path))
    (p,) = d["provider_schemas"].values()
    return {
        "resource": {k: block(v["block"]) for k, v in sorted(p.get("resource_schemas", {}).items())},
        "data": {k: block(v["block"]) for k, v in sorted(p.get("data_source_schemas", {}).items())},
    }


def allowed_values(schema):
    """Attach allowed values from the provider's validators (do-provider-schema.json)."""
    d = json.load(open(os.path.join(ref, "do-provider-schema.json")))
    for ty, res in d.get("resources", {}).items():
        target = schema["resource"].get(ty)
        if not target:
            continue
        attach(target, res)


def attach(target, res):
    attrs = res.get("attributes", res) if isinstance(res, dict) else {}
    for name, a in (attrs.items() if isinstance(attrs, dict) else []):
        if not isinstance(a, dict):
            continue
        vals = a.get("allowed_values")
        if isinstance(vals, list) and vals and all(isinstance(x, (str, int)) for x in vals):
            target.setdefault("v", {})[name] = vals
        if isinstance(a.get("blocks"), dict) and "b" in target and name in target["b"]:
            attach(target["b"][name]["s"], a["blocks"])


def main():
    do = provider(os.path.join(ref, "do-provider-tfschema.json"), "digitalocean")
    allowed_values(do)
    json.dump(do, open(os.path.join(out_dir, "do-schema.json"), "w"), separators=(",", ":"), sort_keys=True)
    print("wrote", os.path.join(out_dir, "do-schema.json"), os.path.getsize(os.path.join(out_dir, "do-schema.json")), "bytes")


if __name__ == "__main__":
    main()
