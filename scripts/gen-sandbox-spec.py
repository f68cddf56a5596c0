#!/usr/bin/env python3
"""Regenerates sandbox-cloud/data/spec.json: what the sandbox cloud validates requests against.

Sources (../shared/reference, or FERRY_REFERENCE):
  digitalocean-openapi.yaml  DigitalOcean's published OpenAPI, bundled into one file
  do-api-endpoints.json      the same endpoints with their custom token scopes
  do-slugs.json              regions, sizes, engines and versions, registry tiers

For every operation the sandbox serves (SERVED below; the Rust side checks that it routes exactly
these), the file holds a compact summary of the request: required body fields, the type of each
top-level field, enum values, numeric ranges and string patterns at any depth (paths like
`forwarding_rules[].entry_protocol`), `oneOf` alternatives and discriminated variants, query
parameters with their enums and ranges, the token scopes the endpoint accepts, whether its list
answer is paginated (`links` + `meta`) and its success status. Slugs are copied from do-slugs.json
into `slugs`. Nothing is written by hand except the served list, the Kubernetes versions the
sandbox offers (do-slugs.json has only dated examples) and the documented exceptions below.

Run: python3 scripts/gen-sandbox-spec.py   (needs PyYAML: Debian python3-yaml)
"""
import json
import os
import sys

import yaml

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "sandbox-cloud", "data", "spec.json")


def find_reference():
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


# Every operation the sandbox serves, as "METHOD /path" exactly as the OpenAPI spells it.
SERVED = """
GET /v2/account
GET /v2/account/keys
POST /v2/account/keys
GET /v2/account/keys/{ssh_key_identifier}
PUT /v2/account/keys/{ssh_key_identifier}
DELETE /v2/account/keys/{ssh_key_identifier}
GET /v2/regions
GET /v2/sizes
GET /v2/actions
GET /v2/actions/{action_id}

GET /v2/vpcs
POST /v2/vpcs
GET /v2/vpcs/{vpc_id}
PUT /v2/vpcs/{vpc_id}
PATCH /v2/vpcs/{vpc_id}
DELETE /v2/vpcs/{vpc_id}
GET /v2/vpcs/{vpc_id}/members

GET /v2/kubernetes/options
GET /v2/kubernetes/clusters
POST /v2/kubernetes/clusters
GET /v2/kubernetes/clusters/{cluster_id}
PUT /v2/kubernetes/clusters/{cluster_id}
DELETE /v2/kubernetes/clusters/{cluster_id}
GET /v2/kubernetes/clusters/{cluster_id}/kubeconfig
GET /v2/kubernetes/clusters/{cluster_id}/credentials
GET /v2/kubernetes/clusters/{cluster_id}/upgrades
GET /v2/kubernetes/clusters/{cluster_id}/node_pools
POST /v2/kubernetes/clusters/{cluster_id}/node_pools
GET /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}
PUT /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}
DELETE /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}
POST /v2/kubernetes/registry
DELETE /v2/kubernetes/registry

GET /v2/databases/options
GET /v2/databases
POST /v2/databases
GET /v2/databases/{database_cluster_uuid}
DELETE /v2/databases/{database_cluster_uuid}
PUT /v2/databases/{database_cluster_uuid}/resize
PUT /v2/databases/{database_cluster_uuid}/maintenance
GET /v2/databases/{database_cluster_uuid}/config
PATCH /v2/databases/{database_cluster_uuid}/config
GET /v2/databases/{database_cluster_uuid}/ca
GET /v2/databases/{database_cluster_uuid}/firewall
PUT /v2/databases/{database_cluster_uuid}/firewall
GET /v2/databases/{database_cluster_uuid}/replicas
POST /v2/databases/{database_cluster_uuid}/replicas
GET /v2/databases/{database_cluster_uuid}/replicas/{replica_name}
DELETE /v2/databases/{database_cluster_uuid}/replicas/{replica_name}
GET /v2/databases/{database_cluster_uuid}/users
POST /v2/databases/{database_cluster_uuid}/users
GET /v2/databases/{database_cluster_uuid}/users/{username}
PUT /v2/databases/{database_cluster_uuid}/users/{username}
DELETE /v2/databases/{database_cluster_uuid}/users/{username}
POST /v2/databases/{database_cluster_uuid}/users/{username}/reset_auth
GET /v2/databases/{database_cluster_uuid}/dbs
POST /v2/databases/{database_cluster_uuid}/dbs
GET /v2/databases/{database_cluster_uuid}/dbs/{database_name}
DELETE /v2/databases/{database_cluster_uuid}/dbs/{database_name}
GET /v2/databases/{database_cluster_uuid}/pools
POST /v2/databases/{database_cluster_uuid}/pools
GET /v2/databases/{database_cluster_uuid}/pools/{pool_name}
PUT /v2/databases/{database_cluster_uuid}/pools/{pool_name}
DELETE /v2/databases/{database_cluster_uuid}/pools/{pool_name}
GET /v2/databases/{database_cluster_uuid}/eviction_policy
PUT /v2/databases/{database_cluster_uuid}/eviction_policy

GET /v2/volumes
POST /v2/volumes
DELETE /v2/volumes
POST /v2/volumes/actions
GET /v2/volumes/{volume_id}
DELETE /v2/volumes/{volume_id}
GET /v2/volumes/{volume_id}/actions
POST /v2/volumes/{volume_id}/actions
GET /v2/volumes/{volume_id}/actions/{action_id}

GET /v2/nfs
POST /v2/nfs
GET /v2/nfs/{nfs_id}
DELETE /v2/nfs/{nfs_id}
POST /v2/nfs/{nfs_id}/actions

GET /v2/load_balancers
POST /v2/load_balancers
GET /v2/load_balancers/{lb_id}
PUT /v2/load_balancers/{lb_id}
DELETE /v2/load_balancers/{lb_id}
POST /v2/load_balancers/{lb_id}/droplets
DELETE /v2/load_balancers/{lb_id}/droplets
POST /v2/load_balancers/{lb_id}/forwarding_rules
DELETE /v2/load_balancers/{lb_id}/forwarding_rules

GET /v2/domains
POST /v2/domains
GET /v2/domains/{domain_name}
DELETE /v2/domains/{domain_name}
GET /v2/domains/{domain_name}/records
POST /v2/domains/{domain_name}/records
GET /v2/domains/{domain_name}/records/{domain_record_id}
PUT /v2/domains/{domain_name}/records/{domain_record_id}
PATCH /v2/domains/{domain_name}/records/{domain_record_id}
DELETE /v2/domains/{domain_name}/records/{domain_record_id}

GET /v2/registry
POST /v2/registry
DELETE /v2/registry
GET /v2/registry/options
GET /v2/registry/subscription
POST /v2/registry/subscription
GET /v2/registry/docker-credentials
POST /v2/registry/validate-name
GET /v2/registry/{registry_name}/repositoriesV2

GET /v2/tags
POST /v2/tags
GET /v2/tags/{tag_id}
DELETE /v2/tags/{tag_id}
POST /v2/tags/{tag_id}/resources
DELETE /v2/tags/{tag_id}/resources

GET /v2/projects
POST /v2/projects
GET /v2/projects/default
PUT /v2/projects/default
PATCH /v2/projects/default
GET /v2/projects/{project_id}
PUT /v2/projects/{project_id}
PATCH /v2/projects/{project_id}
DELETE /v2/projects/{project_id}
GET /v2/projects/{project_id}/resources
POST /v2/projects/{project_id}/resources
GET /v2/projects/default/resources
POST /v2/projects/default/resources

GET /v2/droplets
POST /v2/droplets
DELETE /v2/droplets
GET /v2/droplets/{droplet_id}
DELETE /v2/droplets/{droplet_id}
GET /v2/droplets/{droplet_id}/actions
POST /v2/droplets/{droplet_id}/actions
GET /v2/droplets/{droplet_id}/actions/{action_id}
GET /v2/droplets/{droplet_id}/firewalls

GET /v2/firewalls
POST /v2/firewalls
GET /v2/firewalls/{firewall_id}
PUT /v2/firewalls/{firewall_id}
DELETE /v2/firewalls/{firewall_id}
POST /v2/firewalls/{firewall_id}/droplets
DELETE /v2/firewalls/{firewall_id}/droplets
POST /v2/firewalls/{firewall_id}/tags
DELETE /v2/firewalls/{firewall_id}/tags
POST /v2/firewalls/{firewall_id}/rules
DELETE /v2/firewalls/{firewall_id}/rules

GET /v2/certificates
POST /v2/certificates
GET /v2/certificates/{certificate_id}
DELETE /v2/certificates/{certificate_id}

GET /v2/reserved_ips
POST /v2/reserved_ips
GET /v2/reserved_ips/{reserved_ip}
DELETE /v2/reserved_ips/{reserved_ip}
GET /v2/reserved_ips/{reserved_ip}/actions
POST /v2/reserved_ips/{reserved_ip}/actions
GET /v2/reserved_ips/{reserved_ip}/actions/{action_id}

GET /v2/monitoring/alerts
POST /v2/monitoring/alerts
GET /v2/monitoring/alerts/{alert_uuid}
PUT /v2/monitoring/alerts/{alert_uuid}
DELETE /v2/monitoring/alerts/{alert_uuid}

GET /v2/uptime/checks
POST /v2/uptime/checks
GET /v2/uptime/checks/{check_id}
PUT /v2/uptime/checks/{check_id}
DELETE /v2/uptime/checks/{check_id}
GET /v2/uptime/checks/{check_id}/alerts
POST /v2/uptime/checks/{check_id}/alerts
GET /v2/uptime/checks/{check_id}/alerts/{alert_id}
PUT /v2/uptime/checks/{check_id}/alerts/{alert_id}
DELETE /v2/uptime/checks/{check_id}/alerts/{alert_id}
"""

# Every metrics endpoint of these families is served (a deterministic series per resource).
METRIC_PREFIXES = [
    "/v2/monitoring/metrics/droplet/",
    "/v2/monitoring/metrics/load_balancer/",
    "/v2/monitoring/metrics/database/",
    "/v2/monitoring/metrics/droplet_autoscale/",
]

# Documented exceptions to the spec's request schemas.
# * POST /v2/load_balancers: the schema is a oneOf of "droplets by id" (droplet_ids + region) and
#   "droplets by tag" (tag + region), but DigitalOcean accepts a load balancer with neither (the
#   provider omits both when no droplet is given, e.g. a DOKS-managed or empty load balancer).
#   Only what the alternatives have in common (region) stays required.
RELAX_ONE_OF = {"POST /v2/load_balancers"}
# * POST /v2/uptime/checks: the schema requires `method`, a field it does not declare and that
#   neither godo's `CreateUptimeCheckRequest` nor the Terraform provider sends.
DROP_REQUIRED = {"POST /v2/uptime/checks": ["method"]}

# Kubernetes versions the sandbox offers (newest first). do-slugs.json has only dated spec
# examples (1.16–1.18); the sandbox offers the minors the compiler's corpus maps EKS versions
# to, each in DigitalOcean's `<semver>-do.<n>` slug form.
KUBERNETES_VERSIONS = ["1.33.1-do.3", "1.32.5-do.3", "1.31.9-do.3", "1.30.13-do.3", "1.29.15-do.3"]

MAX_DEPTH = 6

# Response templates: every field of a resource as the spec's response schema declares it, with
# the spec's example for scalars, `[]` for arrays and `{}` for free-form objects. The sandbox starts
# each document it creates from its template and sets every field it knows, so answers carry the
# full shape clients (godo, the Terraform provider) expect, with the right JSON types.
TEMPLATES = {
    "account": ("GET /v2/account", "account"),
    "action": ("GET /v2/actions/{action_id}", "action"),
    "vpc": ("GET /v2/vpcs/{vpc_id}", "vpc"),
    "kubernetes_cluster": ("GET /v2/kubernetes/clusters/{cluster_id}", "kubernetes_cluster"),
    "node_pool": ("GET /v2/kubernetes/clusters/{cluster_id}/node_pools/{node_pool_id}", "node_pool"),
    "database": ("GET /v2/databases/{database_cluster_uuid}", "database"),
    "database_replica": ("GET /v2/databases/{database_cluster_uuid}/replicas/{replica_name}", "replica"),
    "volume": ("GET /v2/volumes/{volume_id}", "volume"),
    "nfs_share": ("GET /v2/nfs/{nfs_id}", "share"),
    "load_balancer": ("GET /v2/load_balancers/{lb_id}", "load_balancer"),
    "registry": ("GET /v2/registry", "registry"),
    "project": ("GET /v2/projects/{project_id}", "project"),
    "droplet": ("GET /v2/droplets/{droplet_id}", "droplet"),
    "firewall": ("GET /v2/firewalls/{firewall_id}", "firewall"),
    "certificate": ("GET /v2/certificates/{certificate_id}", "certificate"),
    "reserved_ip": ("GET /v2/reserved_ips/{reserved_ip}", "reserved_ip"),
    "alert_policy": ("GET /v2/monitoring/alerts/{alert_uuid}", "policy"),
    "uptime_check": ("GET /v2/uptime/checks/{check_id}", "check"),
    "uptime_alert": ("GET /v2/uptime/checks/{check_id}/alerts/{alert_id}", "alert"),
}


class Spec:
    def __init__(self, doc):
        self.doc = doc

    def deref(self, node, seen=()):
        while isinstance(node, dict) and "$ref" in node:
            ref = node["$ref"]
            if ref in seen:
                return {}
            seen = seen + (ref,)
            node = self.resolve(ref)
        return node

    def resolve(self, ref):
        assert ref.startswith("#/"), ref
        node = self.doc
        for part in ref[2:].split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        return node

    def flatten(self, node, depth=0):
        """Merges allOf into one object schema: {properties, required, type, ...}; oneOf/anyOf kept."""
        node = self.deref(node)
        if not isinstance(node, dict) or depth > 12:
            return {}
        res = {k: v for k, v in node.items() if k not in ("allOf",)}
        props = dict(self.deref(node.get("properties", {})) or {})
        required = list(node.get("required", []))
        for sub in node.get("allOf", []):
            f = self.flatten(sub, depth + 1)
            for k, v in f.get("properties", {}).items():
                props.setdefault(k, v)
            required += f.get("required", [])
            for key in ("type", "oneOf", "anyOf", "discriminator", "enum", "items", "minimum", "maximum", "maxLength"):
                if key in f and key not in res:
                    res[key] = f[key]
        if props:
            res["properties"] = props
            res.setdefault("type", "object")
        res["required"] = list(dict.fromkeys(required))
        return res


def type_name(schema):
    t = schema.get("type")
    if isinstance(t, list):
        t = [x for x in t if x != "null"]
        t = t[0] if t else None
    return t


def summarize(spec, schema, depth=0):
    """{required, types, enums, ranges, max_length, one_of?, discriminator?} of an object schema.

    `one_of` lists the required fields of each alternative (a request must satisfy one of them);
    `discriminator` maps each value of its property to the required fields of that variant. The
    types, enums and ranges of every alternative are merged into the summary itself."""
    f = spec.flatten(schema)
    props = f.get("properties", {})
    readonly = {k for k, v in props.items() if isinstance(spec.deref(v), dict) and spec.deref(v).get("readOnly")}
    out = {
        "required": [r for r in f.get("required", []) if r not in readonly],
        "types": {},
        "enums": {},
        "ranges": {},
        "max_length": {},
        "patterns": {},
    }
    for name, p in props.items():
        if name in readonly:
            continue
        pf = spec.flatten(p)
        t = type_name(pf)
        if t is None and pf.get("enum"):
            t = "string"
        if t:
            out["types"][name] = t
        if "maxLength" in pf:
            out["max_length"][name] = pf["maxLength"]
        walk(spec, pf, name, out, 1)
    alts = f.get("oneOf") or f.get("anyOf")
    if alts:
        disc = f.get("discriminator")
        variants = [summarize(spec, a, depth + 1) for a in alts]
        if disc and disc.get("mapping"):
            prop_enum = out["enums"].setdefault(disc["propertyName"], [])
            for value in disc["mapping"]:
                if value not in prop_enum:
                    prop_enum.append(value)
            by_ref = {}
            for a, v in zip(alts, variants):
                if "$ref" in a:
                    by_ref[a["$ref"]] = v
            mapping = {}
            for value, ref in disc["mapping"].items():
                if ref in by_ref:
                    mapping[value] = by_ref[ref]["required"]
            out["discriminator"] = {"property": disc["propertyName"], "mapping": mapping}
        else:
            out["one_of"] = [v["required"] for v in variants]
        # Types, enums and ranges of every alternative hold for the request as a whole.
        for v in variants:
            for key in ("types", "ranges", "max_length", "patterns"):
                for k, val in v[key].items():
                    out[key].setdefault(k, val)
            for k, vals in v["enums"].items():
                merged = out["enums"].setdefault(k, [])
                for x in vals:
                    if x not in merged:
                        merged.append(x)
    return out


def walk(spec, schema, path, out, depth):
    if depth > MAX_DEPTH:
        return
    schema = spec.flatten(schema)
    if schema.get("readOnly"):
        return
    if "enum" in schema:
        vals = [v for v in schema["enum"] if v is not None]
        if vals:
            out["enums"][path] = vals
    if isinstance(schema.get("pattern"), str) and type_name(schema) in ("string", None):
        out["patterns"][path] = schema["pattern"]
    lo, hi = schema.get("minimum"), schema.get("maximum")
    if (lo is not None or hi is not None) and type_name(schema) in ("integer", "number"):
        out["ranges"][path] = [lo, hi]
    t = type_name(schema)
    if t == "array" or "items" in schema:
        walk(spec, schema.get("items", {}), path + "[]", out, depth + 1)
    for name, p in schema.get("properties", {}).items():
        walk(spec, p, f"{path}.{name}", out, depth + 1)
    for alt in (schema.get("oneOf") or []) + (schema.get("anyOf") or []):
        walk(spec, alt, path, out, depth + 1)


def compact(summary):
    """Drops empty keys so the file stays small."""
    res = {}
    for k, v in summary.items():
        if v or k == "one_of":
            res[k] = v
    return res


def template(spec, schema, depth=0):
    """A document with every field the schema declares (see TEMPLATES)."""
    f = spec.flatten(schema)
    if depth > 8:
        return None
    alts = f.get("oneOf") or f.get("anyOf")
    if not f.get("properties") and alts:
        f = spec.flatten(alts[0])
    t = type_name(f)
    if f.get("properties"):
        return {k: template(spec, v, depth + 1) for k, v in f["properties"].items()}
    if t == "array":
        return []
    if t == "object":
        return {}
    if "example" in f and not isinstance(f["example"], (dict, list)):
        ex = f["example"]
        # Long examples (certificates, keys) are noise in a template: every field the sandbox
        # fills is set explicitly.
        return "" if isinstance(ex, str) and len(ex) > 120 else ex
    return {"string": "", "integer": 0, "number": 0, "boolean": False}.get(t)


def response_schema(spec, doc, key):
    method, path = key.split(" ", 1)
    resp = spec.deref(doc["paths"][path][method.lower()]["responses"]["200"])
    return resp["content"]["application/json"]["schema"]


def query_params(spec, op, path_item):
    res = {}
    for p in (path_item.get("parameters", []) + op.get("parameters", [])):
        p = spec.deref(p)
        if p.get("in") != "query":
            continue
        s = spec.flatten(p.get("schema", {}))
        q = {"type": type_name(s) or "string"}
        if s.get("enum"):
            q["enum"] = s["enum"]
        if s.get("minimum") is not None:
            q["min"] = s["minimum"]
        if s.get("maximum") is not None:
            q["max"] = s["maximum"]
        if p.get("required"):
            q["required"] = True
        res[p["name"]] = q
    return res


def main():
    ref = find_reference()
    doc = yaml.load(open(os.path.join(ref, "digitalocean-openapi.yaml")), Loader=yaml.CSafeLoader)
    endpoints = json.load(open(os.path.join(ref, "do-api-endpoints.json")))
    slugs = json.load(open(os.path.join(ref, "do-slugs.json")))
    spec = Spec(doc)
    ep_index = {}
    for group in endpoints["endpoints"].values():
        for e in group:
            ep_index[f'{e["method"]} {e["path"]}'] = e

    served = [line.strip() for line in SERVED.splitlines() if line.strip()]
    for path, item in doc["paths"].items():
        if any(path.startswith(p) for p in METRIC_PREFIXES) and "get" in item:
            served.append(f"GET {path}")

    ops = {}
    for key in served:
        method, path = key.split(" ", 1)
        item = doc["paths"].get(path)
        if item is None or method.lower() not in item:
            sys.exit(f"{key}: not in the OpenAPI spec")
        op = item[method.lower()]
        sec = op.get("security") or doc.get("security") or []
        scopes = []
        for s in sec:
            for v in s.values():
                scopes += v
        responses = op.get("responses", {})
        success = sorted(int(c) for c in responses if c.isdigit() and c.startswith("2"))
        entry = {
            "operation_id": op.get("operationId"),
            "scopes": list(dict.fromkeys(scopes)),
            "success": success[0] if success else 200,
        }
        e = ep_index.get(key)
        if e is not None and e.get("scopes") and not entry["scopes"]:
            entry["scopes"] = e["scopes"]
        if method == "GET" and e is not None:
            body = (e.get("responses", {}).get("200") or {}).get("body")
            if isinstance(body, dict) and "links" in body and "meta" in body:
                entry["paginated"] = True
        q = query_params(spec, op, item)
        if q:
            entry["query"] = q
        rb = spec.deref(op.get("requestBody"))
        if isinstance(rb, dict):
            schema = (rb.get("content", {}).get("application/json") or {}).get("schema")
            if schema is not None:
                s = summarize(spec, schema)
                if key in RELAX_ONE_OF and "one_of" in s:
                    common = set.intersection(*(set(v) for v in s["one_of"]))
                    s["required"] = list(dict.fromkeys(s["required"] + sorted(common)))
                    del s["one_of"]
                for field in DROP_REQUIRED.get(key, []):
                    s["required"] = [r for r in s["required"] if r != field]
                entry["body"] = compact(s)
                if rb.get("required"):
                    entry["body_required"] = True
        ops[key] = entry

    regions = []
    for r in slugs["regions"]["list"]:
        if r.get("status", "").startswith("retired"):
            continue
        regions.append({
            "slug": r["slug"],
            "name": r["name"],
            "available": not r.get("status"),
            "doks": bool(r.get("doks", True)) and not r.get("status"),
            "managed_databases": bool(r.get("managed_databases")),
            "spaces": bool(r.get("spaces")),
        })
    droplet_sizes = []
    for s in slugs["droplet_sizes"]["list"]:
        droplet_sizes.append({
            "slug": s["slug"],
            "vcpus": s.get("vcpus"),
            "memory_gib": s.get("memory_gib"),
            "disk_gib": s.get("disk_gib"),
            "price_monthly": s.get("price_monthly") or s.get("usd_per_month"),
        })
    db_sizes = [{"slug": s["slug"], "engines": s.get("engines", []), "node_counts": s.get("allowed_node_counts", [])}
                for s in slugs["database_sizes"]["list"]]
    engines = {}
    for name, e in slugs["database_engines"]["engines"].items():
        engines[name] = {"versions": e["versions"], "regions": e.get("regions", []),
                         "layouts": [l["num_nodes"] for l in e.get("layouts", [])]}
    lb = slugs["load_balancer"]
    data = {
        "source": {
            "generator": "scripts/gen-sandbox-spec.py",
            "openapi": endpoints["source"],
            "slugs": slugs["source"],
        },
        "operations": dict(sorted(ops.items(), key=lambda kv: (kv[0].split(" ", 1)[1], kv[0]))),
        "slugs": {
            "regions": regions,
            "droplet_sizes": droplet_sizes,
            "database_sizes": db_sizes,
            "database_engines": engines,
            "kubernetes_versions": KUBERNETES_VERSIONS,
            "load_balancer_sizes": lb["size_legacy"]["values"],
            "load_balancer_size_unit": lb["size_unit"]["range_openapi"],
            "registry_tiers": slugs["container_registry"]["subscription_tiers"],
            "images": slugs["droplet_images_examples"]["slugs"],
        },
        "token_scopes": endpoints["token_scopes"],
    }
    templates = {}
    for name, (key, prop) in TEMPLATES.items():
        schema = response_schema(spec, doc, key)
        if prop is not None:
            schema = spec.flatten(schema)["properties"][prop]
        templates[name] = template(spec, schema)
    data["templates"] = templates
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as fh:
        json.dump(data, fh, indent=None, separators=(",", ":"), sort_keys=False)
        fh.write("\n")
    print(f"wrote {out}: {len(ops)} operations, {len(regions)} regions, {len(droplet_sizes)} droplet sizes")


if __name__ == "__main__":
    main()
