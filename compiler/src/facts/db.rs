//! Managed database facts: DigitalOcean database sizes and engine versions, and the tables that
//! map AWS RDS / Aurora / DocumentDB instance classes and ElastiCache node types onto them.
//!
//! Sources: `shared/reference/aws-to-do-mapping-facts.md` §3 (RDS classes → sizes), §4
//! (ElastiCache node types → sizes, eviction policies), §5 (engine versions), and
//! `do-slugs.json` → `database_sizes` / `database_engines` (which size serves which engine).

/// The DigitalOcean database engines Ferry emits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DoEngine {
    Pg,
    Mysql,
    Mongodb,
    Valkey,
}

impl DoEngine {
    /// The `engine` slug of `digitalocean_database_cluster`.
    pub fn slug(self) -> &'static str {
        match self {
            DoEngine::Pg => "pg",
            DoEngine::Mysql => "mysql",
            DoEngine::Mongodb => "mongodb",
            DoEngine::Valkey => "valkey",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DoEngine::Pg => "PostgreSQL",
            DoEngine::Mysql => "MySQL",
            DoEngine::Mongodb => "MongoDB",
            DoEngine::Valkey => "Valkey",
        }
    }

    /// The default (admin) user DigitalOcean creates in every cluster of the engine.
    pub fn admin_user(self) -> &'static str {
        match self {
            DoEngine::Valkey => "default",
            _ => "doadmin",
        }
    }

    /// The typed configuration resource that holds tuned engine parameters (facts §3).
    pub fn config_resource(self) -> &'static str {
        match self {
            DoEngine::Pg => "digitalocean_database_postgresql_config",
            DoEngine::Mysql => "digitalocean_database_mysql_config",
            DoEngine::Mongodb => "digitalocean_database_mongodb_config",
            DoEngine::Valkey => "digitalocean_database_valkey_config",
        }
    }

    /// The database sizes DigitalOcean offers for the engine.
    pub fn sizes(self) -> &'static [DbSize] {
        match self {
            DoEngine::Pg | DoEngine::Mysql => SQL_SIZES,
            DoEngine::Mongodb => MONGODB_SIZES,
            DoEngine::Valkey => CACHE_SIZES,
        }
    }

    /// Node counts the engine's layouts allow (do-slugs.json → database_engines layouts).
    pub fn node_counts(self) -> &'static [u32] {
        match self {
            DoEngine::Mongodb => &[1, 3],
            _ => &[1, 2, 3],
        }
    }
}

/// The CPU/memory class of a size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SizeClass {
    /// Basic, shared vCPU (`db-s-*`); AWS burstable classes.
    Shared,
    /// General Purpose, dedicated vCPU, 4 GiB per vCPU (`gd-*`); AWS `m` classes.
    General,
    /// 8 GiB per vCPU: Storage-Optimized `so1_5-*` for SQL and MongoDB, Memory-Optimized `m-*`
    /// for caching; AWS `r`/`x`/`z` classes.
    Memory,
}

/// One DigitalOcean database size.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DbSize {
    pub slug: &'static str,
    pub vcpus: u32,
    pub memory_gib: u32,
    pub class: SizeClass,
}

const fn sz(slug: &'static str, vcpus: u32, memory_gib: u32, class: SizeClass) -> DbSize {
    DbSize {
        slug,
        vcpus,
        memory_gib,
        class,
    }
}

use SizeClass::{General, Memory, Shared};

/// PostgreSQL and MySQL sizes (facts §3; do-slugs.json sizes whose engines include pg and mysql,
/// without the Basic premium `db-amd-*`/`db-intel-*` variants the facts do not map to).
pub const SQL_SIZES: &[DbSize] = &[
    sz("db-s-1vcpu-1gb", 1, 1, Shared),
    sz("db-s-1vcpu-2gb", 1, 2, Shared),
    sz("db-s-2vcpu-4gb", 2, 4, Shared),
    sz("db-s-4vcpu-8gb", 4, 8, Shared),
    sz("db-s-6vcpu-16gb", 6, 16, Shared),
    sz("gd-2vcpu-8gb", 2, 8, General),
    sz("gd-4vcpu-16gb", 4, 16, General),
    sz("gd-8vcpu-32gb", 8, 32, General),
    sz("gd-16vcpu-64gb", 16, 64, General),
    sz("gd-32vcpu-128gb", 32, 128, General),
    sz("gd-40vcpu-160gb", 40, 160, General),
    sz("so1_5-2vcpu-16gb", 2, 16, Memory),
    sz("so1_5-4vcpu-32gb", 4, 32, Memory),
    sz("so1_5-8vcpu-64gb", 8, 64, Memory),
    sz("so1_5-16vcpu-128gb", 16, 128, Memory),
    sz("so1_5-24vcpu-192gb", 24, 192, Memory),
    sz("so1_5-32vcpu-256gb", 32, 256, Memory),
];

/// MongoDB sizes (do-slugs.json sizes whose engines include mongodb).
pub const MONGODB_SIZES: &[DbSize] = &[
    sz("db-s-1vcpu-1gb", 1, 1, Shared),
    sz("db-s-1vcpu-2gb", 1, 2, Shared),
    sz("db-s-2vcpu-4gb", 2, 4, Shared),
    sz("db-s-4vcpu-8gb", 4, 8, Shared),
    sz("db-s-6vcpu-16gb", 6, 16, Shared),
    sz("db-s-8vcpu-32gb", 8, 32, Shared),
    sz("db-s-16vcpu-64gb", 16, 64, Shared),
    sz("gd-2vcpu-8gb", 2, 8, General),
    sz("gd-4vcpu-16gb", 4, 16, General),
    sz("gd-8vcpu-32gb", 8, 32, General),
    sz("gd-16vcpu-64gb", 16, 64, General),
    sz("gd-32vcpu-128gb", 32, 128, General),
    sz("gd-40vcpu-160gb", 40, 160, General),
    sz("so1_5-2vcpu-16gb", 2, 16, Memory),
    sz("so1_5-4vcpu-32gb", 4, 32, Memory),
    sz("so1_5-8vcpu-64gb", 8, 64, Memory),
    sz("so1_5-16vcpu-128gb", 16, 128, Memory),
    sz("so1_5-24vcpu-192gb", 24, 192, Memory),
    sz("so1_5-32vcpu-256gb", 32, 256, Memory),
];

/// Valkey (caching) sizes (facts §4; do-slugs.json sizes whose engines include valkey).
pub const CACHE_SIZES: &[DbSize] = &[
    sz("db-s-1vcpu-1gb", 1, 1, Shared),
    sz("db-s-1vcpu-2gb", 1, 2, Shared),
    sz("db-s-2vcpu-4gb", 2, 4, Shared),
    sz("db-s-4vcpu-8gb", 4, 8, Shared),
    sz("db-s-6vcpu-16gb", 6, 16, Shared),
    sz("db-s-8vcpu-32gb", 8, 32, Shared),
    sz("db-s-16vcpu-64gb", 16, 64, Shared),
    sz("m-2vcpu-16gb", 2, 16, Memory),
    sz("m-4vcpu-32gb", 4, 32, Memory),
    sz("m-8vcpu-64gb", 8, 64, Memory),
    sz("m-16vcpu-128gb", 16, 128, Memory),
    sz("m-24vcpu-192gb", 24, 192, Memory),
    sz("m-32vcpu-256gb", 32, 256, Memory),
];

/// The size allowed only for single-node clusters (facts §3, §4), and what Ferry uses instead
/// when the cluster has standby nodes.
pub const SINGLE_NODE_ONLY: &str = "db-s-1vcpu-1gb";
pub const SINGLE_NODE_BUMP: &str = "db-s-1vcpu-2gb";

/// The size Ferry uses when the instance class is not known at compile time.
pub const DEFAULT_SIZE: &str = "db-s-1vcpu-2gb";

/// The vCPU / memory shape of an AWS instance class or cache node type.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shape {
    pub vcpus: f64,
    /// GiB; for cache nodes the usable cache memory.
    pub memory_gib: f64,
    pub class: SizeClass,
}

/// How a class was mapped to a size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SizeChoice {
    pub size: &'static DbSize,
    /// The class is in the facts table (a documented mapping, not a nearest match).
    pub documented: bool,
    /// The size has less memory (or, for SQL, fewer vCPU) than the class: flag it.
    pub smaller: bool,
    /// The AWS shape, when known.
    pub shape: Option<Shape>,
}

/// A class name split into family and size: `db.m5.large` → (`m5`, `large`), `cache.t3.micro`
/// → (`t3`, `micro`).
fn split_class<'a>(class: &'a str, prefix: &str) -> Option<(&'a str, &'a str)> {
    let rest = class.strip_prefix(prefix)?;
    let mut parts = rest.split('.');
    let family = parts.next()?;
    let size = parts.next()?;
    if parts.next().is_some() || family.is_empty() {
        return None;
    }
    Some((family, size))
}

/// The class letter of a family (`m6g` → 'm', `r5b` → 'r'); `None` for malformed families.
fn family_kind(family: &str) -> Option<char> {
    let mut chars = family.chars();
    let letter = chars.next()?;
    let rest: String = chars.collect();
    rest.chars()
        .next()
        .filter(|c| c.is_ascii_digit())
        .map(|_| letter)
}

/// vCPUs of a non-burstable size name (`large` = 2, `xlarge` = 4, `Nxlarge` = 4N).
fn size_vcpus(size: &str) -> Option<f64> {
    match size {
        "medium" => Some(1.0),
        "large" => Some(2.0),
        "xlarge" => Some(4.0),
        _ => {
            let n: f64 = size.strip_suffix("xlarge")?.parse().ok()?;
            (n > 0.0).then_some(n * 4.0)
        }
    }
}

/// The shape of an RDS / Aurora / DocumentDB instance class ("RDS classes have the same vCPU/RAM
/// as the EC2 type of the same name", facts §3).
pub fn rds_class_shape(class: &str) -> Option<Shape> {
    let (family, size) = split_class(class, "db.")?;
    let kind = family_kind(family)?;
    if kind == 't' {
        let (vcpus, memory_gib) = match size {
            "micro" => (2.0, 1.0),
            "small" => (2.0, 2.0),
            "medium" => (2.0, 4.0),
            "large" => (2.0, 8.0),
            "xlarge" => (4.0, 16.0),
            "2xlarge" => (8.0, 32.0),
            _ => return None,
        };
        return Some(Shape {
            vcpus,
            memory_gib,
            class: Shared,
        });
    }
    let vcpus = size_vcpus(size)?;
    let (per_vcpu, class) = match kind {
        'm' => (4.0, General),
        'c' => (2.0, General),
        'r' | 'z' => (8.0, Memory),
        'x' => (16.0, Memory),
        _ => return None,
    };
    Some(Shape {
        vcpus,
        memory_gib: vcpus * per_vcpu,
        class,
    })
}

/// The facts §3 table: RDS / Aurora class → DigitalOcean size for PostgreSQL and MySQL. Graviton
/// and newer generations map by shape (`db.m6g.large` like `db.m5.large`). The flag marks rows
/// the facts call "smaller, flag".
pub fn rds_class_table(class: &str) -> Option<(&'static str, bool)> {
    let (family, size) = split_class(class, "db.")?;
    let kind = family_kind(family)?;
    Some(match (kind, size) {
        ('t', "micro") => ("db-s-1vcpu-1gb", false),
        ('t', "small") => ("db-s-1vcpu-2gb", false),
        ('t', "medium") => ("db-s-2vcpu-4gb", false),
        ('t', "large") => ("db-s-4vcpu-8gb", false),
        ('t', "xlarge") => ("db-s-6vcpu-16gb", false),
        ('t', "2xlarge") => ("gd-8vcpu-32gb", false),
        ('m', "large") => ("gd-2vcpu-8gb", false),
        ('m', "xlarge") => ("gd-4vcpu-16gb", false),
        ('m', "2xlarge") => ("gd-8vcpu-32gb", false),
        ('m', "4xlarge") => ("gd-16vcpu-64gb", false),
        ('m', "8xlarge") => ("gd-32vcpu-128gb", false),
        ('m', "12xlarge") => ("gd-40vcpu-160gb", true),
        ('r', "large") => ("so1_5-2vcpu-16gb", false),
        ('r', "xlarge") => ("so1_5-4vcpu-32gb", false),
        ('r', "2xlarge") => ("so1_5-8vcpu-64gb", false),
        ('r', "4xlarge") => ("so1_5-16vcpu-128gb", false),
        ('r', "8xlarge") => ("so1_5-32vcpu-256gb", false),
        _ => return None,
    })
}

/// The usable cache memory of an ElastiCache node type (facts §4 table; other sizes of the `m`
/// and `r` families by their per-vCPU memory).
pub fn cache_node_shape(node: &str) -> Option<Shape> {
    let (family, size) = split_class(node, "cache.")?;
    let kind = family_kind(family)?;
    if kind == 't' {
        let memory_gib = match size {
            "micro" => 0.5,
            "small" => 1.37,
            "medium" => 3.09,
            _ => return None,
        };
        return Some(Shape {
            vcpus: 2.0,
            memory_gib,
            class: Shared,
        });
    }
    let vcpus = size_vcpus(size)?;
    let documented = match (kind, size) {
        ('m', "large") => Some(6.38),
        ('m', "xlarge") => Some(12.93),
        ('m', "2xlarge") => Some(26.04),
        ('m', "4xlarge") => Some(52.26),
        ('r', "large") => Some(13.07),
        ('r', "xlarge") => Some(26.32),
        ('r', "2xlarge") => Some(52.82),
        ('r', "4xlarge") => Some(105.81),
        ('r', "12xlarge") => Some(317.77),
        _ => None,
    };
    let (per_vcpu, class) = match kind {
        'm' => (3.27, Shared),
        'r' => (6.6, Memory),
        _ => return None,
    };
    Some(Shape {
        vcpus,
        memory_gib: documented.unwrap_or(vcpus * per_vcpu),
        class,
    })
}

/// The facts §4 table: ElastiCache node type → DigitalOcean caching size.
pub fn cache_node_table(node: &str) -> Option<&'static str> {
    let (family, size) = split_class(node, "cache.")?;
    let kind = family_kind(family)?;
    Some(match (kind, size) {
        ('t', "micro") => "db-s-1vcpu-1gb",
        ('t', "small") => "db-s-1vcpu-2gb",
        ('t', "medium") => "db-s-2vcpu-4gb",
        ('m', "large") => "db-s-4vcpu-8gb",
        ('m', "xlarge") => "db-s-6vcpu-16gb",
        ('m', "2xlarge") => "db-s-8vcpu-32gb",
        ('m', "4xlarge") => "db-s-16vcpu-64gb",
        ('r', "large") => "m-2vcpu-16gb",
        ('r', "xlarge") => "m-4vcpu-32gb",
        ('r', "2xlarge") => "m-8vcpu-64gb",
        ('r', "4xlarge") => "m-16vcpu-128gb",
        _ => return None,
    })
}

/// A size of the engine by slug.
pub fn size(engine: DoEngine, slug: &str) -> Option<&'static DbSize> {
    engine.sizes().iter().find(|s| s.slug == slug)
}

/// The nearest size of the engine for a shape: the smallest size of the same class with at
/// least the shape's memory (and vCPUs unless `memory_only`), else the smallest of any class,
/// else the largest of the class (then `smaller` is set).
pub fn nearest(engine: DoEngine, shape: Shape, memory_only: bool) -> SizeChoice {
    let sizes = engine.sizes();
    let fits = |s: &&DbSize| {
        f64::from(s.memory_gib) + 1e-9 >= shape.memory_gib
            && (memory_only || f64::from(s.vcpus) + 1e-9 >= shape.vcpus)
    };
    let smallest =
        |it: &mut dyn Iterator<Item = &'static DbSize>| it.min_by_key(|s| (s.memory_gib, s.vcpus));
    let in_class = smallest(&mut sizes.iter().filter(|s| s.class == shape.class).filter(fits));
    let any = || smallest(&mut sizes.iter().filter(fits));
    match in_class.or_else(any) {
        Some(size) => SizeChoice {
            size,
            documented: false,
            smaller: false,
            shape: Some(shape),
        },
        None => {
            let largest = sizes
                .iter()
                .filter(|s| s.class == shape.class)
                .max_by_key(|s| (s.memory_gib, s.vcpus))
                .or_else(|| sizes.iter().max_by_key(|s| (s.memory_gib, s.vcpus)));
            SizeChoice {
                size: largest.unwrap_or(&sizes[sizes.len() - 1]),
                documented: false,
                smaller: true,
                shape: Some(shape),
            }
        }
    }
}

/// RDS / Aurora / DocumentDB instance class → size for the engine: the facts table when the class
/// is in it (and the engine offers that size), otherwise the nearest by vCPU and memory.
/// `None` when the class is not an instance class Ferry can read.
pub fn map_rds_class(engine: DoEngine, class: &str) -> Option<SizeChoice> {
    let shape = rds_class_shape(class);
    if let Some((slug, smaller)) = rds_class_table(class)
        && let Some(size) = size(engine, slug)
    {
        return Some(SizeChoice {
            size,
            documented: true,
            smaller,
            shape,
        });
    }
    shape.map(|s| nearest(engine, s, false))
}

/// ElastiCache node type → caching size: the facts §4 table, otherwise the nearest by memory.
pub fn map_cache_node(node: &str) -> Option<SizeChoice> {
    let shape = cache_node_shape(node);
    if let Some(slug) = cache_node_table(node)
        && let Some(size) = size(DoEngine::Valkey, slug)
    {
        return Some(SizeChoice {
            size,
            documented: true,
            smaller: false,
            shape,
        });
    }
    shape.map(|s| nearest(DoEngine::Valkey, s, true))
}

/// GiB of memory per Aurora Capacity Unit (facts §3: "1 ACU ≈ 2 GiB").
pub const GIB_PER_ACU: f64 = 2.0;

/// The fixed size for an Aurora Serverless cluster: memory of its maximum capacity (facts §3);
/// shared CPU up to 4 GiB, dedicated General Purpose above.
pub fn serverless_size(engine: DoEngine, max_acu: f64) -> SizeChoice {
    let memory_gib = (max_acu * GIB_PER_ACU).max(1.0);
    let class = if memory_gib <= 4.0 { Shared } else { General };
    nearest(
        engine,
        Shape {
            vcpus: 0.0,
            memory_gib,
            class,
        },
        true,
    )
}

// ---- versions (facts §5) -------------------------------------------------------------------

/// PostgreSQL major versions DigitalOcean lists: (version, end of availability, end of life),
/// from `do-slugs.json` → `database_engines.pg.version_availability` (facts §5). After its end
/// of availability DigitalOcean creates no new cluster of a version (`digitalocean-openapi.yaml`,
/// `database_version_availability`); [`pg_version`] moves past those, as of
/// [`super::FACTS_DATE`].
pub const PG_VERSIONS: &[(&str, &str, &str)] = &[
    ("13", "2025-05-13", "2025-11-13"),
    ("14", "2026-05-12", "2026-11-12"),
    ("15", "2027-05-12", "2027-11-11"),
    ("16", "2028-05-09", "2028-11-09"),
    ("17", "2029-05-08", "2029-11-08"),
];

/// The PostgreSQL versions DigitalOcean still creates clusters of at [`super::FACTS_DATE`].
pub fn pg_available() -> impl Iterator<Item = &'static str> {
    PG_VERSIONS
        .iter()
        .filter(|(_, available_until, _)| *available_until >= super::FACTS_DATE)
        .map(|(v, _, _)| *v)
}
pub const PG_DEFAULT: &str = "17";
pub const MYSQL_VERSION: &str = "8";
/// DocumentDB maps to MongoDB 7.0 (facts §5; 7.0 EOL 2026-08-01).
pub const MONGODB_VERSION: &str = "7.0";
pub const VALKEY_VERSION: &str = "8";

/// A DigitalOcean version for an AWS engine version, and why it differs when the author must
/// review it (for a `NearestMatch` warning).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VersionChoice {
    pub version: &'static str,
    pub change: Option<String>,
}

fn leading_number(s: &str) -> Option<u32> {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    digits.parse().ok()
}

/// `engine_version` of RDS / Aurora PostgreSQL → DigitalOcean `pg` version.
pub fn pg_version(aws: Option<&str>) -> VersionChoice {
    let Some(aws) = aws.map(str::trim).filter(|v| !v.is_empty()) else {
        return VersionChoice {
            version: PG_DEFAULT,
            change: None,
        };
    };
    let Some(major) = leading_number(aws) else {
        return VersionChoice {
            version: PG_DEFAULT,
            change: Some(format!(
                "`{aws}` is not a PostgreSQL version Ferry can read; using {PG_DEFAULT}, DigitalOcean's default"
            )),
        };
    };
    let oldest = pg_available().next().unwrap_or(PG_DEFAULT);
    if let Some((v, available_until, eol)) =
        PG_VERSIONS.iter().find(|(v, _, _)| *v == major.to_string())
    {
        if *available_until < super::FACTS_DATE {
            return VersionChoice {
                version: oldest,
                change: Some(format!(
                    "DigitalOcean no longer creates PostgreSQL {v} clusters (end of availability {available_until}, end of life {eol}): major upgrade of {aws} to {oldest}, the oldest version still offered"
                )),
            };
        }
        return VersionChoice {
            version: v,
            change: None,
        };
    }
    let (lowest, _, _) = PG_VERSIONS[0];
    let (highest, _, _) = PG_VERSIONS[PG_VERSIONS.len() - 1];
    if lowest.parse::<u32>().is_ok_and(|l| major < l) {
        VersionChoice {
            version: oldest,
            change: Some(format!(
                "PostgreSQL {aws} is older than any version DigitalOcean offers: major upgrade to {oldest}, the oldest still offered"
            )),
        }
    } else {
        VersionChoice {
            version: highest,
            change: Some(format!(
                "PostgreSQL {aws} is newer than any version DigitalOcean offers: using {highest}"
            )),
        }
    }
}

/// A MySQL version (`8.0.35`, `5.7.44`, `8.4.3`) → DigitalOcean `mysql` "8".
pub fn mysql_version(aws: Option<&str>) -> VersionChoice {
    let Some(aws) = aws.map(str::trim).filter(|v| !v.is_empty()) else {
        return VersionChoice {
            version: MYSQL_VERSION,
            change: None,
        };
    };
    let mut parts = aws.split('.');
    let major = parts.next().and_then(leading_number);
    let minor = parts.next().and_then(leading_number);
    let change = match (major, minor) {
        (Some(8), Some(0) | None) => None,
        (Some(8), Some(_)) => Some(format!(
            "MySQL {aws} → 8 (the 8.0 line): DigitalOcean offers newer 8.x lines only as the API engine `advanced_mysql`"
        )),
        (Some(m), _) if m < 8 => Some(format!(
            "MySQL {aws} is older than any version DigitalOcean offers: major upgrade to 8"
        )),
        (Some(_), _) => Some(format!(
            "MySQL {aws} is newer than any version DigitalOcean offers: using 8"
        )),
        (None, _) => Some(format!(
            "`{aws}` is not a MySQL version Ferry can read; using 8"
        )),
    };
    VersionChoice {
        version: MYSQL_VERSION,
        change,
    }
}

/// Aurora MySQL `engine_version` → the MySQL version it is compatible with: `8.0.mysql_aurora.3.05.2`
/// → `8.0`, `5.7.mysql_aurora.2.11.2` → `5.7`, `5.6.10a` (Aurora v1) → `5.6`.
pub fn aurora_mysql_compat(aws: &str) -> String {
    match aws.split_once(".mysql_aurora.") {
        Some((mysql, _)) => mysql.to_string(),
        None => aws.split('.').take(2).collect::<Vec<_>>().join("."),
    }
}

/// ElastiCache `maxmemory-policy` → DigitalOcean `eviction_policy` (facts §4); the flag is false
/// when the policy has no exact counterpart (LFU policies become their LRU siblings).
pub fn eviction_policy(aws: &str) -> Option<(&'static str, bool)> {
    Some(match aws.trim() {
        "noeviction" => ("noeviction", true),
        "allkeys-lru" => ("allkeys_lru", true),
        "allkeys-random" => ("allkeys_random", true),
        "volatile-lru" => ("volatile_lru", true),
        "volatile-random" => ("volatile_random", true),
        "volatile-ttl" => ("volatile_ttl", true),
        "allkeys-lfu" => ("allkeys_lru", false),
        "volatile-lfu" => ("volatile_lru", false),
        _ => return None,
    })
}

/// ElastiCache's default `maxmemory-policy` for Redis OSS / Valkey parameter groups; DigitalOcean
/// clusters default to `noeviction`, so Ferry sets it explicitly.
pub const ELASTICACHE_DEFAULT_EVICTION: &str = "volatile-lru";

#[cfg(test)]
mod tests {
    use super::*;

    fn rds(engine: DoEngine, class: &str) -> &'static str {
        map_rds_class(engine, class)
            .map(|c| c.size.slug)
            .unwrap_or("none")
    }

    #[test]
    fn rds_table_matches_facts_section_3() {
        let rows = [
            ("db.t3.micro", "db-s-1vcpu-1gb"),
            ("db.t4g.micro", "db-s-1vcpu-1gb"),
            ("db.t3.small", "db-s-1vcpu-2gb"),
            ("db.t4g.medium", "db-s-2vcpu-4gb"),
            ("db.t3.large", "db-s-4vcpu-8gb"),
            ("db.t3.xlarge", "db-s-6vcpu-16gb"),
            ("db.t3.2xlarge", "gd-8vcpu-32gb"),
            ("db.m5.large", "gd-2vcpu-8gb"),
            ("db.m6g.large", "gd-2vcpu-8gb"),
            ("db.m6i.large", "gd-2vcpu-8gb"),
            ("db.m5.xlarge", "gd-4vcpu-16gb"),
            ("db.m5.2xlarge", "gd-8vcpu-32gb"),
            ("db.m5.4xlarge", "gd-16vcpu-64gb"),
            ("db.m5.8xlarge", "gd-32vcpu-128gb"),
            ("db.m5.12xlarge", "gd-40vcpu-160gb"),
            ("db.r5.large", "so1_5-2vcpu-16gb"),
            ("db.r6g.large", "so1_5-2vcpu-16gb"),
            ("db.r5.xlarge", "so1_5-4vcpu-32gb"),
            ("db.r5.2xlarge", "so1_5-8vcpu-64gb"),
            ("db.r5.4xlarge", "so1_5-16vcpu-128gb"),
            ("db.r5.8xlarge", "so1_5-32vcpu-256gb"),
        ];
        for (class, slug) in rows {
            assert_eq!(rds(DoEngine::Pg, class), slug, "{class}");
            assert_eq!(rds(DoEngine::Mysql, class), slug, "{class}");
            let c = map_rds_class(DoEngine::Pg, class).expect("known");
            assert!(c.documented, "{class}");
        }
        assert!(map_rds_class(DoEngine::Pg, "db.m5.12xlarge").is_some_and(|c| c.smaller));
        assert!(!map_rds_class(DoEngine::Pg, "db.m5.large").is_some_and(|c| c.smaller));
    }

    #[test]
    fn every_table_slug_is_offered_for_its_engines() {
        for class in [
            "db.t3.micro",
            "db.t3.xlarge",
            "db.t3.2xlarge",
            "db.m5.12xlarge",
            "db.r5.8xlarge",
        ] {
            let (slug, _) = rds_class_table(class).expect("in table");
            assert!(size(DoEngine::Pg, slug).is_some(), "{slug}");
            assert!(size(DoEngine::Mongodb, slug).is_some(), "{slug}");
        }
        for node in [
            "cache.t3.micro",
            "cache.m5.4xlarge",
            "cache.r5.4xlarge",
            "cache.t4g.small",
        ] {
            let slug = cache_node_table(node).expect("in table");
            assert!(size(DoEngine::Valkey, slug).is_some(), "{slug}");
        }
    }

    #[test]
    fn unknown_rds_classes_map_to_the_nearest_size() {
        // x2g: 16 GiB per vCPU, memory class.
        let c = map_rds_class(DoEngine::Pg, "db.x2g.large").expect("parsed");
        assert_eq!(c.size.slug, "so1_5-4vcpu-32gb");
        assert!(!c.documented && !c.smaller);
        // Bigger than anything DigitalOcean offers: the largest of the class, flagged.
        let c = map_rds_class(DoEngine::Pg, "db.r5.24xlarge").expect("parsed");
        assert_eq!(c.size.slug, "so1_5-32vcpu-256gb");
        assert!(c.smaller);
        let c = map_rds_class(DoEngine::Mysql, "db.m5.16xlarge").expect("parsed");
        assert_eq!(c.size.slug, "gd-40vcpu-160gb");
        assert!(c.smaller);
        // MongoDB offers larger shared sizes than PostgreSQL.
        assert_eq!(rds(DoEngine::Mongodb, "db.t3.micro"), "db-s-1vcpu-1gb");
        assert_eq!(rds(DoEngine::Pg, "db.serverless"), "none");
        assert_eq!(rds(DoEngine::Pg, "db.foo"), "none");
        assert_eq!(rds(DoEngine::Pg, "m5.large"), "none");
        assert_eq!(rds(DoEngine::Pg, "db.q9.large"), "none");
    }

    #[test]
    fn cache_table_matches_facts_section_4_and_nearest_agrees() {
        let rows = [
            ("cache.t3.micro", "db-s-1vcpu-1gb"),
            ("cache.t4g.micro", "db-s-1vcpu-1gb"),
            ("cache.t3.small", "db-s-1vcpu-2gb"),
            ("cache.t3.medium", "db-s-2vcpu-4gb"),
            ("cache.m5.large", "db-s-4vcpu-8gb"),
            ("cache.m6g.large", "db-s-4vcpu-8gb"),
            ("cache.m5.xlarge", "db-s-6vcpu-16gb"),
            ("cache.m5.2xlarge", "db-s-8vcpu-32gb"),
            ("cache.m5.4xlarge", "db-s-16vcpu-64gb"),
            ("cache.r5.large", "m-2vcpu-16gb"),
            ("cache.r6g.large", "m-2vcpu-16gb"),
            ("cache.r5.xlarge", "m-4vcpu-32gb"),
            ("cache.r5.2xlarge", "m-8vcpu-64gb"),
            ("cache.r5.4xlarge", "m-16vcpu-128gb"),
        ];
        for (node, slug) in rows {
            let c = map_cache_node(node).expect("known");
            assert_eq!(c.size.slug, slug, "{node}");
            assert!(c.documented);
            // The memory figures of the table pick the same size by the nearest rule.
            let shape = cache_node_shape(node).expect("shape");
            assert_eq!(
                nearest(DoEngine::Valkey, shape, true).size.slug,
                slug,
                "{node}"
            );
        }
        let c = map_cache_node("cache.r5.12xlarge").expect("parsed");
        assert_eq!(c.size.slug, "m-32vcpu-256gb");
        assert!(c.smaller);
        let c = map_cache_node("cache.r6g.8xlarge").expect("parsed");
        assert_eq!(c.size.slug, "m-32vcpu-256gb");
        assert!(!c.smaller);
        assert!(map_cache_node("cache.t1.micro").is_some());
        assert!(map_cache_node("redis.large").is_none());
    }

    #[test]
    fn serverless_sizes_follow_max_capacity() {
        assert_eq!(
            serverless_size(DoEngine::Pg, 16.0).size.slug,
            "gd-8vcpu-32gb"
        );
        assert_eq!(
            serverless_size(DoEngine::Mysql, 8.0).size.slug,
            "gd-4vcpu-16gb"
        );
        assert_eq!(
            serverless_size(DoEngine::Pg, 1.0).size.slug,
            "db-s-1vcpu-2gb"
        );
        assert_eq!(
            serverless_size(DoEngine::Pg, 0.5).size.slug,
            "db-s-1vcpu-1gb"
        );
        let huge = serverless_size(DoEngine::Pg, 256.0);
        assert_eq!(huge.size.slug, "gd-40vcpu-160gb");
        assert!(huge.smaller);
    }

    #[test]
    fn postgres_versions() {
        assert_eq!(pg_version(Some("16.3")).version, "16");
        assert_eq!(pg_version(Some("16.3")).change, None);
        assert_eq!(pg_version(Some("15.7")).version, "15");
        assert_eq!(pg_version(Some("15.7")).change, None);
        assert_eq!(pg_version(Some("17")).version, "17");
        assert_eq!(pg_version(None).version, "17");
        // 13 and 14 are listed but past their end of availability at the facts date.
        for retired in ["13.14", "14.12"] {
            let c = pg_version(Some(retired));
            assert_eq!(c.version, "15", "{retired}");
            assert!(c.change.is_some_and(|c| c.contains("no longer creates")));
        }
        let old = pg_version(Some("11.22"));
        assert_eq!(old.version, "15");
        assert!(old.change.is_some_and(|c| c.contains("major upgrade")));
        assert_eq!(pg_version(Some("9.6.24")).version, "15");
        let new = pg_version(Some("18.1"));
        assert_eq!(new.version, "17");
        assert!(new.change.is_some());
        assert!(pg_version(Some("latest")).change.is_some());
    }

    #[test]
    fn mysql_versions() {
        assert_eq!(
            mysql_version(Some("8.0.35")),
            VersionChoice {
                version: "8",
                change: None
            }
        );
        assert_eq!(mysql_version(Some("8.0")).change, None);
        assert_eq!(mysql_version(None).change, None);
        assert!(
            mysql_version(Some("5.7.44"))
                .change
                .is_some_and(|c| c.contains("major upgrade"))
        );
        assert!(mysql_version(Some("8.4.3")).change.is_some());
        assert!(mysql_version(Some("9.1.0")).change.is_some());
        assert_eq!(aurora_mysql_compat("8.0.mysql_aurora.3.05.2"), "8.0");
        assert_eq!(aurora_mysql_compat("5.7.mysql_aurora.2.11.2"), "5.7");
        assert_eq!(aurora_mysql_compat("5.6.10a"), "5.6");
        assert!(
            mysql_version(Some(&aurora_mysql_compat("5.7.mysql_aurora.2.11.2")))
                .change
                .is_some()
        );
        assert_eq!(
            mysql_version(Some(&aurora_mysql_compat("8.0.mysql_aurora.3.05.2"))).change,
            None
        );
    }

    #[test]
    fn eviction_policies() {
        assert_eq!(eviction_policy("allkeys-lru"), Some(("allkeys_lru", true)));
        assert_eq!(eviction_policy("noeviction"), Some(("noeviction", true)));
        assert_eq!(
            eviction_policy("volatile-lfu"),
            Some(("volatile_lru", false))
        );
        assert_eq!(eviction_policy("bogus"), None);
        assert!(eviction_policy(ELASTICACHE_DEFAULT_EVICTION).is_some_and(|(_, exact)| exact));
    }

    #[test]
    fn node_counts_and_single_node_size() {
        assert_eq!(DoEngine::Mongodb.node_counts(), &[1, 3]);
        assert!(size(DoEngine::Pg, SINGLE_NODE_ONLY).is_some());
        assert!(size(DoEngine::Valkey, SINGLE_NODE_BUMP).is_some());
        assert!(size(DoEngine::Pg, DEFAULT_SIZE).is_some());
    }
}
