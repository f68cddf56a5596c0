//! Diagnostics: stable codes, severities, locations and help.
//!
//! Every code is declared once in [`codes!`] below with its default severity and a one-line
//! title; the list is the documentation (it feeds `ferry explain`, SARIF rule metadata and the
//! report). Codes never change meaning once released: retire a code, never reuse it.

use crate::source::Loc;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// The stack cannot be deployed as compiled: something must be fixed by the author.
    Error,
    /// The stack compiles but behaves differently from the origin in a way the author must review.
    Warning,
    /// Informational: how something was carried over.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

macro_rules! codes {
    ($($(#[$doc:meta])* $variant:ident = $code:literal, $sev:ident, $title:literal;)*) => {
        /// A stable diagnostic code.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($(#[$doc])* $variant,)* }

        impl Code {
            /// Every code, in declaration order.
            pub const ALL: &'static [Code] = &[$(Code::$variant,)*];
            pub fn as_str(self) -> &'static str { match self { $(Code::$variant => $code,)* } }
            pub fn default_severity(self) -> Severity { match self { $(Code::$variant => Severity::$sev,)* } }
            pub fn title(self) -> &'static str { match self { $(Code::$variant => $title,)* } }
            pub fn parse(s: &str) -> Option<Code> { match s { $($code => Some(Code::$variant),)* _ => None } }
        }
    };
}

codes! {
    // ---- F1xx: reading the origin -------------------------------------------------------
    /// HCL that does not parse.
    HclSyntax = "F101", Error, "HCL syntax error";
    /// `.tf.json` that is not valid JSON or not the Terraform JSON layout.
    JsonSyntax = "F102", Error, "Terraform JSON syntax error";
    /// Terraform 0.11-only syntax, understood and carried over in 0.12+ form.
    LegacySyntax = "F103", Warning, "Terraform 0.11 syntax";
    /// A `.tfvars` file that could not be read.
    TfvarsSyntax = "F104", Error, "invalid .tfvars file";
    /// A file Ferry does not read (it is listed so nothing is silently ignored).
    IgnoredFile = "F105", Note, "file not read";
    /// A block Terraform does not know at the top level of a module.
    UnknownBlock = "F106", Warning, "unknown top-level block";
    /// A resource or data block with missing or malformed labels.
    MalformedBlock = "F107", Error, "malformed block";
    /// Two definitions of the same address.
    DuplicateAddress = "F108", Error, "duplicate definition";
    /// A `moved`, `import`, `removed` or `check` block, which concerns the origin's state.
    StateBlockIgnored = "F110", Note, "state block not carried over";
    /// The origin stack has no Terraform files at all.
    NoConfiguration = "F109", Error, "no Terraform configuration";
    /// The root's only values file is not one Terraform loads itself (`values.tfvars`); it was
    /// read as `-var-file` would.
    VarFileRead = "F111", Note, "values file read as -var-file";

    // ---- F2xx: resolving ----------------------------------------------------------------
    /// A registry module Ferry does not know how to map.
    UnknownRegistryModule = "F201", Error, "registry module not mapped";
    /// A local module whose folder is not part of the input.
    ModuleNotFound = "F202", Error, "local module not found";
    /// A module that (indirectly) calls itself.
    ModuleCycle = "F203", Error, "module cycle";
    /// A value a mapping needs could not be evaluated statically; a default was used.
    NotStatic = "F204", Warning, "value not known at compile time";
    /// A `dynamic` block whose `for_each` could not be evaluated.
    DynamicBlock = "F205", Warning, "dynamic block not expanded";
    /// A module input Ferry does not map for a known registry module.
    ModuleInputIgnored = "F206", Note, "registry module input not carried over";

    // ---- F3xx: mapping ------------------------------------------------------------------
    /// An AWS resource type with no DigitalOcean mapping.
    UnsupportedResource = "F301", Error, "AWS resource has no DigitalOcean equivalent";
    /// An AWS service with a recommended DigitalOcean alternative that Ferry does not emit.
    UnsupportedService = "F302", Error, "AWS service not available on DigitalOcean";
    /// Origin arguments that have no DigitalOcean equivalent and were not carried over.
    ArgumentDropped = "F303", Note, "arguments not carried over";
    /// A size, version or region mapped to the nearest DigitalOcean offering.
    NearestMatch = "F304", Warning, "mapped to the nearest DigitalOcean offering";
    /// A feature that DigitalOcean cannot express; behaviour differs.
    FeatureUnsupported = "F305", Warning, "feature not supported on DigitalOcean";
    /// A sub-resource whose parent is not part of the stack.
    OrphanSubresource = "F306", Error, "parent resource not found";
    /// An unsupported engine or value with no DigitalOcean counterpart.
    UnsupportedValue = "F307", Error, "value not supported on DigitalOcean";
    /// A resource absorbed or dropped, with what it means for the appliance.
    Absorbed = "F308", Note, "folded into another resource";
    /// A resource dropped because DigitalOcean has no such concept.
    Dropped = "F309", Note, "no meaning on DigitalOcean";
    /// An AWS data source with no DigitalOcean equivalent.
    UnsupportedDataSource = "F310", Warning, "AWS data source has no DigitalOcean equivalent";
    /// An existing object the origin reads but does not create (a database read through
    /// `data "aws_db_instance"`): what the stack reads of it becomes input variables, set when
    /// the appliance is deployed.
    ExistingObjectInput = "F311", Warning, "existing object outside the stack is an input";
    // F340–F349: compute, storage and security groups.
    /// A Kubernetes version resolved by the `digitalocean_kubernetes_versions` data source.
    KubernetesVersionAtApply = "F340", Note, "Kubernetes version resolved when the stack is applied";
    /// A setting DigitalOcean always applies (encryption at rest, cluster add-ons).
    ProvidedByDefault = "F341", Note, "provided by DigitalOcean without configuration";
    /// A value carried over in another form (base64 user data decoded).
    ValueConverted = "F342", Note, "value converted to the DigitalOcean form";
    /// A data source that reads an existing object of the customer's DigitalOcean account
    /// (a domain, a certificate), which must exist before the appliance is deployed.
    ExistingLookup = "F350", Note, "reads an existing DigitalOcean object";

    // ---- F36x: Spaces ---------------------------------------------------------------------
    /// A Spaces bucket name that is not DNS-compatible (3–63 lowercase letters, digits, hyphens).
    SpacesBucketName = "F360", Warning, "Spaces bucket name not DNS-compatible";
    // F370–F379: workloads, container images and secrets.
    /// ECS container definitions that Ferry could not read at compile time (a file that is not
    /// part of the input, a value built at apply time); the workload was not mapped.
    ContainerDefinitionsUnreadable = "F370", Error, "container definitions not readable";
    /// A container image from a registry other than ECR (Docker Hub, GHCR, Quay, …): rewritten
    /// to the appliance's registry; the controller copies it there at deploy.
    ImageCopied = "F371", Note, "image copied from another registry";
    /// An image reference whose registry Ferry could not tell at compile time: not rewritten.
    ImageNotRewritten = "F372", Warning, "image reference not rewritten";
    /// A DOKS node pool Ferry sized from the CPU and memory of the workloads (Fargate).
    NodePoolFromWorkloads = "F373", Note, "node pool sized from the workloads";
    /// A secret whose value is not in the stack: a sensitive variable, set at deploy time.
    SecretValueAtDeploy = "F374", Note, "secret value provided at deploy time";
    /// A load balancer in front of workloads became a Kubernetes Service of type LoadBalancer.
    WorkloadLoadBalancer = "F375", Note, "load balancer became a Kubernetes Service";
    /// The appliance's container registry: one per DigitalOcean account, shared or created.
    ContainerRegistry = "F376", Note, "images move to the appliance's container registry";
    /// An ECS task definition no service or schedule runs became a suspended Kubernetes CronJob:
    /// a template started on demand, as `aws ecs run-task` did.
    TaskOnDemand = "F377", Note, "one-off task runs on demand from a suspended CronJob";
    /// The stack's Kubernetes cluster is declared in a module the root calls: the root's
    /// `provider "kubernetes"` finds it by name, and every module's Kubernetes objects go there.
    ClusterFromAnotherModule = "F378", Note, "Kubernetes objects go to the cluster of another module";
    /// Containers that reached a bucket of the stack with their AWS role's credentials get a
    /// Spaces access key scoped to it, from a Secret, and the Spaces endpoint.
    WorkloadSpacesKey = "F379", Note, "workload gets a Spaces access key for its buckets";
    // F330–F339: load balancers, DNS and certificates.
    /// A Let's Encrypt certificate whose domain is not a DigitalOcean DNS domain of the stack
    /// (DigitalOcean issues Let's Encrypt certificates only for domains it serves).
    CertificateDomainNotInStack = "F330", Warning, "certificate domain not served by DigitalOcean DNS in the stack";
    /// A DNS domain with a fixed name: a DigitalOcean domain exists in one account only, so a
    /// second appliance cannot create it.
    DomainNotPerAppliance = "F331", Warning, "DNS domain name is the same for every appliance";
    /// DNS records of a hosted zone that is not part of the stack (a zone id, a variable): the
    /// domain becomes an input of the appliance, `var.dns_domain`.
    DomainFromVariable = "F332", Warning, "domain of a hosted zone outside the stack is an input";
    /// A listener rule that answered requests itself (a fixed response or a redirect for a path,
    /// such as `/metrics` → 403) has no DigitalOcean counterpart: those requests now reach the
    /// application, so what the rule kept out becomes public.
    AccessControlLost = "F333", Warning, "access control lost: blocked requests reach the application";

    // F380–F389: Lambda, API Gateway and scheduled functions.
    /// Knative Serving or an ingress controller must be installed on the cluster (Ferry emits
    /// the resources that use it, not the add-on itself).
    ClusterAddonRequired = "F380", Note, "needs a cluster add-on (Knative Serving, NGINX Ingress)";
    /// Knative Services need a Kubernetes cluster, and the stack has none.
    NoClusterForWorkloads = "F381", Warning, "no Kubernetes cluster in the stack for the functions";
    /// DigitalOcean Functions have no Terraform resource: the controller deploys the function.
    FunctionDeployedByController = "F382", Warning, "function deployed by the controller, outside Terraform";
    /// A Lambda runtime that DigitalOcean Functions do not offer.
    FunctionRuntimeUnsupported = "F383", Error, "runtime not offered by DigitalOcean Functions";
    /// A zip-packaged function runs as a container image built from its archive.
    FunctionImageBuilt = "F384", Note, "function image built from its archive";
    /// Authorization of an API route or function URL is not carried over: it becomes reachable
    /// without it.
    AuthorizationNotCarried = "F385", Warning, "authorization not carried over";

    // ---- F4xx: references ---------------------------------------------------------------
    /// A reference to an AWS attribute with no equivalent on the mapped resource.
    UnmappedReference = "F401", Warning, "reference has no DigitalOcean equivalent";
    /// A reference to something that does not exist in the origin.
    UnknownReference = "F402", Warning, "reference to an undeclared object";
    /// The deployment stack's resources refer to each other in a circle (Terraform cannot plan
    /// it): the origin has the same cycle, or Ferry's mapping made one.
    DependencyCycle = "F403", Error, "dependency cycle in the deployment stack";

    // ---- F5xx: best practices -----------------------------------------------------------
    /// A name that must be unique per appliance does not carry the instance id (Ferry appends it
    /// where it maps the resource).
    NameWithoutInstanceId = "F501", Note, "unique name without the instance id";
    /// A hard-coded name of something globally unique (a bucket, a DNS zone): a second appliance
    /// cannot create it.
    HardCodedGlobalName = "F502", Warning, "hard-coded name collides across appliances";
    /// A taggable origin resource without a tag carrying `var.instance_id`.
    MissingInstanceTag = "F503", Note, "resource not tagged with the instance id";
    /// Function code fetches secrets at runtime through the AWS SDK.
    RuntimeSecretFetch = "F504", Warning, "secret fetched at runtime through the AWS SDK";
    /// The origin's state backend is not keyed per appliance.
    BackendNotPerAppliance = "F505", Warning, "backend state not keyed by the instance id";
    /// An EC2 instance that only runs one container or application.
    InstanceCouldBeContainer = "F506", Note, "EC2 instance where a container or function would serve";
    /// A container image referenced by tag rather than by digest.
    ImageNotPinned = "F507", Warning, "container image not pinned by digest";
    /// The origin looks up a map by `terraform.workspace` (keys such as `dev` / `prod`), which
    /// an appliance's workspace is not: the plan fails.
    WorkspaceKeyed = "F508", Warning, "map looked up by the Terraform workspace";
    /// User data or a template the stack renders calls the AWS CLI for something other than S3
    /// (`aws rds describe-db-instances`): a droplet has no AWS credentials or instance role,
    /// and the AWS object is not there.
    AwsCliAtBoot = "F509", Warning, "AWS CLI called from user data or a template";

    // ---- F9xx: Ferry itself -------------------------------------------------------------
    /// The emitted stack does not match the DigitalOcean provider schema (a Ferry bug).
    SchemaViolation = "F901", Error, "emitted resource violates the provider schema";
    /// A `digitalocean_*` resource the author wrote in the origin, kept as written, does not
    /// match the provider schema (the provider would reject it).
    KeptSchemaViolation = "F902", Error, "kept resource violates the provider schema";
}

/// One finding about the origin stack or its compilation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: String,
    pub severity: Severity,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Loc>,
    /// The origin address the finding is about (`aws_db_instance.db`, `module.vpc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code: code.as_str().to_string(),
            severity: code.default_severity(),
            message: message.into(),
            location: None,
            resource: None,
            help: None,
        }
    }
    pub fn at(mut self, loc: Loc) -> Self {
        self.location = Some(loc);
        self
    }
    pub fn at_opt(mut self, loc: Option<Loc>) -> Self {
        self.location = loc;
        self
    }
    pub fn resource(mut self, addr: impl Into<String>) -> Self {
        self.resource = Some(addr.into());
        self
    }
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_and_parse_back() {
        let mut seen = std::collections::BTreeSet::new();
        for code in Code::ALL {
            assert!(
                seen.insert(code.as_str()),
                "duplicate code {}",
                code.as_str()
            );
            assert_eq!(Code::parse(code.as_str()), Some(*code));
            assert!(!code.title().is_empty());
        }
    }
}
