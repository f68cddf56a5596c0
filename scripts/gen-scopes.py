#!/usr/bin/env python3
"""Regenerates compiler/data/scopes.json: which DigitalOcean token scopes each Terraform type needs.

Source: ../shared/reference/do-api-endpoints.json (every endpoint with its method, path and the
custom token scopes from its OpenAPI security block; `token_scopes` lists every scope that exists).

The step Terraform type → API paths is written by hand below (what the provider calls for the
type); the step API paths → scopes is read from the endpoint data. A scope is `<resource>:<verb>`;
the file keeps, per type, the scope *resources* its endpoints carry, and `compiler/src/scopes.rs`
picks the verbs each phase needs.

  {"resource": {type: [scope resource, ...]},
   "data":     {type: [scope resource, ...]},
   "extra":    {type: ["resource:verb", ...]},   non-CRUD scopes a type needs to plan/apply
   "scopes":   ["resource:verb", ...]}           every scope that exists (token_scopes)
"""
import json
import os
import sys

here = os.path.dirname(os.path.abspath(__file__))
out = os.path.join(here, "..", "compiler", "data", "scopes.json")


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


ref = find_reference()

# Terraform type → API paths the provider calls. A path matches itself and everything below it;
# a trailing "$" matches the path exactly. "!sub" skips endpoints whose path contains `sub`.
# Every droplet/volume/reserved-IP action is awaited through GET /v2/actions/{id}
# (provider digitalocean/util/wait.go: WaitForAction → client.Actions.Get), hence "/v2/actions".
DROPLET = ["/v2/droplets", "!/firewalls", "!/destroy_with_associated_resources", "!/autoscale", "/v2/actions"]
DATABASE = ["/v2/databases", "!/metrics/credentials"]
REGISTRY = ["/v2/registry", "/v2/registries"]
RESERVED_IP = ["/v2/reserved_ips", "/v2/actions"]
UPTIME = ["/v2/uptime/checks"]
RESOURCE_PATHS = {
    "digitalocean_app": ["/v2/apps"],
    "digitalocean_cdn": ["/v2/cdn/endpoints"],
    "digitalocean_certificate": ["/v2/certificates"],
    "digitalocean_container_registries": REGISTRY,
    "digitalocean_container_registry": REGISTRY,
    "digitalocean_container_registry_docker_credentials": ["/v2/registry/docker-credentials", "/v2/registries/{registry_name}/docker-credentials"],
    "digitalocean_custom_image": ["/v2/images", "/v2/actions"],
    "digitalocean_domain": ["/v2/domains"],
    "digitalocean_record": ["/v2/domains/{domain_name}/records"],
    "digitalocean_droplet": DROPLET,
    "digitalocean_droplet_autoscale": ["/v2/droplets/autoscale"],
    "digitalocean_droplet_snapshot": ["/v2/droplets/{droplet_id}/actions", "/v2/snapshots", "/v2/actions"],
    "digitalocean_firewall": ["/v2/firewalls"],
    # floating IPs are the former name of reserved IPs; the API and the scopes are reserved_ip.
    "digitalocean_floating_ip": RESERVED_IP,
    "digitalocean_floating_ip_assignment": RESERVED_IP,
    "digitalocean_reserved_ip": RESERVED_IP,
    "digitalocean_reserved_ip_assignment": RESERVED_IP,
    "digitalocean_kubernetes_cluster": ["/v2/kubernetes/clusters", "/v2/kubernetes/options"],
    "digitalocean_kubernetes_node_pool": ["/v2/kubernetes/clusters/{cluster_id}/node_pools"],
    "digitalocean_loadbalancer": ["/v2/load_balancers"],
    "digitalocean_monitor_alert": ["/v2/monitoring/alerts"],
    "digitalocean_project": ["/v2/projects"],
    "digitalocean_project_resources": ["/v2/projects/{project_id}/resources"],
    "digitalocean_spaces_key": ["/v2/spaces/keys"],
    "digitalocean_ssh_key": ["/v2/account/keys"],
    "digitalocean_tag": ["/v2/tags"],
    "digitalocean_uptime_alert": UPTIME,
    "digitalocean_uptime_check": UPTIME,
    "digitalocean_volume": ["/v2/volumes$", "/v2/volumes/{volume_id}$", "/v2/actions"],
    "digitalocean_volume_attachment": ["/v2/volumes/actions", "/v2/volumes/{volume_id}/actions", "/v2/volumes/{volume_id}$", "/v2/actions"],
    "digitalocean_volume_snapshot": ["/v2/volumes/{volume_id}/snapshots", "/v2/volumes/snapshots"],
    "digitalocean_vpc": ["/v2/vpcs", "!/peerings"],
    "digitalocean_vpc_nat_gateway": ["/v2/vpc_nat_gateways"],
    "digitalocean_vpc_peering": ["/v2/vpc_peerings", "/v2/vpcs/{vpc_id}/peerings"],
}
for t in ["cluster", "connection_pool", "db", "firewall", "replica", "user", "online_migration",
          "kafka_config", "kafka_schema_registry", "kafka_topic", "logsink_opensearch", "logsink_rsyslog",
          "mongodb_config", "mysql_config", "opensearch_config", "postgresql_config", "redis_config",
          "valkey_config", "advanced_mysql_config", "advanced_postgresql_config"]:
    RESOURCE_PATHS[f"digitalocean_database_{t}"] = DATABASE

# Types whose API is not part of do-api-endpoints.json: the scope resource named directly.
RESOURCE_DIRECT = {
    "digitalocean_byoip_prefix": ["byoip_prefix"],
    "digitalocean_dedicated_inference": ["dedicated_inference"],
    "digitalocean_dedicated_inference_token": ["dedicated_inference_tokens"],
    "digitalocean_nfs": ["nfs"],
    "digitalocean_nfs_access_point": ["nfs"],
    "digitalocean_nfs_attachment": ["nfs"],
    "digitalocean_nfs_snapshot": ["nfs"],
    "digitalocean_partner_attachment": ["partner_network_connect"],
    "digitalocean_reserved_ipv6": ["reserved_ip"],
    "digitalocean_reserved_ipv6_assignment": ["reserved_ip"],
    "digitalocean_vector_database": ["genai"],
    # Spaces buckets, their objects, policies, CORS and logging are managed through the
    # S3-compatible Spaces API with Spaces access keys, not the DigitalOcean API: no token scope
    # covers the bucket itself. The controller mints a Spaces key for the session through
    # /v2/spaces/keys (spaces_key:create_credentials) and deletes it afterwards, so a stack with
    # buckets needs the spaces_key scopes.
    "digitalocean_spaces_bucket": ["spaces_key"],
    "digitalocean_spaces_bucket_cors_configuration": ["spaces_key"],
    "digitalocean_spaces_bucket_logging": ["spaces_key"],
    "digitalocean_spaces_bucket_object": ["spaces_key"],
    "digitalocean_spaces_bucket_policy": ["spaces_key"],
}
for t in ["agent", "agent_knowledge_base_attachment", "agent_route", "custom_model", "function",
          "indexing_job_cancel", "knowledge_base", "knowledge_base_data_source", "openai_api_key"]:
    RESOURCE_DIRECT[f"digitalocean_gradientai_{t}"] = ["genai"]

# Data sources without a resource of the same name.
DATA_PATHS = {
    "digitalocean_account": ["/v2/account$"],
    "digitalocean_region": ["/v2/regions"],
    "digitalocean_regions": ["/v2/regions"],
    "digitalocean_sizes": ["/v2/sizes"],
    "digitalocean_image": ["/v2/images"],
    "digitalocean_images": ["/v2/images"],
    "digitalocean_droplets": ["/v2/droplets$"],
    "digitalocean_domains": ["/v2/domains$"],
    "digitalocean_records": ["/v2/domains/{domain_name}/records"],
    "digitalocean_tags": ["/v2/tags$"],
    "digitalocean_projects": ["/v2/projects$"],
    "digitalocean_ssh_keys": ["/v2/account/keys$"],
    "digitalocean_kubernetes_versions": ["/v2/kubernetes/options"],
    "digitalocean_database_ca": DATABASE,
    "digitalocean_database_metrics_credentials": ["/v2/databases/metrics/credentials"],
    "digitalocean_byoip_prefix_resources": [],
}
DATA_DIRECT = {
    "digitalocean_byoip_prefix_resources": ["byoip_prefix"],
    "digitalocean_spaces_buckets": ["spaces_key"],
    "digitalocean_spaces_bucket_objects": ["spaces_key"],
    "digitalocean_dedicated_inference_accelerators": ["dedicated_inference"],
    "digitalocean_dedicated_inference_gpu_model_config": ["dedicated_inference"],
    "digitalocean_dedicated_inference_sizes": ["dedicated_inference"],
    "digitalocean_dedicated_inference_tokens": ["dedicated_inference_tokens"],
    "digitalocean_dedicated_inferences": ["dedicated_inference"],
    "digitalocean_partner_attachment_service_key": ["partner_network_connect"],
}
for t in ["agent_versions", "agents", "agents_by_openai_api_key", "custom_models", "indexing_job",
          "indexing_job_data_sources", "knowledge_base_data_sources", "knowledge_base_indexing_jobs",
          "knowledge_bases", "models", "openai_api_keys", "regions"]:
    DATA_DIRECT[f"digitalocean_gradientai_{t}"] = ["genai"]

# Scopes beyond create/read/update/delete that planning or applying a type needs.
# * Database passwords and connection URIs come back only with database:view_credentials
#   (OpenAPI: "User passwords will not show without the `database:view_credentials` scope"),
#   and the provider stores them in state (password, uri, private_uri).
# * The provider reads a DOKS cluster's kubeconfig into `kube_config` (GET …/kubeconfig or
#   …/credentials: kubernetes:access_cluster); the kubernetes provider needs it too.
# * Attaching resources to a project is POST /v2/projects/{id}/resources: project:assign_resource.
VIEW_CREDENTIALS = ["database:view_credentials"]
EXTRA = {
    "digitalocean_database_cluster": VIEW_CREDENTIALS,
    "digitalocean_database_replica": VIEW_CREDENTIALS,
    "digitalocean_database_user": VIEW_CREDENTIALS,
    "digitalocean_database_connection_pool": VIEW_CREDENTIALS,
    "digitalocean_database_kafka_schema_registry": ["database:write"],
    "digitalocean_database_metrics_credentials": VIEW_CREDENTIALS,
    "digitalocean_kubernetes_cluster": ["kubernetes:access_cluster"],
    "digitalocean_project_resources": ["project:assign_resource"],
}

# `api:read` / `api:write` are the legacy read-only / full-access scopes the spec lists as
# alternatives on a few volume endpoints; custom-scoped tokens use block_storage:* there.
IGNORED_SCOPE_RESOURCES = {"api"}


def matches(spec, path):
    pats = [p for p in spec if not p.startswith("!")]
    skips = [p[1:] for p in spec if p.startswith("!")]
    if any(s in path for s in skips):
        return False
    for p in pats:
        if p.endswith("$"):
            if path == p[:-1]:
                return True
        elif path == p or path.startswith(p + "/"):
            return True
    return False


def scope_resources(spec, endpoints):
    """Scope resources carried by the endpoints `spec` matches.

    An endpoint that lists scopes of several resources lists alternatives (e.g. GET
    /v2/snapshots/{id}: block_storage_snapshot:read or snapshot:read); of those, only the
    resources that the type's single-resource endpoints also need are kept."""
    hits = [e for e in endpoints if matches(spec, e["path"])]
    single, multi = set(), []
    for e in hits:
        res = {s.split(":")[0] for s in e.get("scopes", [])} - IGNORED_SCOPE_RESOURCES
        if len(res) == 1:
            single |= res
        elif res:
            multi.append(res)
    found = set(single)
    for res in multi:
        found |= (res & single) or res
    if spec and not hits:
        sys.exit(f"no endpoint matches {spec}")
    return sorted(found)


def main():
    d = json.load(open(os.path.join(ref, "do-api-endpoints.json")))
    endpoints = [e for group in d["endpoints"].values() for e in group]
    scopes = sorted(set(d["token_scopes"]))
    known = {s.split(":")[0] for s in scopes}
    schema = json.load(open(os.path.join(here, "..", "compiler", "data", "do-schema.json")))

    res = {}
    for ty in sorted(schema["resource"]):
        if ty in RESOURCE_PATHS:
            res[ty] = scope_resources(RESOURCE_PATHS[ty], endpoints)
        elif ty in RESOURCE_DIRECT:
            res[ty] = RESOURCE_DIRECT[ty]
        else:
            sys.exit(f"no scope mapping for resource {ty}")
    data = {}
    for ty in sorted(schema["data"]):
        if ty in DATA_PATHS or ty in DATA_DIRECT:
            found = scope_resources(DATA_PATHS.get(ty, []), endpoints) if DATA_PATHS.get(ty) else []
            data[ty] = sorted(set(found) | set(DATA_DIRECT.get(ty, [])))
        elif ty in res:
            continue  # same as the resource of that name
        else:
            sys.exit(f"no scope mapping for data source {ty}")
    for table in (res, data):
        for ty, names in table.items():
            for n in names:
                if n not in known:
                    sys.exit(f"{ty}: scope resource {n} does not exist")
    for ty, extra in EXTRA.items():
        for s in extra:
            if s not in scopes:
                sys.exit(f"{ty}: scope {s} does not exist")
    result = {"resource": res, "data": data, "extra": EXTRA, "scopes": scopes}
    with open(out, "w") as f:
        json.dump(result, f, separators=(",", ":"), sort_keys=True)
        f.write("\n")
    print("wrote", os.path.relpath(out), os.path.getsize(out), "bytes")
    for ty, names in res.items():
        print(f"  {ty}: {', '.join(names)}")


if __name__ == "__main__":
    main()
