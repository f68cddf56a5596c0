//! Facts for the managed services the catalog maps beyond the core table: MSK → Managed Kafka,
//! OpenSearch Service → Managed OpenSearch, CloudWatch alarms → Monitoring alerts.

/// vCPU and memory (GiB) of an AWS instance type by its family and size, for the shapes MSK
/// brokers (`kafka.m5.large`) and OpenSearch nodes (`r6g.large.search`) use.
///
/// Source: mapping facts §2 (AWS instance shapes: T3 burstable table; M = 4 GiB/vCPU,
/// C = 2 GiB/vCPU, R = 8 GiB/vCPU; Graviton `*g` types share the x86 shapes) and §3 (RDS
/// classes have the shape of the EC2 type of the same name).
pub fn aws_shape(family: &str, size: &str) -> Option<(u32, u32)> {
    let class = family.chars().next()?;
    if class == 't' {
        // Burstable: 2 vCPU up to large (§2 table).
        return Some(match size {
            "micro" => (2, 1),
            "small" => (2, 2),
            "medium" => (2, 4),
            "large" => (2, 8),
            "xlarge" => (4, 16),
            "2xlarge" => (8, 32),
            _ => return None,
        });
    }
    let vcpu = match size {
        "large" => 2,
        "xlarge" => 4,
        "2xlarge" => 8,
        "4xlarge" => 16,
        "8xlarge" => 32,
        "12xlarge" => 48,
        "16xlarge" => 64,
        "24xlarge" => 96,
        _ => return None,
    };
    let per_vcpu = match class {
        'm' => 4,
        'c' => 2,
        'r' => 8,
        _ => return None,
    };
    Some((vcpu, vcpu * per_vcpu))
}

/// A DigitalOcean database size offered for an engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbSize {
    pub slug: &'static str,
    pub vcpus: u32,
    pub memory_gib: u32,
    /// Node counts the size allows (`allowed_node_counts`).
    pub node_counts: &'static [u32],
}

/// Managed Kafka sizes (do-slugs.json → `database_sizes` entries listing `kafka`; the options
/// example's 3-node kafka layout has exactly these 4 sizes). Kafka clusters have 3 nodes
/// (mapping facts §5; provider docs).
pub const KAFKA_SIZES: &[DbSize] = &[
    DbSize {
        slug: "db-s-2vcpu-2gb",
        vcpus: 2,
        memory_gib: 2,
        node_counts: &[3],
    },
    DbSize {
        slug: "db-s-2vcpu-4gb",
        vcpus: 2,
        memory_gib: 4,
        node_counts: &[3],
    },
    DbSize {
        slug: "gd-2vcpu-8gb",
        vcpus: 2,
        memory_gib: 8,
        node_counts: &[3],
    },
    DbSize {
        slug: "gd-4vcpu-16gb",
        vcpus: 4,
        memory_gib: 16,
        node_counts: &[3],
    },
];

/// Managed OpenSearch sizes (do-slugs.json → `database_sizes` entries listing `opensearch`;
/// layouts 1/3/6/9/15 nodes per mapping facts §5; node counts per size from
/// `allowed_node_counts`, restricted to the OpenSearch layouts).
pub const OPENSEARCH_SIZES: &[DbSize] = &[
    DbSize {
        slug: "db-s-1vcpu-2gb",
        vcpus: 1,
        memory_gib: 2,
        node_counts: &[1, 3],
    },
    DbSize {
        slug: "db-s-2vcpu-4gb",
        vcpus: 2,
        memory_gib: 4,
        node_counts: &[1, 3],
    },
    DbSize {
        slug: "db-s-4vcpu-8gb",
        vcpus: 4,
        memory_gib: 8,
        node_counts: &[1, 3],
    },
    DbSize {
        slug: "gd-2vcpu-8gb",
        vcpus: 2,
        memory_gib: 8,
        node_counts: &[1, 3, 6, 9, 15],
    },
    DbSize {
        slug: "gd-4vcpu-16gb",
        vcpus: 4,
        memory_gib: 16,
        node_counts: &[1, 3, 6, 9, 15],
    },
    DbSize {
        slug: "m3-2vcpu-16gb",
        vcpus: 2,
        memory_gib: 16,
        node_counts: &[1, 3, 6, 9, 15],
    },
    DbSize {
        slug: "m3-4vcpu-32gb",
        vcpus: 4,
        memory_gib: 32,
        node_counts: &[1, 3, 6, 9, 15],
    },
    DbSize {
        slug: "m3-8vcpu-64gb",
        vcpus: 8,
        memory_gib: 64,
        node_counts: &[1, 3, 6, 9, 15],
    },
];

/// Node counts a Managed OpenSearch cluster can have (mapping facts §5: layouts 1/3/6/9/15).
pub const OPENSEARCH_NODE_COUNTS: &[u32] = &[1, 3, 6, 9, 15];

/// The Managed Kafka version DigitalOcean offers (mapping facts §5).
pub const KAFKA_VERSION: &str = "3.8";
/// [`KAFKA_VERSION`]'s end of availability in `do-slugs.json`
/// (`database_engines.kafka.version_availability`): the only Kafka version listed there, with a
/// date before [`super::FACTS_DATE`]; no later version is listed to move to.
pub const KAFKA_END_OF_AVAILABILITY: &str = "2025-06-03";
/// The Managed Kafka node count (mapping facts §5: "node_count 3").
pub const KAFKA_NODES: u32 = 3;
/// The Managed OpenSearch version Ferry emits (mapping facts §5: OpenSearch Service → "2").
pub const OPENSEARCH_VERSION: &str = "2";

/// The smallest size of `sizes` with at least `vcpus` and `memory_gib` that allows
/// `nodes` nodes; otherwise the largest that allows them. The flag says whether the size
/// matches the shape (false: a nearest match the author should review).
pub fn nearest_db_size(
    sizes: &'static [DbSize],
    vcpus: u32,
    memory_gib: u32,
    nodes: u32,
) -> Option<(&'static DbSize, bool)> {
    let allowed = || sizes.iter().filter(|s| s.node_counts.contains(&nodes));
    let fitting = allowed()
        .filter(|s| s.vcpus >= vcpus && s.memory_gib >= memory_gib)
        .min_by_key(|s| (s.vcpus, s.memory_gib));
    match fitting {
        Some(s) => Some((s, s.vcpus == vcpus && s.memory_gib == memory_gib)),
        None => allowed()
            .max_by_key(|s| (s.memory_gib, s.vcpus))
            .map(|s| (s, false)),
    }
}

/// The smallest of `choices` that is at least `n`, else the largest.
pub fn at_least(choices: &[u32], n: u32) -> u32 {
    choices
        .iter()
        .copied()
        .find(|c| *c >= n)
        .or_else(|| choices.last().copied())
        .unwrap_or(n)
}

/// Monitoring alert windows (provider validator of `digitalocean_monitor_alert.window`;
/// mapping facts §8), in seconds.
pub const ALERT_WINDOWS: &[(u32, &str)] = &[(300, "5m"), (600, "10m"), (1800, "30m"), (3600, "1h")];

/// The alert window covering `seconds` (the smallest at least as long, else `1h`) and whether
/// it is exact.
pub fn alert_window(seconds: u32) -> (&'static str, bool) {
    for (s, w) in ALERT_WINDOWS {
        if *s >= seconds {
            return (w, *s == seconds);
        }
    }
    ("1h", false)
}

/// Uptime alert periods (`digitalocean_uptime_alert.period`, provider schema enum), in seconds.
const UPTIME_PERIODS: &[(u32, &str)] = &[
    (120, "2m"),
    (180, "3m"),
    (300, "5m"),
    (600, "10m"),
    (900, "15m"),
    (1800, "30m"),
    (3600, "1h"),
];

/// The shortest uptime alert period that covers `seconds` (or `1h`), and whether it is exact.
pub fn uptime_period(seconds: u32) -> (&'static str, bool) {
    for (s, p) in UPTIME_PERIODS {
        if *s >= seconds {
            return (p, *s == seconds);
        }
    }
    ("1h", false)
}

/// The Spaces CDN endpoint's default TTL in seconds (provider docs `digitalocean_cdn.ttl`).
pub const CDN_DEFAULT_TTL: u32 = 3600;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uptime_periods_cover_the_alarm() {
        assert_eq!(uptime_period(120), ("2m", true));
        assert_eq!(uptime_period(60), ("2m", false));
        assert_eq!(uptime_period(240), ("5m", false));
        assert_eq!(uptime_period(7200), ("1h", false));
    }

    #[test]
    fn aws_shapes_follow_the_mapping_facts() {
        assert_eq!(aws_shape("m5", "large"), Some((2, 8)));
        assert_eq!(aws_shape("m7g", "xlarge"), Some((4, 16)));
        assert_eq!(aws_shape("r6g", "large"), Some((2, 16)));
        assert_eq!(aws_shape("c5", "2xlarge"), Some((8, 16)));
        assert_eq!(aws_shape("t3", "small"), Some((2, 2)));
        assert_eq!(aws_shape("t3", "medium"), Some((2, 4)));
        assert_eq!(aws_shape("i3", "large"), None);
        assert_eq!(aws_shape("m5", "metal"), None);
    }

    #[test]
    fn kafka_sizes() {
        let pick = |v, m| nearest_db_size(KAFKA_SIZES, v, m, 3).map(|(s, exact)| (s.slug, exact));
        assert_eq!(pick(2, 2), Some(("db-s-2vcpu-2gb", true)));
        assert_eq!(pick(2, 8), Some(("gd-2vcpu-8gb", true)));
        assert_eq!(pick(4, 16), Some(("gd-4vcpu-16gb", true)));
        // Larger than any offering: the largest, flagged.
        assert_eq!(pick(8, 32), Some(("gd-4vcpu-16gb", false)));
    }

    #[test]
    fn opensearch_sizes() {
        let pick = |v, m, n| nearest_db_size(OPENSEARCH_SIZES, v, m, n).map(|(s, e)| (s.slug, e));
        assert_eq!(pick(2, 8, 3), Some(("gd-2vcpu-8gb", true)));
        assert_eq!(pick(2, 16, 3), Some(("m3-2vcpu-16gb", true)));
        assert_eq!(pick(2, 2, 1), Some(("db-s-2vcpu-4gb", false)));
        // 6 nodes rule out the basic sizes.
        assert_eq!(pick(2, 4, 6), Some(("gd-2vcpu-8gb", false)));
        assert_eq!(at_least(OPENSEARCH_NODE_COUNTS, 2), 3);
        assert_eq!(at_least(OPENSEARCH_NODE_COUNTS, 20), 15);
    }

    #[test]
    fn alert_windows() {
        assert_eq!(alert_window(300), ("5m", true));
        assert_eq!(alert_window(120), ("5m", false));
        assert_eq!(alert_window(900), ("30m", false));
        assert_eq!(alert_window(7200), ("1h", false));
    }
}
