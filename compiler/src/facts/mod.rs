//! Facts about DigitalOcean used by the rules (from `shared/reference/aws-to-do-mapping-facts.md`
//! and `do-slugs.json`): regions, sizes, versions.

pub mod db;
pub mod db_params;
pub mod droplet;
pub mod functions;
pub mod lb_dns;
pub mod workload;

/// AWS region → nearest DigitalOcean region offering Spaces, DOKS and Managed Databases
/// (mapping facts §1).
pub fn do_region(aws: &str) -> Option<&'static str> {
    Some(match aws {
        "us-east-1" | "us-east-2" | "sa-east-1" => "nyc3",
        "us-west-1" | "us-west-2" => "sfo3",
        "ca-central-1" | "ca-west-1" => "tor1",
        "mx-central-1" => "atl1",
        "eu-west-1" | "eu-west-2" | "af-south-1" => "lon1",
        "eu-west-3" | "eu-central-1" | "eu-central-2" | "eu-south-1" | "eu-south-2"
        | "il-central-1" => "fra1",
        "eu-north-1" => "ams3",
        "me-south-1" | "me-central-1" | "ap-south-1" | "ap-south-2" => "blr1",
        "ap-southeast-1" | "ap-southeast-3" | "ap-southeast-5" | "ap-southeast-7" | "ap-east-1"
        | "ap-northeast-1" | "ap-northeast-2" | "ap-northeast-3" => "sgp1",
        "ap-southeast-2" | "ap-southeast-4" => "syd1",
        _ => return None,
    })
}

/// AWS regions far from any DigitalOcean datacenter (mapping facts §1: "flag as lossy").
pub fn region_is_lossy(aws: &str) -> bool {
    matches!(
        aws,
        "sa-east-1"
            | "ap-northeast-1"
            | "ap-northeast-2"
            | "ap-northeast-3"
            | "me-south-1"
            | "me-central-1"
            | "af-south-1"
            | "mx-central-1"
    )
}

/// DigitalOcean regions with the full product set Ferry emits (Spaces, DOKS, databases).
pub const FULL_REGIONS: &[&str] = &[
    "nyc3", "sfo3", "ams3", "fra1", "lon1", "sgp1", "blr1", "syd1", "tor1",
];

/// Every DigitalOcean region slug (do-slugs.json → regions).
pub const REGIONS: &[&str] = &[
    "nyc1", "nyc2", "nyc3", "sfo1", "sfo2", "sfo3", "ams2", "ams3", "sgp1", "lon1", "fra1", "tor1",
    "blr1", "syd1", "atl1", "ric1",
];

/// The oldest Kubernetes minor version (`1.<minor>`) Ferry takes DOKS to offer. DOKS offers only
/// recent minors and retires each some months after its upstream end of life
/// (mapping facts §2 "EKS → DOKS"; `do-slugs.json` → `kubernetes` holds only dated examples, no
/// current list). Conservatively, a minor counts as retired once its upstream end of life is
/// more than 18 months past at the facts date (2026-11): 1.29 (end of life 2025-02-28) is, 1.30
/// (2025-06-28) not yet. A version below it is mapped to this one; the others are looked up as
/// written when the stack is applied.
pub const DOKS_OLDEST_MINOR: u32 = 30;

/// The date the reference data describes (`shared/reference`, 2026-11): what DigitalOcean
/// offers is judged as of it, e.g. database versions past their end of availability
/// ([`db::pg_available`]). The compiler reads no clock, so that the same origin always compiles
/// to the same stack; this needs updating with the reference data.
pub const FACTS_DATE: &str = "2026-11-01";

/// The default region when the origin names none.
pub const DEFAULT_REGION: &str = "nyc3";

pub mod catalog;
