//! Load balancer, DNS and certificate facts (mapping facts §6 "ALB / NLB →
//! `digitalocean_loadbalancer`" and §7 "Route53 → DigitalOcean DNS"; ranges from the provider
//! validators in `do-provider-schema.json`).

/// `healthcheck.check_interval_seconds` (provider validator, §6).
pub const HEALTH_INTERVAL: (i64, i64) = (3, 300);
/// `healthcheck.response_timeout_seconds` (provider validator, §6).
pub const HEALTH_TIMEOUT: (i64, i64) = (3, 300);
/// `healthcheck.healthy_threshold` / `unhealthy_threshold` (provider validator, §6).
pub const HEALTH_THRESHOLD: (i64, i64) = (2, 10);
/// `http_idle_timeout_seconds` (OpenAPI `load_balancer_base`, §6: 30–600).
pub const IDLE_TIMEOUT: (i64, i64) = (30, 600);
/// The cookie the DigitalOcean load balancer sets for sticky sessions (OpenAPI
/// `sticky_sessions` example `DO-LB`; provider validator: 2–40 characters).
pub const STICKY_COOKIE: &str = "DO-LB";

/// `tls_cipher_policy` for an AWS `ssl_policy` (§6: DEFAULT or STRONG only). Policies whose
/// minimum protocol is TLS 1.2 or 1.3 map to STRONG; those that still accept TLS 1.0/1.1 map
/// to DEFAULT. `None` for a name that is not an AWS ELB security policy.
///
/// AWS names carry the minimum version: `ELBSecurityPolicy-TLS13-1-2-2021-06` (1.2),
/// `ELBSecurityPolicy-TLS-1-1-2017-01` (1.1), `ELBSecurityPolicy-FS-1-2-Res-2020-10` (1.2);
/// the dated ones without a version (`ELBSecurityPolicy-2016-08`, `-2015-05`, `-FS-2018-06`)
/// accept TLS 1.0.
pub fn tls_cipher_policy(aws: &str) -> Option<&'static str> {
    let rest = aws.strip_prefix("ELBSecurityPolicy-")?;
    let version = ["TLS13-", "TLS-", "FS-"]
        .iter()
        .find_map(|p| rest.strip_prefix(p))
        .and_then(|v| {
            let mut parts = v.split('-');
            match (parts.next(), parts.next()) {
                (Some("1"), Some(minor)) if minor.len() == 1 => minor.parse::<u8>().ok(),
                _ => None,
            }
        });
    Some(match version {
        Some(minor) if minor >= 2 => "STRONG",
        _ => "DEFAULT",
    })
}

/// The name servers of every DigitalOcean DNS domain (OpenAPI `domain.zone_file` example, §7).
pub const NAME_SERVERS: &[&str] = &[
    "ns1.digitalocean.com",
    "ns2.digitalocean.com",
    "ns3.digitalocean.com",
];

/// Record types DigitalOcean DNS serves (§7; SOA is managed by DigitalOcean).
pub const RECORD_TYPES: &[&str] = &["A", "AAAA", "CAA", "CNAME", "MX", "NS", "TXT", "SRV"];

/// CAA tags DigitalOcean accepts (provider validator on `digitalocean_record.tag`, §7).
pub const CAA_TAGS: &[&str] = &["issue", "issuewild", "iodef"];

/// What to do instead, for a Route53 record type DigitalOcean DNS does not have (§7).
pub fn record_type_help(ty: &str) -> &'static str {
    match ty {
        "PTR" => {
            "DigitalOcean sets reverse DNS (PTR) of a Droplet from its name: name the `digitalocean_droplet` with the fully qualified host name"
        }
        "SPF" => "SPF records are published as TXT records (RFC 7208)",
        "DS" => {
            "DigitalOcean DNS does not sign zones (no DNSSEC): remove the DS record or keep the zone with a DNS provider that supports DNSSEC"
        }
        _ => {
            "DigitalOcean DNS serves A, AAAA, CAA, CNAME, MX, NS, TXT and SRV records: remove the record or keep this name with another DNS provider (delegate it with an NS record)"
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssl_policies_map_by_minimum_tls_version() {
        for (aws, want) in [
            ("ELBSecurityPolicy-TLS13-1-2-2021-06", "STRONG"),
            ("ELBSecurityPolicy-TLS13-1-2-Res-2021-06", "STRONG"),
            ("ELBSecurityPolicy-TLS13-1-3-2021-06", "STRONG"),
            ("ELBSecurityPolicy-TLS13-1-2-FIPS-2023-04", "STRONG"),
            ("ELBSecurityPolicy-TLS-1-2-2017-01", "STRONG"),
            ("ELBSecurityPolicy-TLS-1-2-Ext-2018-06", "STRONG"),
            ("ELBSecurityPolicy-FS-1-2-Res-2020-10", "STRONG"),
            ("ELBSecurityPolicy-TLS13-1-1-2021-06", "DEFAULT"),
            ("ELBSecurityPolicy-TLS13-1-0-2021-06", "DEFAULT"),
            ("ELBSecurityPolicy-TLS-1-1-2017-01", "DEFAULT"),
            ("ELBSecurityPolicy-FS-1-1-2019-08", "DEFAULT"),
            ("ELBSecurityPolicy-FS-2018-06", "DEFAULT"),
            ("ELBSecurityPolicy-2016-08", "DEFAULT"),
            ("ELBSecurityPolicy-2015-05", "DEFAULT"),
        ] {
            assert_eq!(tls_cipher_policy(aws), Some(want), "{aws}");
        }
        assert_eq!(tls_cipher_policy("my-custom-policy"), None);
    }

    #[test]
    fn record_types_exclude_what_do_lacks() {
        assert!(RECORD_TYPES.contains(&"CAA"));
        assert!(!RECORD_TYPES.contains(&"PTR"));
        assert!(record_type_help("PTR").contains("Droplet"));
    }
}
