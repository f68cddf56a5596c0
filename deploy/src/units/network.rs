//! Networking: VPCs, NAT gateways, peerings, reserved IPs, firewalls, load balancers,
//! certificates, domains, records, CDN endpoints.

use super::*;

pub static UNITS: &[&UnitDef] = &[
    &VPC_DEF,
    &NAT_DEF,
    &PEERING_DEF,
    &RESERVED_IP_DEF,
    &FIREWALL_DEF,
    &LB_DEF,
    &CERT_DEF,
    &DOMAIN_DEF,
    &RECORD_DEF,
    &CDN_DEF,
    &CERT_DATA_DEF,
    &DOMAIN_DATA_DEF,
];

// --- digitalocean_vpc ---------------------------------------------------------------------

pub static VPC_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_vpc",
    summary: "a VPC, found by its name (VPCs cannot be tagged; the name carries the instance id)",
    arguments: &["name", "region", "ip_range", "description"],
    exports: &["id", "urn", "ip_range", "default", "created_at"],
    endpoints: &[
        "GET /v2/vpcs",
        "POST /v2/vpcs",
        "PATCH /v2/vpcs/{id}",
        "DELETE /v2/vpcs/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&VPC),
};

pub static VPC: Rest = Rest {
    collection: |_| Ok("/v2/vpcs".into()),
    list_key: "vpcs",
    item_key: "vpc",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: vpc_body,
    ready: None,
    compare: &["description"],
    update: Some(|_, args, obj, _| {
        Ok(Update {
            method: Method::Patch,
            path: format!("/v2/vpcs/{}", enc(&id_of(obj, "id").unwrap_or_default())),
            body: object(vec![(
                "description",
                opt_str(args, "description").map(Json::from),
            )]),
        })
    }),
    attributes: vpc_attrs,
    delete: Delete::ById { wait_gone: false },
};

pub fn vpc_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("region", Some(req_str(args, "region")?.into())),
        ("ip_range", opt_str(args, "ip_range").map(Json::from)),
        ("description", opt_str(args, "description").map(Json::from)),
    ]))
}

pub fn vpc_attrs(_: &Json, obj: &Json) -> Json {
    let mut a = pick(
        obj,
        &[
            "id",
            "urn",
            "name",
            "region",
            "ip_range",
            "description",
            "default",
            "created_at",
        ],
    );
    if !a.contains_key("urn")
        && let Some(id) = id_of(obj, "id")
    {
        a.insert("urn".into(), format!("do:vpc:{id}").into());
    }
    Json::Object(a)
}

// --- digitalocean_vpc_nat_gateway -----------------------------------------------------------

pub static NAT_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_vpc_nat_gateway",
    summary: "a VPC NAT gateway, found by its name; waits for ACTIVE",
    arguments: &[
        "name",
        "type",
        "region",
        "size",
        "vpcs",
        "udp_timeout_seconds",
        "icmp_timeout_seconds",
        "tcp_timeout_seconds",
        "project_id",
    ],
    exports: &["id", "state", "egresses", "created_at", "updated_at"],
    endpoints: &[
        "GET /v2/vpc_nat_gateways",
        "POST /v2/vpc_nat_gateways",
        "GET /v2/vpc_nat_gateways/{id}",
        "DELETE /v2/vpc_nat_gateways/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&NAT),
};

pub static NAT: Rest = Rest {
    collection: |_| Ok("/v2/vpc_nat_gateways".into()),
    list_key: "vpc_nat_gateways",
    item_key: "vpc_nat_gateway",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: nat_body,
    ready: Some(|o| status_is(o, "/state", &["ACTIVE"], &["ERROR", "INVALID"])),
    compare: &[],
    update: None,
    attributes: |_, obj| {
        Json::Object(pick(
            obj,
            &[
                "id",
                "name",
                "type",
                "region",
                "size",
                "state",
                "vpcs",
                "egresses",
                "created_at",
                "updated_at",
            ],
        ))
    },
    delete: Delete::ById { wait_gone: true },
};

pub fn nat_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    let vpcs = blocks(args, "vpcs")
        .into_iter()
        .map(|v| {
            Ok(object(vec![
                ("vpc_uuid", Some(req_str(v, "vpc_uuid")?.into())),
                (
                    "default_gateway",
                    opt_bool(v, "default_gateway")?.map(Json::from),
                ),
            ]))
        })
        .collect::<Result<Vec<_>, UnitError>>()?;
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("type", Some(req_str(args, "type")?.into())),
        ("region", Some(req_str(args, "region")?.into())),
        ("size", Some(req_i64(args, "size")?.into())),
        ("vpcs", Some(vpcs.into())),
        (
            "udp_timeout_seconds",
            opt_i64(args, "udp_timeout_seconds")?.map(Json::from),
        ),
        (
            "icmp_timeout_seconds",
            opt_i64(args, "icmp_timeout_seconds")?.map(Json::from),
        ),
        (
            "tcp_timeout_seconds",
            opt_i64(args, "tcp_timeout_seconds")?.map(Json::from),
        ),
        ("project_id", opt_str(args, "project_id").map(Json::from)),
    ]))
}

// --- digitalocean_vpc_peering -----------------------------------------------------------------

pub static PEERING_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_vpc_peering",
    summary: "a peering between two VPCs, found by its name; waits for ACTIVE",
    arguments: &["name", "vpc_ids"],
    exports: &["id", "status", "created_at"],
    endpoints: &[
        "GET /v2/vpc_peerings",
        "POST /v2/vpc_peerings",
        "GET /v2/vpc_peerings/{id}",
        "DELETE /v2/vpc_peerings/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&PEERING),
};

pub static PEERING: Rest = Rest {
    collection: |_| Ok("/v2/vpc_peerings".into()),
    list_key: "vpc_peerings",
    item_key: "vpc_peering",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: |_, args| {
        Ok(object(vec![
            ("name", Some(req_str(args, "name")?.into())),
            ("vpc_ids", Some(strs(args, "vpc_ids")?.into())),
        ]))
    },
    ready: Some(|o| status_is(o, "/status", &["ACTIVE"], &[])),
    compare: &[],
    update: None,
    attributes: |_, obj| {
        Json::Object(pick(
            obj,
            &["id", "name", "vpc_ids", "status", "created_at"],
        ))
    },
    delete: Delete::ById { wait_gone: true },
};

// --- digitalocean_reserved_ip ---------------------------------------------------------------

pub static RESERVED_IP_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_reserved_ip",
    summary: "a reserved IP assigned to a droplet, found by that droplet (reserved IPs have no name or tag)",
    arguments: &["region", "droplet_id"],
    exports: &["id", "ip_address", "urn"],
    endpoints: &[
        "GET /v2/reserved_ips",
        "POST /v2/reserved_ips",
        "POST /v2/reserved_ips/{ip}/actions",
        "DELETE /v2/reserved_ips/{ip}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&ReservedIp),
};

pub static RESERVED_IP: Rest = Rest {
    collection: |_| Ok("/v2/reserved_ips".into()),
    list_key: "reserved_ips",
    item_key: "reserved_ip",
    list_query: no_query,
    matches: |_, args, obj| {
        opt_str(args, "droplet_id").is_some_and(|d| {
            obj.pointer("/droplet/id")
                .and_then(|v| id_of(&json!({"v": v}), "v"))
                == Some(d)
        })
    },
    id_key: "ip",
    body: reserved_ip_body,
    ready: None,
    compare: &[],
    update: None,
    attributes: reserved_ip_attrs,
    delete: Delete::ById { wait_gone: false },
};

pub fn reserved_ip_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    match opt_i64(args, "droplet_id")? {
        Some(d) => Ok(json!({ "droplet_id": d })),
        None => Err(UnitError::arg(
            "droplet_id",
            "a reserved IP that is not assigned to a droplet has no name or tag to find it by again; ferry deploy only creates assigned ones (so a re-run cannot create a second)",
        )),
    }
}

pub fn reserved_ip_attrs(_: &Json, obj: &Json) -> Json {
    let ip = id_of(obj, "ip").unwrap_or_default();
    json!({
        "id": ip,
        "ip_address": ip,
        "urn": format!("do:reservedip:{ip}"),
        "region": obj.pointer("/region/slug").cloned().unwrap_or(Json::Null),
        "droplet_id": obj.pointer("/droplet/id").cloned().unwrap_or(Json::Null),
    })
}

/// Unassigns before deleting (DigitalOcean refuses to delete an assigned IP).
#[derive(Debug)]
pub struct ReservedIp;

impl Unit for ReservedIp {
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(RESERVED_IP.apply(cx, args))
    }
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        Box::pin(RESERVED_IP.read(cx, args))
    }
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        _args: &'a Json,
        found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(async move {
            let ip = id_of(&found.obj, "ip").unwrap_or_default();
            if found
                .obj
                .pointer("/droplet/id")
                .is_some_and(|v| !v.is_null())
            {
                let path = format!("/v2/reserved_ips/{}/actions", enc(&ip));
                match cx
                    .client
                    .send(Method::Post, &path, Some(json!({"type": "unassign"})), None)
                    .await
                {
                    Ok(_) => {}
                    Err(e) if e.status() == Some(404) => return Ok(()),
                    Err(e) => return Err(e.into()),
                }
            }
            cx.client
                .delete(&format!("/v2/reserved_ips/{}", enc(&ip)))
                .await?;
            Ok(())
        })
    }
}

// --- digitalocean_firewall --------------------------------------------------------------------

pub static FIREWALL_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_firewall",
    summary: "a cloud firewall, found by its name (its tags select droplets, so it carries no appliance tag); rules and droplets are kept in step",
    arguments: &[
        "name",
        "droplet_ids",
        "tags",
        "inbound_rule",
        "outbound_rule",
    ],
    exports: &["id", "status", "created_at", "pending_changes"],
    endpoints: &[
        "GET /v2/firewalls",
        "POST /v2/firewalls",
        "PUT /v2/firewalls/{id}",
        "DELETE /v2/firewalls/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&FIREWALL),
};

pub static FIREWALL: Rest = Rest {
    collection: |_| Ok("/v2/firewalls".into()),
    list_key: "firewalls",
    item_key: "firewall",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: firewall_body,
    ready: None,
    compare: &["droplet_ids", "tags", "inbound_rules", "outbound_rules"],
    update: Some(|_, _, obj, body| {
        Ok(Update {
            method: Method::Put,
            path: format!(
                "/v2/firewalls/{}",
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: body.clone(),
        })
    }),
    attributes: |_, obj| {
        Json::Object(pick(
            obj,
            &[
                "id",
                "name",
                "status",
                "created_at",
                "pending_changes",
                "droplet_ids",
                "tags",
            ],
        ))
    },
    delete: Delete::ById { wait_gone: false },
};

fn firewall_rule(rule: &Json, side: &str) -> Result<Json, UnitError> {
    let protocol = req_str(rule, "protocol")?;
    let prefix = if side == "sources" {
        "source"
    } else {
        "destination"
    };
    let target = object(vec![
        (
            "addresses",
            Some(strs(rule, &format!("{prefix}_addresses"))?.into()),
        )
            .filter_empty(),
        (
            "droplet_ids",
            Some(ints(rule, &format!("{prefix}_droplet_ids"))?.into()),
        )
            .filter_empty(),
        (
            "load_balancer_uids",
            Some(strs(rule, &format!("{prefix}_load_balancer_uids"))?.into()),
        )
            .filter_empty(),
        (
            "kubernetes_ids",
            Some(strs(rule, &format!("{prefix}_kubernetes_ids"))?.into()),
        )
            .filter_empty(),
        ("tags", Some(strs(rule, &format!("{prefix}_tags"))?.into())).filter_empty(),
    ]);
    let ports = match opt_str(rule, "port_range") {
        Some(p) => Some(p),
        None if protocol == "icmp" => None,
        None => Some("all".to_string()),
    };
    Ok(object(vec![
        ("protocol", Some(protocol.into())),
        ("ports", ports.map(Json::from)),
        (side, Some(target)),
    ]))
}

trait FilterEmpty {
    fn filter_empty(self) -> Self;
}

impl FilterEmpty for (&'static str, Option<Json>) {
    /// Leaves out empty lists, as the provider does.
    fn filter_empty(self) -> Self {
        let (k, v) = self;
        (k, v.filter(|j| !j.as_array().is_some_and(Vec::is_empty)))
    }
}

pub fn firewall_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    let inbound = blocks(args, "inbound_rule")
        .into_iter()
        .map(|r| firewall_rule(r, "sources"))
        .collect::<Result<Vec<_>, _>>()?;
    let outbound = blocks(args, "outbound_rule")
        .into_iter()
        .map(|r| firewall_rule(r, "destinations"))
        .collect::<Result<Vec<_>, _>>()?;
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("droplet_ids", Some(ints(args, "droplet_ids")?.into())),
        ("tags", Some(strs(args, "tags")?.into())),
        ("inbound_rules", Some(inbound.into())),
        ("outbound_rules", Some(outbound.into())),
    ]))
}

// --- certificates (shared by load balancers and CDN endpoints) ---------------------------------

/// The id of the certificate with that name.
pub async fn certificate_id(cx: &Cx, name: &str) -> Result<String, UnitError> {
    let path = format!("/v2/certificates?name={}", enc(name));
    let certs = cx.client.list(&path, "certificates").await?;
    certs
        .iter()
        .find(|c| c.get("name").and_then(Json::as_str) == Some(name))
        .and_then(|c| id_of(c, "id"))
        .ok_or_else(|| UnitError::Failed(format!("no certificate named `{name}`")))
}

// --- digitalocean_loadbalancer ------------------------------------------------------------------

pub static LB_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_loadbalancer",
    summary: "a load balancer, found by its name; certificate names resolve to ids; waits for active; forwarding rules, droplets and settings kept in step",
    arguments: &[
        "name",
        "region",
        "type",
        "size",
        "size_unit",
        "algorithm",
        "vpc_uuid",
        "project_id",
        "droplet_ids",
        "droplet_tag",
        "forwarding_rule",
        "healthcheck",
        "sticky_sessions",
        "redirect_http_to_https",
        "enable_proxy_protocol",
        "enable_backend_keepalive",
        "http_idle_timeout_seconds",
        "disable_lets_encrypt_dns_records",
        "firewall",
        "network",
        "network_stack",
        "tls_cipher_policy",
    ],
    exports: &["id", "urn", "ip", "ipv6", "status"],
    endpoints: &[
        "GET /v2/certificates?name=",
        "GET /v2/load_balancers",
        "POST /v2/load_balancers",
        "GET /v2/load_balancers/{id}",
        "PUT /v2/load_balancers/{id}",
        "DELETE /v2/load_balancers/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&LoadBalancer),
};

pub static LB: Rest = Rest {
    collection: |_| Ok("/v2/load_balancers".into()),
    list_key: "load_balancers",
    item_key: "load_balancer",
    list_query: no_query,
    matches: same_name,
    id_key: "id",
    body: lb_body,
    ready: Some(|o| status_is(o, "/status", &["active"], &["errored"])),
    compare: &[
        "forwarding_rules",
        "droplet_ids",
        "tag",
        "health_check",
        "sticky_sessions",
        "redirect_http_to_https",
        "enable_proxy_protocol",
        "enable_backend_keepalive",
        "http_idle_timeout_seconds",
        "firewall",
    ],
    update: Some(|_, _, obj, body| {
        Ok(Update {
            method: Method::Put,
            path: format!(
                "/v2/load_balancers/{}",
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: body.clone(),
        })
    }),
    attributes: |_, obj| {
        let mut a = pick(
            obj,
            &[
                "id",
                "name",
                "ip",
                "ipv6",
                "status",
                "region",
                "vpc_uuid",
                "created_at",
            ],
        );
        if let Some(id) = id_of(obj, "id") {
            a.insert("urn".into(), format!("do:loadbalancer:{id}").into());
        }
        if let Some(slug) = obj.pointer("/region/slug") {
            a.insert("region".into(), slug.clone());
        }
        Json::Object(a)
    },
    delete: Delete::ById { wait_gone: true },
};

pub fn lb_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    let rules = blocks(args, "forwarding_rule")
        .into_iter()
        .map(|r| {
            if opt_str(r, "certificate_name").is_some() && opt_str(r, "certificate_id").is_none() {
                return Err(UnitError::arg(
                    "forwarding_rule.certificate_name",
                    "was not resolved to a certificate id",
                ));
            }
            Ok(object(vec![
                ("entry_protocol", Some(req_str(r, "entry_protocol")?.into())),
                ("entry_port", Some(req_i64(r, "entry_port")?.into())),
                (
                    "target_protocol",
                    Some(req_str(r, "target_protocol")?.into()),
                ),
                ("target_port", Some(req_i64(r, "target_port")?.into())),
                (
                    "certificate_id",
                    opt_str(r, "certificate_id").map(Json::from),
                ),
                (
                    "tls_passthrough",
                    opt_bool(r, "tls_passthrough")?.map(Json::from),
                ),
            ]))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let health = match block(args, "healthcheck") {
        None => None,
        Some(h) => Some(object(vec![
            ("protocol", Some(req_str(h, "protocol")?.into())),
            ("port", Some(req_i64(h, "port")?.into())),
            ("path", opt_str(h, "path").map(Json::from)),
            (
                "check_interval_seconds",
                opt_i64(h, "check_interval_seconds")?.map(Json::from),
            ),
            (
                "response_timeout_seconds",
                opt_i64(h, "response_timeout_seconds")?.map(Json::from),
            ),
            (
                "healthy_threshold",
                opt_i64(h, "healthy_threshold")?.map(Json::from),
            ),
            (
                "unhealthy_threshold",
                opt_i64(h, "unhealthy_threshold")?.map(Json::from),
            ),
        ])),
    };
    let sticky = match block(args, "sticky_sessions") {
        None => None,
        Some(s) => Some(object(vec![
            ("type", opt_str(s, "type").map(Json::from)),
            ("cookie_name", opt_str(s, "cookie_name").map(Json::from)),
            (
                "cookie_ttl_seconds",
                opt_i64(s, "cookie_ttl_seconds")?.map(Json::from),
            ),
        ])),
    };
    let firewall = match block(args, "firewall") {
        None => None,
        Some(f) => Some(object(vec![
            ("allow", Some(strs(f, "allow")?.into())),
            ("deny", Some(strs(f, "deny")?.into())),
        ])),
    };
    let droplets = ints(args, "droplet_ids")?;
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("region", opt_str(args, "region").map(Json::from)),
        ("type", opt_str(args, "type").map(Json::from)),
        ("size", opt_str(args, "size").map(Json::from)),
        ("size_unit", opt_i64(args, "size_unit")?.map(Json::from)),
        ("algorithm", opt_str(args, "algorithm").map(Json::from)),
        ("vpc_uuid", opt_str(args, "vpc_uuid").map(Json::from)),
        ("project_id", opt_str(args, "project_id").map(Json::from)),
        (
            "droplet_ids",
            (!droplets.is_empty()).then(|| droplets.into()),
        ),
        ("tag", opt_str(args, "droplet_tag").map(Json::from)),
        ("forwarding_rules", Some(rules.into())),
        ("health_check", health),
        ("sticky_sessions", sticky),
        (
            "redirect_http_to_https",
            opt_bool(args, "redirect_http_to_https")?.map(Json::from),
        ),
        (
            "enable_proxy_protocol",
            opt_bool(args, "enable_proxy_protocol")?.map(Json::from),
        ),
        (
            "enable_backend_keepalive",
            opt_bool(args, "enable_backend_keepalive")?.map(Json::from),
        ),
        (
            "http_idle_timeout_seconds",
            opt_i64(args, "http_idle_timeout_seconds")?.map(Json::from),
        ),
        (
            "disable_lets_encrypt_dns_records",
            opt_bool(args, "disable_lets_encrypt_dns_records")?.map(Json::from),
        ),
        ("firewall", firewall),
        ("network", opt_str(args, "network").map(Json::from)),
        (
            "network_stack",
            opt_str(args, "network_stack").map(Json::from),
        ),
        (
            "tls_cipher_policy",
            opt_str(args, "tls_cipher_policy").map(Json::from),
        ),
    ]))
}

/// Resolves `certificate_name` of each forwarding rule to `certificate_id`, then as [`LB`].
#[derive(Debug)]
pub struct LoadBalancer;

/// Sets `certificate_id` of `obj` from its `certificate_name` (the id is looked up by name)
/// when only the name is given.
async fn fill_certificate_id(cx: &Cx, obj: &mut Json) -> Result<(), UnitError> {
    if let Some(name) = opt_str(obj, "certificate_name")
        && opt_str(obj, "certificate_id").is_none()
    {
        let id = certificate_id(cx, &name).await?;
        if let Some(o) = obj.as_object_mut() {
            o.insert("certificate_id".into(), id.into());
        }
    }
    Ok(())
}

async fn resolve_lb_certs(cx: &Cx, args: &Json) -> Result<Json, UnitError> {
    let mut args = args.clone();
    if let Some(Json::Array(rules)) = args.get_mut("forwarding_rule") {
        for rule in rules.iter_mut() {
            fill_certificate_id(cx, rule).await?;
        }
    }
    Ok(args)
}

impl Unit for LoadBalancer {
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(async move {
            let args = resolve_lb_certs(cx, args).await?;
            LB.apply(cx, &args).await
        })
    }
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        Box::pin(async move {
            let Some(obj) = LB.find(cx, args).await? else {
                return Ok(None);
            };
            // Drift needs the certificate ids; a missing certificate means the LB will change.
            let drift = match resolve_lb_certs(cx, args).await {
                Ok(resolved) => drift(&lb_body(cx, &resolved)?, &obj, LB.compare),
                Err(_) => vec!["forwarding_rules".to_string()],
            };
            Ok(Some(Found {
                attrs: (LB.attributes)(args, &obj),
                drift,
                obj,
            }))
        })
    }
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
        found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(LB.delete(cx, args, found))
    }
}

// --- digitalocean_certificate -------------------------------------------------------------------

pub static CERT_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_certificate",
    summary: "a TLS certificate (Let's Encrypt or custom), found by its name; waits for verified",
    arguments: &[
        "name",
        "type",
        "domains",
        "private_key",
        "leaf_certificate",
        "certificate_chain",
    ],
    exports: &["id", "uuid", "state", "not_after", "sha1_fingerprint"],
    endpoints: &[
        "GET /v2/certificates?name=",
        "POST /v2/certificates",
        "GET /v2/certificates/{id}",
        "DELETE /v2/certificates/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&CERT),
};

pub static CERT: Rest = Rest {
    collection: |_| Ok("/v2/certificates".into()),
    list_key: "certificates",
    item_key: "certificate",
    list_query: |_, args| {
        opt_str(args, "name")
            .map(|n| format!("?name={}", enc(&n)))
            .unwrap_or_default()
    },
    matches: same_name,
    id_key: "id",
    body: cert_body,
    ready: Some(|o| status_is(o, "/state", &["verified"], &["error"])),
    compare: &[],
    update: None,
    attributes: cert_attrs,
    delete: Delete::ById { wait_gone: false },
};

pub fn cert_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    let kind = opt_str(args, "type").unwrap_or_else(|| "custom".into());
    Ok(object(vec![
        ("name", Some(req_str(args, "name")?.into())),
        ("type", Some(kind.into())),
        ("dns_names", Some(strs(args, "domains")?.into())).filter_empty(),
        ("private_key", opt_str(args, "private_key").map(Json::from)),
        (
            "leaf_certificate",
            opt_str(args, "leaf_certificate").map(Json::from),
        ),
        (
            "certificate_chain",
            opt_str(args, "certificate_chain").map(Json::from),
        ),
    ]))
}

/// The provider's `id` of a certificate is its name; `uuid` is the API's id.
pub fn cert_attrs(_: &Json, obj: &Json) -> Json {
    json!({
        "id": obj.get("name").cloned().unwrap_or(Json::Null),
        "uuid": obj.get("id").cloned().unwrap_or(Json::Null),
        "name": obj.get("name").cloned().unwrap_or(Json::Null),
        "type": obj.get("type").cloned().unwrap_or(Json::Null),
        "state": obj.get("state").cloned().unwrap_or(Json::Null),
        "domains": obj.get("dns_names").cloned().unwrap_or(Json::Null),
        "not_after": obj.get("not_after").cloned().unwrap_or(Json::Null),
        "sha1_fingerprint": obj.get("sha1_fingerprint").cloned().unwrap_or(Json::Null),
    })
}

// --- digitalocean_domain --------------------------------------------------------------------

pub static DOMAIN_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_domain",
    summary: "a DNS zone, found by its name",
    arguments: &["name", "ip_address"],
    exports: &["id", "urn", "ttl"],
    endpoints: &[
        "GET /v2/domains",
        "POST /v2/domains",
        "DELETE /v2/domains/{name}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&DOMAIN),
};

pub static DOMAIN: Rest = Rest {
    collection: |_| Ok("/v2/domains".into()),
    list_key: "domains",
    item_key: "domain",
    list_query: no_query,
    matches: same_name,
    id_key: "name",
    body: |_, args| {
        Ok(object(vec![
            ("name", Some(req_str(args, "name")?.into())),
            ("ip_address", opt_str(args, "ip_address").map(Json::from)),
        ]))
    },
    ready: None,
    compare: &[],
    update: None,
    attributes: domain_attrs,
    delete: Delete::ById { wait_gone: false },
};

pub fn domain_attrs(_: &Json, obj: &Json) -> Json {
    let name = obj.get("name").and_then(Json::as_str).unwrap_or("");
    json!({
        "id": name,
        "name": name,
        "urn": format!("do:domain:{name}"),
        "ttl": obj.get("ttl").cloned().unwrap_or(Json::Null),
    })
}

// --- digitalocean_record ----------------------------------------------------------------------

pub static RECORD_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_record",
    summary: "a DNS record, found by type, name (and value, except A/AAAA/CNAME whose value is updated in place)",
    arguments: &[
        "domain", "type", "name", "value", "ttl", "priority", "port", "weight", "flags", "tag",
    ],
    exports: &["id", "fqdn"],
    endpoints: &[
        "GET /v2/domains/{domain}/records",
        "POST /v2/domains/{domain}/records",
        "PUT /v2/domains/{domain}/records/{id}",
        "DELETE /v2/domains/{domain}/records/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&RECORD),
};

fn single_valued(kind: &str) -> bool {
    matches!(kind, "A" | "AAAA" | "CNAME")
}

fn same_data(a: &str, b: &str) -> bool {
    a.trim_end_matches('.')
        .eq_ignore_ascii_case(b.trim_end_matches('.'))
}

pub static RECORD: Rest = Rest {
    collection: |args| child_path(args, "domain", "/v2/domains", "/records"),
    list_key: "domain_records",
    item_key: "domain_record",
    list_query: no_query,
    matches: |_, args, obj| {
        let kind = opt_str(args, "type").unwrap_or_default().to_uppercase();
        let same =
            |k: &str, v: Option<String>| obj.get(k).and_then(Json::as_str).map(str::to_string) == v;
        same("type", Some(kind.clone()))
            && same("name", opt_str(args, "name"))
            && (single_valued(&kind)
                || opt_str(args, "value").is_some_and(|v| {
                    obj.get("data")
                        .and_then(Json::as_str)
                        .is_some_and(|d| same_data(d, &v))
                }))
    },
    id_key: "id",
    body: record_body,
    ready: None,
    compare: &["data", "ttl", "priority", "port", "weight"],
    update: Some(|_, args, obj, body| {
        Ok(Update {
            method: Method::Put,
            path: format!(
                "{}/{}",
                child_path(args, "domain", "/v2/domains", "/records")?,
                id_of(obj, "id").unwrap_or_default()
            ),
            body: body.clone(),
        })
    }),
    attributes: record_attrs,
    delete: Delete::ById { wait_gone: false },
};

pub fn record_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    let kind = req_str(args, "type")?.to_uppercase();
    let mut value = req_str(args, "value")?;
    // DigitalOcean answers host names without the trailing dot; send them that way so that a
    // re-run compares equal.
    if matches!(kind.as_str(), "CNAME" | "MX" | "NS" | "SRV") && value.len() > 1 {
        value = value.trim_end_matches('.').to_string();
        if value.is_empty() {
            value = "@".into();
        }
    }
    Ok(object(vec![
        ("type", Some(kind.into())),
        ("name", Some(req_str(args, "name")?.into())),
        ("data", Some(value.into())),
        ("ttl", opt_i64(args, "ttl")?.map(Json::from)),
        ("priority", opt_i64(args, "priority")?.map(Json::from)),
        ("port", opt_i64(args, "port")?.map(Json::from)),
        ("weight", opt_i64(args, "weight")?.map(Json::from)),
        ("flags", opt_i64(args, "flags")?.map(Json::from)),
        ("tag", opt_str(args, "tag").map(Json::from)),
    ]))
}

pub fn record_attrs(args: &Json, obj: &Json) -> Json {
    let domain = opt_str(args, "domain").unwrap_or_default();
    let name = obj.get("name").and_then(Json::as_str).unwrap_or("@");
    let fqdn = if name == "@" {
        domain.clone()
    } else {
        format!("{name}.{domain}")
    };
    json!({
        "id": id_of(obj, "id"),
        "fqdn": fqdn,
        "name": name,
        "type": obj.get("type").cloned().unwrap_or(Json::Null),
        "value": obj.get("data").cloned().unwrap_or(Json::Null),
        "ttl": obj.get("ttl").cloned().unwrap_or(Json::Null),
    })
}

// --- digitalocean_cdn -------------------------------------------------------------------------

pub static CDN_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_cdn",
    summary: "a CDN endpoint, found by its origin; certificate names resolve to ids",
    arguments: &[
        "origin",
        "ttl",
        "certificate_id",
        "certificate_name",
        "custom_domain",
    ],
    exports: &["id", "endpoint", "created_at"],
    endpoints: &[
        "GET /v2/cdn/endpoints",
        "POST /v2/cdn/endpoints",
        "PUT /v2/cdn/endpoints/{id}",
        "DELETE /v2/cdn/endpoints/{id}",
    ],
    partial_lists: &[],
    handling: Handling::Api(&Cdn),
};

pub static CDN: Rest = Rest {
    collection: |_| Ok("/v2/cdn/endpoints".into()),
    list_key: "endpoints",
    item_key: "endpoint",
    list_query: no_query,
    matches: |_, args, obj| {
        opt_str(args, "origin")
            .is_some_and(|o| obj.get("origin").and_then(Json::as_str) == Some(o.as_str()))
    },
    id_key: "id",
    body: cdn_body,
    ready: None,
    compare: &["ttl", "certificate_id", "custom_domain"],
    update: Some(|_, _, obj, body| {
        let mut b = body.clone();
        if let Some(o) = b.as_object_mut() {
            o.remove("origin");
        }
        Ok(Update {
            method: Method::Put,
            path: format!(
                "/v2/cdn/endpoints/{}",
                enc(&id_of(obj, "id").unwrap_or_default())
            ),
            body: b,
        })
    }),
    attributes: |_, obj| {
        Json::Object(pick(
            obj,
            &[
                "id",
                "origin",
                "endpoint",
                "ttl",
                "certificate_id",
                "custom_domain",
                "created_at",
            ],
        ))
    },
    delete: Delete::ById { wait_gone: false },
};

pub fn cdn_body(_: &Cx, args: &Json) -> Result<Json, UnitError> {
    Ok(object(vec![
        ("origin", Some(req_str(args, "origin")?.into())),
        ("ttl", opt_i64(args, "ttl")?.map(Json::from)),
        (
            "certificate_id",
            opt_str(args, "certificate_id").map(Json::from),
        ),
        (
            "custom_domain",
            opt_str(args, "custom_domain").map(Json::from),
        ),
    ]))
}

#[derive(Debug)]
pub struct Cdn;

async fn resolve_cdn_cert(cx: &Cx, args: &Json) -> Result<Json, UnitError> {
    let mut args = args.clone();
    fill_certificate_id(cx, &mut args).await?;
    Ok(args)
}

impl Unit for Cdn {
    fn apply<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Applied, UnitError>> {
        Box::pin(async move {
            let args = resolve_cdn_cert(cx, args).await?;
            CDN.apply(cx, &args).await
        })
    }
    fn read<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
    ) -> BoxFut<'a, Result<Option<Found>, UnitError>> {
        Box::pin(CDN.read(cx, args))
    }
    fn delete<'a>(
        &'a self,
        cx: &'a Cx,
        args: &'a Json,
        found: &'a Found,
    ) -> BoxFut<'a, Result<(), UnitError>> {
        Box::pin(CDN.delete(cx, args, found))
    }
}

// --- data sources -------------------------------------------------------------------------------

pub static CERT_DATA_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_certificate",
    summary: "reads a certificate by name",
    arguments: &["name"],
    exports: &[
        "id",
        "uuid",
        "type",
        "state",
        "domains",
        "not_after",
        "sha1_fingerprint",
    ],
    endpoints: &["GET /v2/certificates?name="],
    partial_lists: &[],
    handling: Handling::Data(&CertData),
};

#[derive(Debug)]
pub struct CertData;

impl DataUnit for CertData {
    fn read<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Json, UnitError>> {
        Box::pin(async move {
            match CERT.find(cx, args).await? {
                Some(obj) => Ok(cert_attrs(args, &obj)),
                None => Err(UnitError::Failed(format!(
                    "no certificate named `{}`",
                    opt_str(args, "name").unwrap_or_default()
                ))),
            }
        })
    }
}

pub static DOMAIN_DATA_DEF: UnitDef = UnitDef {
    tf_type: "digitalocean_domain",
    summary: "reads a DNS zone by name",
    arguments: &["name"],
    exports: &["id", "urn", "ttl", "zone_file"],
    endpoints: &["GET /v2/domains/{name}"],
    partial_lists: &[],
    handling: Handling::Data(&DomainData),
};

#[derive(Debug)]
pub struct DomainData;

impl DataUnit for DomainData {
    fn read<'a>(&'a self, cx: &'a Cx, args: &'a Json) -> BoxFut<'a, Result<Json, UnitError>> {
        Box::pin(async move {
            let name = req_str(args, "name")?;
            let body = cx
                .client
                .get(&format!("/v2/domains/{}", enc(&name)))
                .await?;
            let obj = body.get("domain").cloned().unwrap_or(Json::Null);
            let mut attrs = domain_attrs(args, &obj);
            if let (Some(a), Some(z)) = (attrs.as_object_mut(), obj.get("zone_file")) {
                a.insert("zone_file".into(), z.clone());
            }
            Ok(attrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::units::testing::{cx, pure_cx, requests};

    #[test]
    fn vpc_body_and_attributes() {
        let args = json!({"name": "acme-x", "region": "nyc3", "ip_range": "10.20.0.0/16"});
        assert_eq!(
            vpc_body(&pure_cx(), &args).ok(),
            Some(json!({"name": "acme-x", "region": "nyc3", "ip_range": "10.20.0.0/16"}))
        );
        // The OpenAPI example of GET /v2/vpcs/{id}.
        let obj = json!({"name": "env.prod-vpc", "description": "VPC for production environment", "region": "nyc1", "ip_range": "10.10.10.0/24", "default": false, "id": "5a4981aa-9653-4bd1-bef5-d6bff52042e4", "urn": "do:vpc:5a4981aa-9653-4bd1-bef5-d6bff52042e4", "created_at": "2020-03-13T19:20:47.442049222Z"});
        let a = vpc_attrs(&args, &obj);
        assert_eq!(a["id"], "5a4981aa-9653-4bd1-bef5-d6bff52042e4");
        assert_eq!(a["urn"], "do:vpc:5a4981aa-9653-4bd1-bef5-d6bff52042e4");
        assert_eq!(a["ip_range"], "10.10.10.0/24");
        assert!(vpc_body(&pure_cx(), &json!({"name": "x"})).is_err());
    }

    #[test]
    fn firewall_rules_map_to_sources_and_destinations() {
        let args = json!({
            "name": "dp-acme-ingest",
            "droplet_ids": ["101", 102],
            "inbound_rule": [
                {"protocol": "tcp", "port_range": "9092", "source_addresses": ["0.0.0.0/0"]},
                {"protocol": "tcp", "port_range": "22", "source_addresses": ["10.0.0.0/8"], "source_tags": []}
            ],
            "outbound_rule": [{"protocol": "icmp", "destination_addresses": ["0.0.0.0/0"]}]
        });
        let body = firewall_body(&pure_cx(), &args).expect("maps");
        assert_eq!(
            body,
            json!({
                "name": "dp-acme-ingest",
                "droplet_ids": [101, 102],
                "tags": [],
                "inbound_rules": [
                    {"protocol": "tcp", "ports": "9092", "sources": {"addresses": ["0.0.0.0/0"]}},
                    {"protocol": "tcp", "ports": "22", "sources": {"addresses": ["10.0.0.0/8"]}}
                ],
                "outbound_rules": [{"protocol": "icmp", "destinations": {"addresses": ["0.0.0.0/0"]}}]
            })
        );
        // The API echoes more than was sent (droplet ids, empty lists): still no drift.
        let obj = json!({"id": "fw", "name": "dp-acme-ingest", "status": "succeeded", "droplet_ids": [102, 101], "tags": [],
            "inbound_rules": [
                {"protocol": "tcp", "ports": "22", "sources": {"addresses": ["10.0.0.0/8"], "tags": []}},
                {"protocol": "tcp", "ports": "9092", "sources": {"addresses": ["0.0.0.0/0"]}}
            ],
            "outbound_rules": [{"protocol": "icmp", "ports": "0", "destinations": {"addresses": ["0.0.0.0/0"]}}]});
        assert!(drift(&body, &obj, FIREWALL.compare).is_empty());
        let mut changed = obj.clone();
        changed["droplet_ids"] = json!([101]);
        assert_eq!(
            drift(&body, &changed, FIREWALL.compare),
            vec!["droplet_ids"]
        );
        assert!(firewall_body(&pure_cx(), &json!({"name": "x", "droplet_ids": ["abc"]})).is_err());
    }

    #[test]
    fn load_balancer_body_follows_the_api() {
        let args = json!({
            "name": "acme-web-acme", "type": "REGIONAL", "region": "nyc3", "vpc_uuid": "v1",
            "redirect_http_to_https": true, "http_idle_timeout_seconds": 120, "tls_cipher_policy": "STRONG",
            "disable_lets_encrypt_dns_records": true,
            "forwarding_rule": [
                {"entry_protocol": "http", "entry_port": 80, "target_protocol": "http", "target_port": 8080},
                {"entry_protocol": "https", "entry_port": 443, "target_protocol": "http", "target_port": 8080, "certificate_name": "app-acme", "certificate_id": "c-1"}
            ],
            "healthcheck": [{"protocol": "http", "port": 8080, "path": "/healthz", "check_interval_seconds": 15}]
        });
        let body = lb_body(&pure_cx(), &args).expect("maps");
        assert_eq!(body["forwarding_rules"][1]["certificate_id"], "c-1");
        assert_eq!(body["health_check"]["path"], "/healthz");
        assert_eq!(body["type"], "REGIONAL");
        assert!(body.get("droplet_ids").is_none());
        assert!(
            body["forwarding_rules"][1]
                .get("certificate_name")
                .is_none()
        );
        // A certificate name that was not resolved is an error, not a silent drop.
        let mut unresolved = args.clone();
        unresolved["forwarding_rule"][1]
            .as_object_mut()
            .map(|o| o.remove("certificate_id"));
        assert!(lb_body(&pure_cx(), &unresolved).is_err());
        // The OpenAPI example answer: attributes.
        let obj = json!({"id": "4de7ac8b-495b-4884-9a69-1050c6793cd6", "name": "example-lb-01", "ip": "104.131.186.241", "status": "new", "region": {"slug": "nyc3"}});
        let a = (LB.attributes)(&args, &obj);
        assert_eq!(a["ip"], "104.131.186.241");
        assert_eq!(
            a["urn"],
            "do:loadbalancer:4de7ac8b-495b-4884-9a69-1050c6793cd6"
        );
        assert_eq!(a["region"], "nyc3");
        assert_eq!(
            (LB.ready.expect("waits"))(&obj),
            Ready::Pending("new".into())
        );
    }

    #[tokio::test]
    async fn load_balancer_resolves_certificates_then_creates_and_waits() {
        let (cx, script) = cx(vec![
            (
                "GET /v2/certificates?name=app-acme",
                200,
                json!({"certificates": [{"id": "892071a0", "name": "app-acme", "state": "verified"}], "meta": {"total": 1}}),
            ),
            (
                "GET /v2/load_balancers",
                200,
                json!({"load_balancers": [], "meta": {"total": 0}}),
            ),
            (
                "POST /v2/load_balancers",
                202,
                json!({"load_balancer": {"id": "lb1", "name": "web-acme", "status": "new", "ip": ""}}),
            ),
            (
                "GET /v2/load_balancers/lb1",
                200,
                json!({"load_balancer": {"id": "lb1", "name": "web-acme", "status": "active", "ip": "10.1.2.3"}}),
            ),
        ]);
        let args = json!({"name": "web-acme", "region": "nyc3", "forwarding_rule": [
            {"entry_protocol": "https", "entry_port": 443, "target_protocol": "http", "target_port": 80, "certificate_name": "app-acme"}]});
        let applied = LoadBalancer.apply(&cx, &args).await.expect("applies");
        assert_eq!(applied.action, Action::Created);
        assert_eq!(applied.attrs["ip"], "10.1.2.3");
        let reqs = requests(&script);
        assert_eq!(reqs[2].0, "POST /v2/load_balancers");
        assert_eq!(
            reqs[2]
                .1
                .as_ref()
                .map(|b| b["forwarding_rules"][0]["certificate_id"].clone()),
            Some(json!("892071a0"))
        );
    }

    #[test]
    fn records_match_and_normalise() {
        let args = json!({"domain": "app.example.com", "type": "CNAME", "name": "www", "value": "app.example.com.", "ttl": 300});
        let body = record_body(&pure_cx(), &args).expect("maps");
        assert_eq!(
            body,
            json!({"type": "CNAME", "name": "www", "data": "app.example.com", "ttl": 300})
        );
        let obj = json!({"id": 28448433, "type": "CNAME", "name": "www", "data": "app.example.com", "ttl": 300});
        assert!((RECORD.matches)(&pure_cx(), &args, &obj));
        assert!(drift(&body, &obj, RECORD.compare).is_empty());
        let a = record_attrs(&args, &obj);
        assert_eq!(a["fqdn"], "www.app.example.com");
        assert_eq!(a["id"], "28448433");
        // An A record whose target changed is the same record, updated in place.
        let a_args = json!({"domain": "d.com", "type": "A", "name": "@", "value": "1.2.3.4"});
        let a_obj = json!({"id": 1, "type": "A", "name": "@", "data": "5.6.7.8"});
        assert!((RECORD.matches)(&pure_cx(), &a_args, &a_obj));
        assert_eq!(
            drift(
                &record_body(&pure_cx(), &a_args).expect("maps"),
                &a_obj,
                RECORD.compare
            ),
            vec!["data"]
        );
        // Two MX records differ by value.
        let mx = json!({"domain": "d.com", "type": "MX", "name": "@", "value": "mx1.d.com.", "priority": 10});
        assert!(!(RECORD.matches)(
            &pure_cx(),
            &mx,
            &json!({"type": "MX", "name": "@", "data": "mx2.d.com"})
        ));
        assert!((RECORD.matches)(
            &pure_cx(),
            &mx,
            &json!({"type": "MX", "name": "@", "data": "mx1.d.com"})
        ));
    }

    #[test]
    fn certificates_use_name_as_id() {
        let body = cert_body(
            &pure_cx(),
            &json!({"name": "app-acme", "type": "lets_encrypt", "domains": ["a.com", "*.a.com"]}),
        )
        .expect("maps");
        assert_eq!(
            body,
            json!({"name": "app-acme", "type": "lets_encrypt", "dns_names": ["a.com", "*.a.com"]})
        );
        let obj = json!({"id": "892071a0-bb95-49bc-8021-3afd67a210bf", "name": "web-cert-01", "not_after": "2017-02-22T00:23:00Z", "sha1_fingerprint": "dfcc9f57d86bf58e321c2c6c31c7a971be244ac7", "created_at": "2017-02-08T16:02:37Z", "dns_names": [""], "state": "verified", "type": "custom"});
        let a = cert_attrs(&json!({}), &obj);
        assert_eq!(a["id"], "web-cert-01");
        assert_eq!(a["uuid"], "892071a0-bb95-49bc-8021-3afd67a210bf");
        assert_eq!(
            (CERT.ready.expect("waits"))(&json!({"state": "pending"})),
            Ready::Pending("pending".into())
        );
        assert!(matches!(
            (CERT.ready.expect("waits"))(&json!({"state": "error"})),
            Ready::Failed(_)
        ));
    }

    #[test]
    fn reserved_ips_need_a_droplet() {
        assert_eq!(
            reserved_ip_body(&pure_cx(), &json!({"region": "nyc3", "droplet_id": "42"})).ok(),
            Some(json!({"droplet_id": 42}))
        );
        assert!(reserved_ip_body(&pure_cx(), &json!({"region": "nyc3"})).is_err());
        let obj = json!({"ip": "45.55.96.47", "droplet": {"id": 42}, "region": {"slug": "nyc3"}});
        assert!((RESERVED_IP.matches)(
            &pure_cx(),
            &json!({"droplet_id": "42"}),
            &obj
        ));
        assert_eq!(
            reserved_ip_attrs(&json!({}), &obj)["urn"],
            "do:reservedip:45.55.96.47"
        );
    }

    #[test]
    fn nat_gateway_body() {
        let args = json!({"name": "main-acme", "type": "PUBLIC", "region": "nyc3", "size": 1, "vpcs": [{"vpc_uuid": "v1", "default_gateway": true}]});
        assert_eq!(
            nat_body(&pure_cx(), &args).ok(),
            Some(
                json!({"name": "main-acme", "type": "PUBLIC", "region": "nyc3", "size": 1, "vpcs": [{"vpc_uuid": "v1", "default_gateway": true}]})
            )
        );
        assert_eq!(
            (NAT.ready.expect("waits"))(&json!({"state": "ACTIVE"})),
            Ready::Yes
        );
    }

    #[test]
    fn domains_and_cdn() {
        assert_eq!(
            domain_attrs(&json!({}), &json!({"name": "example.com", "ttl": 1800}))["urn"],
            "do:domain:example.com"
        );
        assert_eq!(
            cdn_body(
                &pure_cx(),
                &json!({"origin": "b.nyc3.digitaloceanspaces.com", "ttl": 3600})
            )
            .ok(),
            Some(json!({"origin": "b.nyc3.digitaloceanspaces.com", "ttl": 3600}))
        );
    }

    #[tokio::test]
    async fn an_existing_vpc_is_reused_and_nothing_is_sent() {
        let (cx, script) = cx(vec![(
            "GET /v2/vpcs",
            200,
            json!({"vpcs": [{"id": "v1", "name": "acme-x", "region": "nyc3", "ip_range": "10.0.0.0/16"}], "links": {}, "meta": {"total": 1}}),
        )]);
        let applied = VPC
            .apply(&cx, &json!({"name": "acme-x", "region": "nyc3"}))
            .await
            .expect("applies");
        assert_eq!(applied.action, Action::Unchanged);
        assert_eq!(applied.attrs["id"], "v1");
        assert_eq!(requests(&script).len(), 1);
    }

    #[tokio::test]
    async fn a_lost_create_answer_is_found_again_not_sent_twice() {
        let (cx, script) = cx(vec![
            (
                "GET /v2/vpcs",
                200,
                json!({"vpcs": [], "meta": {"total": 0}}),
            ),
            (
                "POST /v2/vpcs",
                502,
                json!({"id": "bad_gateway", "message": "upstream went away"}),
            ),
            (
                "GET /v2/vpcs",
                200,
                json!({"vpcs": [{"id": "v9", "name": "acme-x"}], "meta": {"total": 1}}),
            ),
        ]);
        let applied = VPC
            .apply(&cx, &json!({"name": "acme-x", "region": "nyc3"}))
            .await
            .expect("applies");
        assert_eq!(applied.attrs["id"], "v9");
        let posts = requests(&script)
            .iter()
            .filter(|(r, _)| r.starts_with("POST"))
            .count();
        assert_eq!(posts, 1);
    }
}
