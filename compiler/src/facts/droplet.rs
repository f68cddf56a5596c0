//! Droplet sizes and the EC2 / EKS instance types they stand for.
//!
//! Sources: `shared/reference/do-slugs.json` → `droplet_sizes` (slugs with vCPU and memory) and
//! `shared/reference/aws-to-do-mapping-facts.md` §2 (AWS instance shapes, the class each maps to,
//! and the burstable table). Image slugs: `do-slugs.json` → `droplet_images_examples`.

/// The CPU class of a droplet size (slug prefix).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `s-`: Basic, shared vCPU.
    Basic,
    /// `g-`: General Purpose, dedicated, 4 GiB per vCPU.
    General,
    /// `c-`: CPU-Optimized, dedicated, 2 GiB per vCPU.
    Cpu,
    /// `m-`: Memory-Optimized, dedicated, 8 GiB per vCPU.
    Memory,
}

impl Family {
    pub fn describe(self) -> &'static str {
        match self {
            Family::Basic => "Basic (shared CPU)",
            Family::General => "General Purpose (dedicated CPU)",
            Family::Cpu => "CPU-Optimized (dedicated CPU)",
            Family::Memory => "Memory-Optimized (dedicated CPU)",
        }
    }
}

/// A droplet size slug with its shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DropletSize {
    pub slug: &'static str,
    pub vcpus: u32,
    pub memory_mib: u32,
    pub family: Family,
}

const fn size(slug: &'static str, vcpus: u32, memory_mib: u32, family: Family) -> DropletSize {
    DropletSize {
        slug,
        vcpus,
        memory_mib,
        family,
    }
}

/// Droplet sizes Ferry chooses from (do-slugs.json → droplet_sizes; the plain `s-`, `g-`, `c-`
/// and `m-` families, smallest first within each family). The disk-heavy variants (`gd-`,
/// `m3-`, `m6-`, `-intel`) have the same vCPU and memory and are not chosen automatically.
pub const SIZES: &[DropletSize] = &[
    size("s-1vcpu-512mb-10gb", 1, 512, Family::Basic),
    size("s-1vcpu-1gb", 1, 1024, Family::Basic),
    size("s-1vcpu-2gb", 1, 2048, Family::Basic),
    size("s-2vcpu-2gb", 2, 2048, Family::Basic),
    size("s-2vcpu-4gb", 2, 4096, Family::Basic),
    size("s-4vcpu-8gb", 4, 8192, Family::Basic),
    size("s-6vcpu-16gb", 6, 16384, Family::Basic),
    size("s-8vcpu-16gb", 8, 16384, Family::Basic),
    size("s-8vcpu-32gb", 8, 32768, Family::Basic),
    size("s-12vcpu-48gb", 12, 49152, Family::Basic),
    size("s-16vcpu-64gb", 16, 65536, Family::Basic),
    size("s-20vcpu-96gb", 20, 98304, Family::Basic),
    size("s-24vcpu-128gb", 24, 131072, Family::Basic),
    size("s-32vcpu-192gb", 32, 196608, Family::Basic),
    size("g-2vcpu-8gb", 2, 8192, Family::General),
    size("g-4vcpu-16gb", 4, 16384, Family::General),
    size("g-8vcpu-32gb", 8, 32768, Family::General),
    size("g-16vcpu-64gb", 16, 65536, Family::General),
    size("g-32vcpu-128gb", 32, 131072, Family::General),
    size("g-40vcpu-160gb", 40, 163840, Family::General),
    size("c-2", 2, 4096, Family::Cpu),
    size("c-4", 4, 8192, Family::Cpu),
    size("c-8", 8, 16384, Family::Cpu),
    size("c-16", 16, 32768, Family::Cpu),
    size("c-32", 32, 65536, Family::Cpu),
    size("c-48", 48, 98304, Family::Cpu),
    size("m-2vcpu-16gb", 2, 16384, Family::Memory),
    size("m-4vcpu-32gb", 4, 32768, Family::Memory),
    size("m-8vcpu-64gb", 8, 65536, Family::Memory),
    size("m-16vcpu-128gb", 16, 131072, Family::Memory),
    size("m-24vcpu-192gb", 24, 196608, Family::Memory),
    size("m-32vcpu-256gb", 32, 262144, Family::Memory),
];

/// The size used when the origin names no instance type Ferry can read (and the default of
/// EKS managed node groups, `t3.medium`, maps to it).
pub const DEFAULT_SIZE: &str = "s-2vcpu-4gb";

/// The instance type EKS managed node groups use when `instance_types` is not set
/// (AWS `CreateNodegroup` API: default `t3.medium`).
pub const EKS_DEFAULT_INSTANCE_TYPE: &str = "t3.medium";

pub fn find(slug: &str) -> Option<&'static DropletSize> {
    SIZES.iter().find(|s| s.slug == slug)
}

/// An EC2 instance type read from its name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AwsShape {
    /// The series letters (`t`, `m`, `c`, `r`, `x`, `inf`, …).
    pub series: String,
    pub vcpus: u32,
    pub memory_mib: u32,
    /// The droplet class that matches the series.
    pub family: Family,
    /// Graviton (arm64) processors: `m6g`, `t4g`, `c7gn`, …
    pub graviton: bool,
    /// The shape was derived from the series' usual memory per vCPU, not known for sure.
    pub estimated: bool,
    /// GPU / accelerator series (no droplet equivalent in the facts).
    pub accelerator: bool,
}

/// Burstable sizes (T2 / T3 / T3a / T4g): vCPU, memory in MiB and the droplet the mapping
/// facts name (§2, "Burstable T3 / T3a / T2"). T2's three smallest sizes have one vCPU.
const BURSTABLE: &[(&str, u32, u32, &str)] = &[
    ("nano", 2, 512, "s-1vcpu-512mb-10gb"),
    ("micro", 2, 1024, "s-1vcpu-1gb"),
    ("small", 2, 2048, "s-2vcpu-2gb"),
    ("medium", 2, 4096, "s-2vcpu-4gb"),
    ("large", 2, 8192, "s-4vcpu-8gb"),
    ("xlarge", 4, 16384, "s-8vcpu-16gb"),
    ("2xlarge", 8, 32768, "s-8vcpu-32gb"),
];

/// vCPUs of a non-burstable size name: `medium` 1, `large` 2, `xlarge` 4, `Nxlarge` 4·N
/// (AWS instance type tables, mapping facts §2).
fn vcpus_of(size: &str) -> Option<u32> {
    match size {
        "medium" => Some(1),
        "large" => Some(2),
        "xlarge" => Some(4),
        _ => {
            let n: u32 = size.strip_suffix("xlarge")?.parse().ok()?;
            n.checked_mul(4)
        }
    }
}

/// Reads an EC2 instance type (`m5.large`, `t4g.micro`, `c6gn.2xlarge`).
pub fn aws_shape(instance_type: &str) -> Option<AwsShape> {
    let (class, size) = instance_type
        .trim()
        .to_ascii_lowercase()
        .split_once('.')
        .map(|(a, b)| (a.to_string(), b.to_string()))?;
    let series: String = class
        .chars()
        .take_while(|c| c.is_ascii_alphabetic())
        .collect();
    let rest = &class[series.len()..];
    let generation: String = rest.chars().take_while(|c| c.is_ascii_digit()).collect();
    if series.is_empty() || generation.is_empty() {
        return None;
    }
    let attributes = &rest[generation.len()..];
    let graviton = attributes.contains('g') || class == "a1";
    if series == "t" {
        let &(_, mut v, m, _) = BURSTABLE.iter().find(|(s, ..)| *s == size)?;
        if generation == "2" && matches!(size.as_str(), "nano" | "micro" | "small") {
            v = 1;
        }
        return Some(AwsShape {
            series,
            vcpus: v,
            memory_mib: m,
            family: Family::Basic,
            graviton,
            estimated: false,
            accelerator: false,
        });
    }
    let vcpus = vcpus_of(&size)?;
    // Memory per vCPU (MiB) and droplet class by series (mapping facts §2; other series by
    // their published ratio, marked estimated).
    let (per_vcpu, family, estimated, accelerator) = match series.as_str() {
        "m" => (4096, Family::General, false, false),
        "c" => (2048, Family::Cpu, false, false),
        "r" => (8192, Family::Memory, false, false),
        "a" => (2048, Family::Cpu, true, false),
        "z" | "i" | "d" | "im" | "is" => (8192, Family::Memory, true, false),
        "x" => (16384, Family::Memory, true, false),
        "h" => (4096, Family::General, true, false),
        "g" | "p" | "inf" | "trn" | "dl" | "f" | "vt" | "gr" => (4096, Family::General, true, true),
        _ => (4096, Family::General, true, false),
    };
    Some(AwsShape {
        series,
        vcpus,
        memory_mib: vcpus.saturating_mul(per_vcpu),
        family,
        graviton,
        estimated,
        accelerator,
    })
}

/// The droplet size chosen for an instance type, and how close it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SizeChoice {
    pub size: &'static DropletSize,
    /// What was read from the origin, when the type was understood.
    pub shape: Option<AwsShape>,
    /// Same vCPU and memory as the origin.
    pub exact: bool,
    /// The origin is larger than any droplet of its class.
    pub smaller: bool,
}

impl SizeChoice {
    /// One sentence for a diagnostic: `m5.large (2 vCPU / 8 GiB) → g-2vcpu-8gb (…)`.
    pub fn explain(&self, instance_type: &str) -> String {
        let s = self.size;
        match &self.shape {
            Some(a) => format!(
                "`{instance_type}` ({} vCPU / {} GiB{}) → `{}` ({} vCPU / {} GiB, {})",
                a.vcpus,
                gib(a.memory_mib),
                if a.estimated { ", estimated" } else { "" },
                s.slug,
                s.vcpus,
                gib(s.memory_mib),
                s.family.describe()
            ),
            None => format!(
                "`{instance_type}` is not an instance type Ferry knows → `{}` ({} vCPU / {} GiB)",
                s.slug,
                s.vcpus,
                gib(s.memory_mib)
            ),
        }
    }
}

fn gib(mib: u32) -> String {
    if mib.is_multiple_of(1024) {
        (mib / 1024).to_string()
    } else {
        format!("{:.1}", f64::from(mib) / 1024.0)
    }
}

/// The droplet size for an EC2 / EKS instance type: the burstable table for `t*`, otherwise the
/// smallest size of the matching class with at least the origin's vCPU and memory (the largest
/// of the class when none is big enough). Unknown types get [`DEFAULT_SIZE`].
pub fn for_instance_type(instance_type: &str) -> SizeChoice {
    let fallback = || SizeChoice {
        size: find(DEFAULT_SIZE).unwrap_or(&SIZES[4]),
        shape: None,
        exact: false,
        smaller: false,
    };
    let Some(shape) = aws_shape(instance_type) else {
        return fallback();
    };
    if shape.series == "t" {
        let lower = instance_type.trim().to_ascii_lowercase();
        let size_name = lower.split_once('.').map(|(_, s)| s).unwrap_or("");
        let slug = BURSTABLE
            .iter()
            .find(|(s, ..)| *s == size_name)
            .map(|(.., slug)| *slug)
            .unwrap_or(DEFAULT_SIZE);
        // T2's one-vCPU sizes have exact Basic equivalents.
        let slug = match (shape.vcpus, shape.memory_mib) {
            (1, 2048) => "s-1vcpu-2gb",
            _ => slug,
        };
        let Some(size) = find(slug) else {
            return fallback();
        };
        return SizeChoice {
            size,
            exact: size.vcpus == shape.vcpus && size.memory_mib == shape.memory_mib,
            smaller: false,
            shape: Some(shape),
        };
    }
    let class: Vec<&'static DropletSize> =
        SIZES.iter().filter(|s| s.family == shape.family).collect();
    let fit = class
        .iter()
        .find(|s| s.vcpus >= shape.vcpus && s.memory_mib >= shape.memory_mib)
        .copied();
    let (size, smaller) = match fit {
        Some(s) => (s, false),
        None => match class.last() {
            Some(s) => (*s, true),
            None => return fallback(),
        },
    };
    SizeChoice {
        size,
        exact: size.vcpus == shape.vcpus && size.memory_mib == shape.memory_mib,
        smaller,
        shape: Some(shape),
    }
}

/// A droplet image slug for an AMI described by name filters (`data "aws_ami"` `filter`
/// values, `name_regex`, owners), and whether it is the same release (`false`: the nearest
/// offered one). `None` when nothing in the text names a distribution Ferry knows.
/// Slugs: do-slugs.json → droplet_images_examples (18.04 and 20.04 "may be retired", so older
/// Ubuntu releases move to 22.04).
pub fn image_for_ami_text(text: &str) -> Option<(&'static str, bool)> {
    let t = text.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| t.contains(n));
    if has(&["ubuntu", "099720109477"]) {
        if has(&["24.04", "24_04", "noble"]) {
            return Some(("ubuntu-24-04-x64", true));
        }
        if has(&["22.04", "22_04", "jammy"]) {
            return Some(("ubuntu-22-04-x64", true));
        }
        if has(&["20.04", "focal", "18.04", "bionic"]) {
            return Some(("ubuntu-22-04-x64", false));
        }
        return Some(("ubuntu-24-04-x64", false));
    }
    if has(&["debian", "136693071363"]) {
        if has(&["debian-12", "debian 12", "bookworm"]) {
            return Some(("debian-12-x64", true));
        }
        if has(&["debian-11", "debian 11", "bullseye"]) {
            return Some(("debian-11-x64", true));
        }
        return Some(("debian-12-x64", false));
    }
    None
}

/// Does the AMI text describe an arm64 image?
pub fn ami_text_is_arm(text: &str) -> bool {
    let t = text.to_ascii_lowercase();
    t.contains("arm64") || t.contains("aarch64")
}

/// The image used when the AMI cannot be read as a distribution.
pub const DEFAULT_IMAGE: &str = "ubuntu-24-04-x64";

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(t: &str) -> &'static str {
        for_instance_type(t).size.slug
    }

    #[test]
    fn burstable_follow_the_facts_table() {
        assert_eq!(slug("t3.nano"), "s-1vcpu-512mb-10gb");
        assert_eq!(slug("t3.micro"), "s-1vcpu-1gb");
        assert_eq!(slug("t3.small"), "s-2vcpu-2gb");
        assert_eq!(slug("t3a.medium"), "s-2vcpu-4gb");
        assert_eq!(slug("t3.large"), "s-4vcpu-8gb");
        assert_eq!(slug("t3.xlarge"), "s-8vcpu-16gb");
        assert_eq!(slug("t3.2xlarge"), "s-8vcpu-32gb");
        assert_eq!(slug("t2.small"), "s-1vcpu-2gb");
        assert_eq!(slug(" T3.Micro "), "s-1vcpu-1gb");
        assert!(for_instance_type("t2.small").exact);
        assert!(for_instance_type("t3.medium").exact);
        assert!(!for_instance_type("t3.micro").exact);
        let t4g = for_instance_type("t4g.small");
        assert_eq!(t4g.size.slug, "s-2vcpu-2gb");
        assert!(t4g.shape.is_some_and(|s| s.graviton));
    }

    #[test]
    fn dedicated_classes_by_shape() {
        assert_eq!(slug("m5.large"), "g-2vcpu-8gb");
        assert_eq!(slug("m6i.xlarge"), "g-4vcpu-16gb");
        assert_eq!(slug("m7i.2xlarge"), "g-8vcpu-32gb");
        assert_eq!(slug("m5.12xlarge"), "g-40vcpu-160gb");
        assert!(for_instance_type("m5.12xlarge").smaller);
        assert_eq!(slug("c5.large"), "c-2");
        assert_eq!(slug("c6i.4xlarge"), "c-16");
        assert_eq!(slug("c5.9xlarge"), "c-48");
        assert!(for_instance_type("c5.18xlarge").smaller);
        assert_eq!(slug("r5.large"), "m-2vcpu-16gb");
        assert_eq!(slug("r6i.8xlarge"), "m-32vcpu-256gb");
        assert!(for_instance_type("r5.12xlarge").smaller);
        assert!(for_instance_type("m5.large").exact);
        let g = for_instance_type("m6g.medium");
        assert_eq!(g.size.slug, "g-2vcpu-8gb");
        assert!(!g.exact);
        assert!(g.shape.as_ref().is_some_and(|s| s.graviton));
        assert!(
            for_instance_type("c6gn.large")
                .shape
                .is_some_and(|s| s.graviton)
        );
        assert!(
            !for_instance_type("m6id.large")
                .shape
                .is_some_and(|s| s.graviton)
        );
    }

    #[test]
    fn unknown_types_fall_back() {
        let u = for_instance_type("weird");
        assert_eq!(u.size.slug, DEFAULT_SIZE);
        assert!(u.shape.is_none());
        let x = for_instance_type("x2idn.xlarge");
        assert!(x.shape.as_ref().is_some_and(|s| s.estimated));
        assert_eq!(x.size.family, Family::Memory);
        assert!(
            for_instance_type("g4dn.xlarge")
                .shape
                .is_some_and(|s| s.accelerator)
        );
        assert_eq!(slug("m5.metal"), DEFAULT_SIZE);
        assert_eq!(slug("m5.999999999999xlarge"), DEFAULT_SIZE);
    }

    #[test]
    fn every_slug_is_in_the_table_once() {
        let mut seen = std::collections::BTreeSet::new();
        for s in SIZES {
            assert!(seen.insert(s.slug));
        }
        assert!(find(DEFAULT_SIZE).is_some());
        for (.., slug) in BURSTABLE {
            assert!(find(slug).is_some(), "{slug}");
        }
    }

    #[test]
    fn images_from_ami_filters() {
        assert_eq!(
            image_for_ami_text("ubuntu/images/hvm-ssd/ubuntu-jammy-22.04-amd64-server-*"),
            Some(("ubuntu-22-04-x64", true))
        );
        assert_eq!(
            image_for_ami_text("ubuntu/images/hvm-ssd-gp3/ubuntu-noble-24.04-amd64-server-*"),
            Some(("ubuntu-24-04-x64", true))
        );
        assert_eq!(
            image_for_ami_text("ubuntu/images/hvm-ssd/ubuntu-focal-20.04-amd64-server-*"),
            Some(("ubuntu-22-04-x64", false))
        );
        assert_eq!(
            image_for_ami_text("debian-12-amd64-*"),
            Some(("debian-12-x64", true))
        );
        assert_eq!(
            image_for_ami_text("debian-11-amd64-*"),
            Some(("debian-11-x64", true))
        );
        assert_eq!(image_for_ami_text("al2023-ami-*-x86_64"), None);
        assert!(ami_text_is_arm("ubuntu-jammy-22.04-arm64-server-*"));
    }
}
