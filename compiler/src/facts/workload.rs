//! Facts for container workloads: ECS task sizes, DOKS node sizing for Fargate demand, the
//! DigitalOcean Container Registry, and Application Auto Scaling metrics.
//!
//! Sources:
//! * ECS task and container `cpu` are CPU units, 1024 to a vCPU; `memory` / `memoryReservation`
//!   are MiB (AWS ECS developer guide, "Task definition parameters").
//! * Registry tiers: `shared/reference/do-slugs.json` → `container_registry.subscription_tiers`
//!   (starter: 1 repository, 500 MiB, no overage; basic: 5 repositories; professional:
//!   unlimited). Host `registry.digitalocean.com/<registry>/<repository>`:
//!   `aws-to-do-mapping-facts.md` §2 ("ECR → DOCR").
//! * Node sizes: `facts::droplet::SIZES` (from `do-slugs.json` → `droplet_sizes`).
//! * The per-node system reservation and the headroom below are Ferry's sizing heuristic (no
//!   DigitalOcean figure): kubelet, Cilium, CoreDNS, the CSI driver and the metrics agent run on
//!   every DOKS node, and rolling updates start new pods before old ones stop.

/// CPU units per vCPU in ECS task definitions.
pub const ECS_CPU_UNITS_PER_VCPU: f64 = 1024.0;

/// The registry host of DigitalOcean Container Registry.
pub const REGISTRY_HOST: &str = "registry.digitalocean.com";

/// Millicores and MiB each DOKS node keeps for the system (heuristic, see the module doc).
pub const NODE_SYSTEM_MILLICORES: u64 = 400;
pub const NODE_SYSTEM_MIB: u64 = 1024;

/// Demand is multiplied by this before choosing nodes (rolling updates, uneven packing).
pub const HEADROOM: f64 = 1.25;

/// Fewest nodes of a pool Ferry sizes: two, so that one node can be replaced (upgrades) while
/// the workloads keep running, as Fargate spreads tasks over availability zones.
pub const MIN_NODES: u64 = 2;

/// Most nodes Ferry puts in a pool before it moves to a larger size.
pub const MAX_NODES_PER_SIZE: u64 = 6;

/// Node sizes Ferry chooses from for workloads, smallest first (Basic up to 16 GiB, then
/// General Purpose).
pub const NODE_SIZES: &[&str] = &[
    "s-2vcpu-4gb",
    "s-4vcpu-8gb",
    "s-8vcpu-16gb",
    "g-8vcpu-32gb",
    "g-16vcpu-64gb",
    "g-32vcpu-128gb",
];

/// What the workloads of one cluster ask for.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Demand {
    /// Sum over replicas of the pods' CPU, in millicores.
    pub millicores: u64,
    /// Sum over replicas of the pods' memory, in MiB.
    pub mib: u64,
    /// The largest single pod (it must fit on one node).
    pub pod_millicores: u64,
    pub pod_mib: u64,
}

/// A node pool: size and node count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pool {
    pub size: &'static str,
    pub nodes: u64,
}

/// Allocatable millicores and MiB of a node size (after the system reservation).
pub fn allocatable(slug: &str) -> Option<(u64, u64)> {
    let s = super::droplet::find(slug)?;
    Some((
        (s.vcpus as u64 * 1000).saturating_sub(NODE_SYSTEM_MILLICORES),
        (s.memory_mib as u64).saturating_sub(NODE_SYSTEM_MIB),
    ))
}

/// The smallest node size (of [`NODE_SIZES`]) on which the largest pod fits and the demand,
/// with [`HEADROOM`], needs at most [`MAX_NODES_PER_SIZE`] nodes; at least [`MIN_NODES`].
/// Falls back to the largest size with as many nodes as it takes.
pub fn pool_for(d: Demand) -> Pool {
    let need_cpu = (d.millicores as f64 * HEADROOM).ceil() as u64;
    let need_mib = (d.mib as f64 * HEADROOM).ceil() as u64;
    let nodes_on = |slug: &str| -> Option<u64> {
        let (cpu, mib) = allocatable(slug)?;
        if cpu == 0 || mib == 0 || d.pod_millicores > cpu || d.pod_mib > mib {
            return None;
        }
        Some(
            need_cpu
                .div_ceil(cpu)
                .max(need_mib.div_ceil(mib))
                .max(MIN_NODES),
        )
    };
    for slug in NODE_SIZES {
        if let Some(n) = nodes_on(slug).filter(|n| *n <= MAX_NODES_PER_SIZE) {
            return Pool {
                size: slug,
                nodes: n,
            };
        }
    }
    let last = NODE_SIZES[NODE_SIZES.len() - 1];
    let nodes = nodes_on(last).unwrap_or(MIN_NODES);
    Pool { size: last, nodes }
}

/// The registry tier for a number of repositories (basic up to five, professional beyond;
/// starter has no storage overage and 500 MiB, too little for application images).
pub fn registry_tier(repositories: usize) -> &'static str {
    if repositories <= 5 {
        "basic"
    } else {
        "professional"
    }
}

/// ECS CPU units → Kubernetes CPU quantity (`256` → `250m`, `1024` → `1`).
pub fn cpu_quantity(units: f64) -> String {
    let milli = (units * 1000.0 / ECS_CPU_UNITS_PER_VCPU).round().max(1.0) as u64;
    if milli.is_multiple_of(1000) {
        format!("{}", milli / 1000)
    } else {
        format!("{milli}m")
    }
}

/// ECS CPU units → millicores.
pub fn millicores(units: f64) -> u64 {
    (units * 1000.0 / ECS_CPU_UNITS_PER_VCPU).round().max(0.0) as u64
}

/// MiB → Kubernetes memory quantity (`512` → `512Mi`, `2048` → `2Gi`).
pub fn memory_quantity(mib: f64) -> String {
    let mib = mib.round().max(1.0) as u64;
    if mib.is_multiple_of(1024) {
        format!("{}Gi", mib / 1024)
    } else {
        format!("{mib}Mi")
    }
}

/// Application Auto Scaling predefined metric → the Kubernetes resource an HPA scales on.
pub fn hpa_resource(predefined_metric: &str) -> Option<&'static str> {
    match predefined_metric {
        "ECSServiceAverageCPUUtilization" => Some("cpu"),
        "ECSServiceAverageMemoryUtilization" => Some("memory"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantities() {
        assert_eq!(cpu_quantity(256.0), "250m");
        assert_eq!(cpu_quantity(512.0), "500m");
        assert_eq!(cpu_quantity(1024.0), "1");
        assert_eq!(cpu_quantity(4096.0), "4");
        assert_eq!(cpu_quantity(0.0), "1m");
        assert_eq!(memory_quantity(512.0), "512Mi");
        assert_eq!(memory_quantity(2048.0), "2Gi");
        assert_eq!(millicores(256.0), 250);
    }

    #[test]
    fn pools_fit_the_largest_pod_and_the_demand() {
        // Two small services: two of the smallest nodes.
        let p = pool_for(Demand {
            millicores: 1000,
            mib: 2048,
            pod_millicores: 250,
            pod_mib: 512,
        });
        assert_eq!(
            p,
            Pool {
                size: "s-2vcpu-4gb",
                nodes: 2
            }
        );
        // A pod larger than a small node moves to a larger size.
        let p = pool_for(Demand {
            millicores: 4000,
            mib: 8192,
            pod_millicores: 2000,
            pod_mib: 4096,
        });
        assert_eq!(p.size, "s-4vcpu-8gb");
        assert!(p.nodes >= 2);
        // Heavy demand: more nodes, then larger sizes.
        let p = pool_for(Demand {
            millicores: 40_000,
            mib: 81_920,
            pod_millicores: 1000,
            pod_mib: 2048,
        });
        assert!(p.nodes <= MAX_NODES_PER_SIZE);
        let (cpu, mib) = allocatable(p.size).expect("known size");
        assert!(cpu * p.nodes >= 50_000 && mib * p.nodes >= 102_400);
        // Nothing fits: the largest size.
        let p = pool_for(Demand {
            millicores: 1_000_000,
            mib: 1,
            pod_millicores: 1,
            pod_mib: 1,
        });
        assert_eq!(p.size, "g-32vcpu-128gb");
    }

    #[test]
    fn tiers_and_metrics() {
        assert_eq!(registry_tier(1), "basic");
        assert_eq!(registry_tier(6), "professional");
        assert_eq!(hpa_resource("ECSServiceAverageCPUUtilization"), Some("cpu"));
        assert_eq!(hpa_resource("ALBRequestCountPerTarget"), None);
    }
}
