//! The long tail of AWS: every service and resource family without a dedicated mapping gets a
//! precise outcome here.
//!
//! * [`FAMILIES`] is the catalog: a table of type roots (`aws_iam` covers `aws_iam_role`,
//!   `aws_iam_policy`, … and any future `aws_iam_*`) with what happens to them — dropped with a
//!   note, unsupported with the recommended DigitalOcean alternative, or mapped by a later Ferry
//!   version. [`super::generic::fallback`] consults it for every type without a rule, so new
//!   AWS types of a known service never fall through to the anonymous message.
//! * [`RULES`] gives the common types of the dropped families their own `RuleDef` (with a
//!   summary for `ferry rules`), and maps what DigitalOcean can express: CloudWatch CPU alarms
//!   → `digitalocean_monitor_alert`, CloudFront on a Spaces bucket → `digitalocean_cdn`, MSK →
//!   Managed Kafka, OpenSearch → Managed OpenSearch, and the data sources stacks lean on
//!   (`aws_region`, `aws_availability_zones`, `aws_caller_identity`, Route 53 zones, ACM
//!   certificates, EKS cluster lookups).
//!
//! The mappings are in files of their own: `alarms` (CloudWatch alarms, Auto Scaling
//! attachments), `cloudfront`, `managed` (MSK, OpenSearch) and `data_sources`.

use super::{Cx, Export, OutcomeRec, Phase, RuleDef};
use crate::diag::{Code, Diagnostic};
use crate::hclx;
use crate::origin::{Mode, Resource};
use crate::report::Outcome;
use hcl::{Body, Expression};

mod alarms;
mod cloudfront;
mod data_sources;
mod managed;

use alarms::{autoscaling_attachment, metric_alarm};
use cloudfront::cloudfront_distribution;
pub(super) use cloudfront::{cdn_origin, load_balancer_origin};
use data_sources::{
    acm_certificate_data, availability_zone_data, availability_zones_data, caller_identity_data,
    eks_cluster_data, partition_data, policy_document_data, region_data,
};
use managed::{OPENSEARCH_ARGS, msk_cluster, msk_configuration, opensearch_domain};

// ---- the catalog ------------------------------------------------------------------------------

/// What happens to every type of a family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Treatment {
    /// No meaning on DigitalOcean: left out, with the note shown in the report.
    Dropped(&'static str),
    /// A service DigitalOcean does not offer: an error that names the alternative.
    Unsupported {
        service: &'static str,
        alternative: &'static str,
    },
}

/// A family of AWS types: `root` itself and every `root_*` type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Family {
    pub root: &'static str,
    pub treatment: Treatment,
}

pub const IAM: &str = "DigitalOcean has no IAM; access is governed by the appliance's phase tokens";
pub const KMS: &str =
    "DigitalOcean encrypts volumes, databases and Spaces at rest with platform keys";
const LOGS: &str = "DigitalOcean keeps droplet, Kubernetes and database logs itself; Ferry's controller forwards them to the appliance's log sinks";
const DASHBOARD: &str = "DigitalOcean Monitoring graphs droplets, load balancers and databases, and the Ferry dashboard shows the appliance's metrics";
const COMPOSITE_ALARM: &str = "DigitalOcean alerts cannot be combined; each mapped `digitalocean_monitor_alert` notifies on its own";
const METRICS: &str = "DigitalOcean Monitoring collects droplet, load balancer and database metrics itself; custom CloudWatch metrics, streams and insights are not carried over";
const APPAUTOSCALING: &str = "Application Auto Scaling of resources other than ECS services has no DigitalOcean equivalent (ECS services get HorizontalPodAutoscalers)";
const ECR_SETTINGS: &str = "ECR registry settings have no DigitalOcean Container Registry counterpart; access is governed by DigitalOcean tokens and the controller copies the images";
const ASG_EXTRAS: &str = "DigitalOcean droplet autoscale pools have no lifecycle hooks, notifications or scheduled actions";
const SSM: &str = "Systems Manager has no DigitalOcean equivalent; operations on the appliance run through Ferry's Operate phase";
const BACKUP: &str = "DigitalOcean backs up managed databases daily (with point-in-time recovery); droplet backups are turned on with `backups = true` on the droplet";
const SECURITY: &str = "account-level security services have no appliance-level equivalent on DigitalOcean; the customer's account governs security, and Ferry's audit log records every change made to the appliance";
const ORGANIZATION: &str = "account and organization settings belong to the customer's DigitalOcean account, not to the appliance";
const RESOURCE_GROUP: &str = "the appliance's resources are grouped in its `digitalocean_project`";
const BUDGET: &str = "DigitalOcean billing alerts are set per account; the appliance's cost shows on its `digitalocean_project`";
const FLOW_LOG: &str = "DigitalOcean VPCs have no flow logs";
const DEFAULT_VPC: &str = "DigitalOcean VPCs have no subnets; resources without a VPC of the stack are placed in the region's default VPC";
const DEFAULTS: &str =
    "AWS account defaults have no meaning for an appliance, which owns everything it uses";
const CDN_ACCESS: &str = "the Spaces CDN serves objects that are readable by everyone; an origin access identity or control has no equivalent";
const CDN_POLICY: &str = "the Spaces CDN has one TTL per endpoint (`ttl`); cache, origin-request and response-header policies are not carried over";
const ECR_LIFECYCLE: &str = "DigitalOcean Container Registry removes untagged manifests with garbage collection; lifecycle rules are not carried over";
const XRAY: &str = "X-Ray has no DigitalOcean equivalent; send traces to an OpenTelemetry backend run by the appliance";
const SIGNER: &str = "code signing profiles have no DigitalOcean equivalent";
const PREFIX_LIST: &str =
    "managed prefix lists have no DigitalOcean equivalent; firewalls list their sources directly";
const IPAM: &str = "IP address management pools have no meaning on DigitalOcean; the VPC's range is set on the VPC";

const fn drop(root: &'static str, note: &'static str) -> Family {
    Family {
        root,
        treatment: Treatment::Dropped(note),
    }
}

const fn unsupported(
    root: &'static str,
    service: &'static str,
    alternative: &'static str,
) -> Family {
    Family {
        root,
        treatment: Treatment::Unsupported {
            service,
            alternative,
        },
    }
}

const ALT_KAFKA_QUEUE: &str = "use Managed Kafka (`digitalocean_database_cluster` with engine `kafka`) for durable queues, or Managed Valkey (engine `valkey`) lists and streams for lightweight ones";
const ALT_ANALYTICS: &str = "query with Managed PostgreSQL or Managed OpenSearch (`digitalocean_database_cluster` engine `pg` / `opensearch`), move data with Managed Kafka (engine `kafka`), or run Spark/Trino on DOKS";
const ALT_CICD: &str = "build and deploy with GitHub Actions (or another CI) pushing images to the appliance's DigitalOcean Container Registry; Ferry deploys releases into the appliance";
const ALT_VPN: &str = "run a WireGuard or IPsec gateway droplet in the VPC (e.g. from the DigitalOcean Marketplace), or connect through a DigitalOcean partner network connection";
const ALT_OPENSEARCH: &str = "use Managed OpenSearch (`digitalocean_database_cluster` with engine `opensearch`); Ferry maps `aws_opensearch_domain` and `aws_elasticsearch_domain`";
const ALT_KAFKA: &str = "use Managed Kafka (`digitalocean_database_cluster` with engine `kafka`); Ferry maps `aws_msk_cluster`";
const ALT_WORKFLOW: &str =
    "run the workflow in the application (e.g. Temporal on DOKS) or as Kubernetes Jobs";
const ALT_EVENTS: &str = "run schedules as Kubernetes CronJobs on DOKS or scheduled DigitalOcean Functions triggers, and route events through Managed Kafka";

/// The catalog. Roots are unique; the longest matching root wins (`aws_ssm_parameter` before
/// `aws_ssm`, `aws_cloudwatch_log` before `aws_cloudwatch`).
pub const FAMILIES: &[Family] = &[
    // ---- identity and keys -----------------------------------------------------------------
    drop("aws_iam", IAM),
    unsupported(
        "aws_iam_server_certificate",
        "IAM server certificates",
        "upload the certificate as a `digitalocean_certificate` of type `custom` (leaf_certificate, private_key, certificate_chain)",
    ),
    drop("aws_ssoadmin", IAM),
    drop("aws_identitystore", IAM),
    drop("aws_kms", KMS),
    drop("aws_signer", SIGNER),
    unsupported(
        "aws_acmpca",
        "ACM Private CA",
        "run a private CA in the appliance (e.g. cert-manager with a CA issuer, or step-ca on DOKS)",
    ),
    // ---- monitoring and logs ---------------------------------------------------------------
    drop("aws_cloudwatch", METRICS),
    drop("aws_cloudwatch_log", LOGS),
    drop("aws_cloudwatch_dashboard", DASHBOARD),
    drop("aws_cloudwatch_composite_alarm", COMPOSITE_ALARM),
    // `aws_cloudwatch_event_rule` / `_target` have rules in `lambda.rs` (schedules of functions
    // become CronJobs); they fall back to this entry for everything else.
    unsupported("aws_cloudwatch_event", "EventBridge", ALT_EVENTS),
    unsupported("aws_scheduler", "EventBridge Scheduler", ALT_EVENTS),
    unsupported("aws_pipes", "EventBridge Pipes", ALT_EVENTS),
    drop(
        "aws_schemas",
        "EventBridge schema registries have no DigitalOcean equivalent",
    ),
    unsupported(
        "aws_synthetics",
        "CloudWatch Synthetics",
        "check endpoints with `digitalocean_uptime_check` and `digitalocean_uptime_alert`",
    ),
    drop("aws_xray", XRAY),
    // ---- scaling ---------------------------------------------------------------------------
    drop("aws_appautoscaling", APPAUTOSCALING),
    drop("aws_autoscaling_lifecycle_hook", ASG_EXTRAS),
    drop("aws_autoscaling_notification", ASG_EXTRAS),
    drop("aws_autoscaling_schedule", ASG_EXTRAS),
    // ---- operations, governance, security ---------------------------------------------------
    drop("aws_ssm", SSM),
    drop("aws_backup", BACKUP),
    drop("aws_dlm", BACKUP),
    drop("aws_config", SECURITY),
    drop("aws_guardduty", SECURITY),
    drop("aws_securityhub", SECURITY),
    drop("aws_cloudtrail", SECURITY),
    drop("aws_accessanalyzer", SECURITY),
    drop("aws_macie2", SECURITY),
    drop("aws_inspector", SECURITY),
    drop("aws_inspector2", SECURITY),
    drop("aws_detective", SECURITY),
    drop("aws_fms", SECURITY),
    drop("aws_auditmanager", SECURITY),
    drop("aws_organizations", ORGANIZATION),
    drop("aws_account", ORGANIZATION),
    drop("aws_ram", ORGANIZATION),
    drop("aws_servicecatalog", ORGANIZATION),
    drop("aws_servicecatalogappregistry", ORGANIZATION),
    drop("aws_servicequotas", ORGANIZATION),
    drop("aws_resourcegroups", RESOURCE_GROUP),
    drop("aws_budgets", BUDGET),
    drop("aws_ce", BUDGET),
    drop("aws_cur", BUDGET),
    // ---- networking plumbing (the VPC family itself is in rules::network) ---------------------
    drop("aws_flow_log", FLOW_LOG),
    drop("aws_default", DEFAULTS),
    drop("aws_default_subnet", DEFAULT_VPC),
    drop("aws_ec2_managed_prefix_list", PREFIX_LIST),
    drop(
        "aws_ec2_tag",
        "tags are carried on each emitted resource; DigitalOcean tags everything of the appliance with its instance-id tag",
    ),
    drop(
        "aws_ec2_instance_connect_endpoint",
        "droplets are reached with SSH keys (`digitalocean_ssh_key`) or the DigitalOcean console; no connect endpoint is needed",
    ),
    drop(
        "aws_placement_group",
        "DigitalOcean places droplets itself; placement groups have no equivalent",
    ),
    drop("aws_ebs_encryption_by_default", KMS),
    drop("aws_ebs_default_kms_key", KMS),
    drop(
        "aws_s3_account_public_access_block",
        "Spaces buckets and objects are private unless made `public-read`; an account-wide public access block has no equivalent",
    ),
    unsupported(
        "aws_network_interface",
        "elastic network interfaces",
        "a droplet has one public and one VPC interface; use a reserved IP (`digitalocean_reserved_ip`) for an address that moves between droplets",
    ),
    unsupported(
        "aws_route53_resolver",
        "Route 53 Resolver",
        "DigitalOcean VPCs resolve through DigitalOcean's resolvers; forward private zones from a resolver the appliance runs (e.g. CoreDNS on DOKS)",
    ),
    unsupported(
        "aws_cloudformation",
        "CloudFormation",
        "translate the template's resources to Terraform in the origin stack so Ferry maps them",
    ),
    drop("aws_vpc_ipam", IPAM),
    unsupported("aws_vpn", "Site-to-Site VPN", ALT_VPN),
    unsupported("aws_vpn_gateway", "VPN gateways", ALT_VPN),
    unsupported("aws_customer_gateway", "Site-to-Site VPN", ALT_VPN),
    unsupported("aws_ec2_client_vpn", "Client VPN", ALT_VPN),
    unsupported(
        "aws_ec2_transit_gateway",
        "Transit Gateway",
        "peer the appliance's VPCs pairwise with `digitalocean_vpc_peering`, and reach other networks through a VPN gateway droplet",
    ),
    unsupported(
        "aws_dx",
        "Direct Connect",
        "use a DigitalOcean partner network connection, or a VPN gateway droplet in the VPC",
    ),
    unsupported(
        "aws_networkmanager",
        "Network Manager",
        "DigitalOcean VPCs are managed one by one; peer them with `digitalocean_vpc_peering`",
    ),
    unsupported(
        "aws_networkfirewall",
        "Network Firewall",
        "filter traffic with cloud firewalls (`digitalocean_firewall`) on droplets and the load balancer's `firewall` block",
    ),
    unsupported(
        "aws_vpc_endpoint_service",
        "PrivateLink endpoint services",
        "expose the service through an internal load balancer (`network = \"INTERNAL\"`) and peer the consumer's VPC with `digitalocean_vpc_peering`",
    ),
    unsupported(
        "aws_service_discovery",
        "Cloud Map",
        "address services by Kubernetes DNS on DOKS (`<service>.<namespace>.svc.cluster.local`), or by private records in a `digitalocean_domain`",
    ),
    unsupported(
        "aws_route53recoverycontrolconfig",
        "Route 53 Application Recovery Controller",
        "fail over with a global load balancer (`digitalocean_loadbalancer` type `GLOBAL`)",
    ),
    // ---- data stores without a managed equivalent ---------------------------------------------
    unsupported(
        "aws_dynamodb",
        "DynamoDB",
        "use Managed MongoDB (`digitalocean_database_cluster` with engine `mongodb`) for documents, or Managed PostgreSQL (engine `pg`) with JSONB columns",
    ),
    unsupported(
        "aws_dax",
        "DynamoDB Accelerator",
        "cache with Managed Valkey (`digitalocean_database_cluster` with engine `valkey`)",
    ),
    unsupported(
        "aws_efs",
        "EFS",
        "use DigitalOcean Network File Storage (`digitalocean_nfs`): Ferry maps `aws_efs_file_system` to a share (mount targets folded in, file system policies dropped); access points folded into the share, replication and other EFS types have no mapping yet",
    ),
    drop(
        "aws_efs_backup_policy",
        "DigitalOcean NFS shares are backed up with snapshots (`digitalocean_nfs_snapshot`); EFS backup policies are not carried over",
    ),
    unsupported(
        "aws_fsx",
        "FSx",
        "use DigitalOcean Network File Storage (`digitalocean_nfs`) or Volumes (`digitalocean_volume`)",
    ),
    unsupported(
        "aws_memorydb",
        "MemoryDB",
        "use Managed Valkey (`digitalocean_database_cluster` with engine `valkey`)",
    ),
    unsupported(
        "aws_neptune",
        "Neptune",
        "run a graph database (e.g. Neo4j, JanusGraph) on DOKS or droplets, or model the graph in Managed PostgreSQL",
    ),
    unsupported(
        "aws_keyspaces",
        "Keyspaces",
        "run Cassandra or ScyllaDB on DOKS or droplets",
    ),
    unsupported(
        "aws_timestreamwrite",
        "Timestream",
        "use Managed PostgreSQL (`digitalocean_database_cluster` engine `pg`) with time-series tables",
    ),
    unsupported(
        "aws_qldb",
        "QLDB",
        "use Managed PostgreSQL with an append-only audit table",
    ),
    unsupported("aws_opensearch", "OpenSearch Service", ALT_OPENSEARCH),
    unsupported(
        "aws_opensearchserverless",
        "OpenSearch Serverless",
        ALT_OPENSEARCH,
    ),
    unsupported("aws_elasticsearch", "Elasticsearch Service", ALT_OPENSEARCH),
    unsupported("aws_msk", "MSK", ALT_KAFKA),
    unsupported(
        "aws_mskconnect",
        "MSK Connect",
        "run Kafka Connect on DOKS against Managed Kafka",
    ),
    // ---- messaging and streaming ---------------------------------------------------------------
    unsupported("aws_sqs", "SQS", ALT_KAFKA_QUEUE),
    unsupported(
        "aws_sns",
        "SNS",
        "publish to Managed Kafka topics (`digitalocean_database_kafka_topic`), or deliver webhooks and e-mail from the application",
    ),
    unsupported(
        "aws_mq",
        "Amazon MQ",
        "use Managed Kafka (engine `kafka`), or run RabbitMQ/ActiveMQ on DOKS",
    ),
    unsupported(
        "aws_kinesis",
        "Kinesis",
        "use Managed Kafka (`digitalocean_database_cluster` with engine `kafka`)",
    ),
    unsupported(
        "aws_kinesis_firehose",
        "Kinesis Data Firehose",
        "stream into Managed Kafka and sink with Kafka Connect on DOKS, or write to Spaces from the application",
    ),
    unsupported(
        "aws_kinesisanalyticsv2",
        "Managed Service for Apache Flink",
        "run Flink on DOKS against Managed Kafka",
    ),
    unsupported(
        "aws_kinesis_analytics",
        "Kinesis Data Analytics",
        "run Flink on DOKS against Managed Kafka",
    ),
    unsupported("aws_sfn", "Step Functions", ALT_WORKFLOW),
    unsupported("aws_swf", "Simple Workflow", ALT_WORKFLOW),
    // ---- edge and API ----------------------------------------------------------------------------
    unsupported(
        "aws_cloudfront",
        "CloudFront",
        "serve Spaces content through the Spaces CDN (`digitalocean_cdn`; Ferry maps a distribution whose only origin is an S3 bucket of the stack), and put a third-party CDN in front of load balancers",
    ),
    drop("aws_cloudfront_origin_access_identity", CDN_ACCESS),
    drop("aws_cloudfront_origin_access_control", CDN_ACCESS),
    drop("aws_cloudfront_cache_policy", CDN_POLICY),
    drop("aws_cloudfront_origin_request_policy", CDN_POLICY),
    drop("aws_cloudfront_response_headers_policy", CDN_POLICY),
    unsupported(
        "aws_api_gateway",
        "API Gateway",
        "route HTTP with a DigitalOcean load balancer (one forwarding rule per port), App Platform routes, or a Kubernetes Ingress on DOKS; DigitalOcean Functions have their own HTTPS URLs",
    ),
    unsupported(
        "aws_apigatewayv2",
        "API Gateway v2",
        "route HTTP with a DigitalOcean load balancer (one forwarding rule per port), App Platform routes, or a Kubernetes Ingress on DOKS; WebSocket APIs run as a service behind the load balancer",
    ),
    unsupported(
        "aws_appsync",
        "AppSync",
        "run a GraphQL server (e.g. Apollo, Hasura) on DOKS or App Platform",
    ),
    unsupported(
        "aws_wafv2",
        "WAF",
        "the load balancer `firewall` block allows or denies source IPs and CIDRs only; run a WAF in the cluster's ingress (e.g. Coraza/ModSecurity) or a third-party WAF in front",
    ),
    unsupported(
        "aws_waf",
        "WAF Classic",
        "the load balancer `firewall` block allows or denies source IPs and CIDRs only; run a WAF in the cluster's ingress or a third-party WAF in front",
    ),
    unsupported(
        "aws_wafregional",
        "WAF Classic",
        "the load balancer `firewall` block allows or denies source IPs and CIDRs only; run a WAF in the cluster's ingress or a third-party WAF in front",
    ),
    unsupported(
        "aws_shield",
        "Shield Advanced",
        "DigitalOcean applies network-level DDoS protection to droplets and load balancers without configuration; put a third-party DDoS/WAF service in front for more",
    ),
    unsupported(
        "aws_globalaccelerator",
        "Global Accelerator",
        "put a global load balancer (`digitalocean_loadbalancer` type `GLOBAL`, `glb_settings`) in front of regional load balancers",
    ),
    // ---- identity for applications, messaging for people ------------------------------------------
    unsupported(
        "aws_cognito",
        "Cognito",
        "self-host Keycloak on DOKS, or use an identity provider such as Auth0",
    ),
    unsupported(
        "aws_ses",
        "SES",
        "send e-mail through a third-party service (e.g. SendGrid, Postmark, Mailgun); DigitalOcean offers no e-mail sending service",
    ),
    unsupported(
        "aws_sesv2",
        "SES",
        "send e-mail through a third-party service (e.g. SendGrid, Postmark, Mailgun); DigitalOcean offers no e-mail sending service",
    ),
    unsupported(
        "aws_pinpoint",
        "Pinpoint",
        "send messages through a third-party service (e.g. Twilio, SendGrid)",
    ),
    unsupported(
        "aws_chime",
        "Chime SDK",
        "use a third-party real-time communications service",
    ),
    // ---- developer tools ------------------------------------------------------------------------------
    unsupported("aws_codepipeline", "CodePipeline", ALT_CICD),
    unsupported("aws_codebuild", "CodeBuild", ALT_CICD),
    unsupported("aws_codedeploy", "CodeDeploy", ALT_CICD),
    unsupported(
        "aws_codecommit",
        "CodeCommit",
        "host the repository on GitHub or GitLab; CI pushes images to the appliance's DigitalOcean Container Registry",
    ),
    unsupported("aws_codestarconnections", "CodeStar Connections", ALT_CICD),
    unsupported(
        "aws_codestarnotifications",
        "CodeStar Notifications",
        ALT_CICD,
    ),
    unsupported(
        "aws_codeartifact",
        "CodeArtifact",
        "publish packages to a hosted package registry (e.g. GitHub Packages)",
    ),
    drop("aws_ecr_lifecycle_policy", ECR_LIFECYCLE),
    unsupported(
        "aws_cloud9",
        "Cloud9",
        "develop locally or in a hosted IDE; the appliance needs no IDE",
    ),
    // ---- analytics and ML ----------------------------------------------------------------------------
    unsupported("aws_athena", "Athena", ALT_ANALYTICS),
    unsupported("aws_glue", "Glue", ALT_ANALYTICS),
    unsupported("aws_redshift", "Redshift", ALT_ANALYTICS),
    unsupported(
        "aws_redshiftserverless",
        "Redshift Serverless",
        ALT_ANALYTICS,
    ),
    unsupported("aws_emr", "EMR", ALT_ANALYTICS),
    unsupported("aws_emrserverless", "EMR Serverless", ALT_ANALYTICS),
    unsupported("aws_emrcontainers", "EMR on EKS", ALT_ANALYTICS),
    unsupported("aws_lakeformation", "Lake Formation", ALT_ANALYTICS),
    unsupported(
        "aws_quicksight",
        "QuickSight",
        "run a BI tool (e.g. Metabase, Superset) on DOKS or App Platform against Managed PostgreSQL",
    ),
    unsupported("aws_datapipeline", "Data Pipeline", ALT_ANALYTICS),
    unsupported(
        "aws_dms",
        "Database Migration Service",
        "migrate with `digitalocean_database_online_migration` or the engine's own dump/restore tools before the appliance goes live",
    ),
    unsupported(
        "aws_datasync",
        "DataSync",
        "copy data with rclone or the S3 API into Spaces before the appliance goes live",
    ),
    unsupported(
        "aws_sagemaker",
        "SageMaker",
        "serve models on GPU Droplets or DOKS GPU node pools, or use DigitalOcean's GenAI Platform for hosted models",
    ),
    unsupported(
        "aws_bedrock",
        "Bedrock",
        "use DigitalOcean's GenAI Platform, or serve models on GPU Droplets",
    ),
    unsupported(
        "aws_bedrockagent",
        "Bedrock Agents",
        "use DigitalOcean's GenAI Platform agents",
    ),
    unsupported(
        "aws_comprehend",
        "Comprehend",
        "run the model in the application or on GPU Droplets",
    ),
    unsupported(
        "aws_rekognition",
        "Rekognition",
        "run the model in the application or on GPU Droplets",
    ),
    // ---- compute platforms --------------------------------------------------------------------------
    unsupported(
        "aws_batch",
        "AWS Batch",
        "run batch work as Kubernetes Jobs or CronJobs on DOKS",
    ),
    unsupported(
        "aws_lightsail",
        "Lightsail",
        "use Droplets (`digitalocean_droplet`), DigitalOcean's closest product; write them in the origin with an `aws_instance` or by hand",
    ),
    unsupported(
        "aws_amplify",
        "Amplify",
        "build and host the front end as an App Platform static site (`digitalocean_app`)",
    ),
    unsupported(
        "aws_elastic_beanstalk",
        "Elastic Beanstalk",
        "run the application as App Platform services (`digitalocean_app`) or as workloads on DOKS",
    ),
    unsupported(
        "aws_apprunner",
        "App Runner",
        "run the service on App Platform (`digitalocean_app`) or on DOKS",
    ),
    unsupported(
        "aws_gamelift",
        "GameLift",
        "run game servers on droplets or DOKS (e.g. Agones)",
    ),
    unsupported(
        "aws_transfer",
        "Transfer Family",
        "run an SFTP server on a droplet or in the cluster, backed by Spaces or a Volume",
    ),
    unsupported(
        "aws_workspaces",
        "WorkSpaces",
        "use a third-party virtual desktop service",
    ),
    unsupported(
        "aws_appstream",
        "AppStream",
        "use a third-party application streaming service",
    ),
    unsupported(
        "aws_iot",
        "IoT Core",
        "run an MQTT broker (e.g. EMQX, Mosquitto) on DOKS or droplets",
    ),
    unsupported(
        "aws_directory_service",
        "Directory Service",
        "run a directory (e.g. Samba AD, OpenLDAP) on droplets, or use a hosted identity provider",
    ),
    // ---- workloads (the types Ferry maps have rules in rules::ecs / ecr / secrets) ----------------
    unsupported(
        "aws_ecs_task_set",
        "ECS task sets (external deployment controllers)",
        "deploy with the Kubernetes Deployment's rolling update, or a progressive-delivery controller (e.g. Argo Rollouts) on DOKS",
    ),
    drop("aws_ecr", ECR_SETTINGS),
];

/// The family of an AWS type: the longest root that is the type or a `root_` prefix of it.
pub fn lookup(ty: &str) -> Option<&'static Family> {
    FAMILIES
        .iter()
        .filter(|f| {
            ty == f.root
                || (ty.len() > f.root.len()
                    && ty.starts_with(f.root)
                    && ty.as_bytes().get(f.root.len()) == Some(&b'_'))
        })
        .max_by_key(|f| f.root.len())
}

/// Records the catalog outcome of `family` for `r` (called by the generic fallback).
pub fn apply(family: &Family, r: &Resource, cx: &mut Cx<'_>) {
    let addr = r.address();
    match (family.treatment, r.mode) {
        (Treatment::Dropped(note), _) => drop_with(r, cx, note),
        (
            Treatment::Unsupported {
                service,
                alternative,
            },
            Mode::Managed,
        ) => {
            let runs = beanstalk_summary(r, cx)
                .map(|s| format!(" (what it runs: {s})"))
                .unwrap_or_default();
            cx.unsupported(
                r,
                Code::UnsupportedService,
                format!("`{addr}` uses {service}, which DigitalOcean does not offer"),
                format!("{alternative}{runs}; then remove `{addr}` from the origin stack"),
            )
        }
        (
            Treatment::Unsupported {
                service,
                alternative,
            },
            Mode::Data,
        ) => super::generic::unsupported_data(
            r,
            cx,
            format!(
                "data source `{addr}` reads {service}, which DigitalOcean does not offer; references to it become `null`"
            ),
            alternative.to_string(),
        ),
    }
}

/// What an Elastic Beanstalk environment runs, from its platform and `setting` blocks, for the
/// help of its F302 error: the platform, instance type, instance range, load balancer, health
/// check path and the names (never the values) of its environment variables.
fn beanstalk_summary(r: &Resource, cx: &Cx<'_>) -> Option<String> {
    if r.ty != "aws_elastic_beanstalk_environment" {
        return None;
    }
    let text = |e: &Expression| cx.eval.string(e);
    let mut parts: Vec<String> = Vec::new();
    if let Some(p) = ["solution_stack_name", "platform_arn"]
        .iter()
        .find_map(|k| hclx::attr(&r.body, k).and_then(text))
    {
        parts.push(format!("platform `{p}`"));
    }
    let setting = |ns: &str, name: &str| -> Option<String> {
        hclx::blocks(&r.body, "setting").iter().find_map(|b| {
            let n = hclx::attr(b, "namespace").and_then(text)?;
            let k = hclx::attr(b, "name").and_then(text)?;
            if n != ns || k != name {
                return None;
            }
            hclx::attr(b, "value").and_then(|e| {
                cx.eval.value(e).map(|v| match v {
                    hcl::Value::String(s) => s,
                    other => other.to_string(),
                })
            })
        })
    };
    if let Some(t) = setting("aws:autoscaling:launchconfiguration", "InstanceType")
        .or_else(|| setting("aws:ec2:instances", "InstanceTypes"))
    {
        parts.push(format!("instance type `{t}`"));
    }
    match (
        setting("aws:autoscaling:asg", "MinSize"),
        setting("aws:autoscaling:asg", "MaxSize"),
    ) {
        (Some(lo), Some(hi)) => parts.push(format!("{lo} to {hi} instances")),
        (None, Some(hi)) => parts.push(format!("up to {hi} instances")),
        _ => {}
    }
    if let Some(lb) = setting("aws:elasticbeanstalk:environment", "LoadBalancerType") {
        parts.push(format!("an `{lb}` load balancer"));
    }
    if let Some(path) = setting(
        "aws:elasticbeanstalk:environment:process:default",
        "HealthCheckPath",
    ) {
        parts.push(format!("health check `{path}`"));
    }
    let vars: Vec<String> = hclx::blocks(&r.body, "setting")
        .iter()
        .filter(|b| {
            hclx::attr(b, "namespace").and_then(text).as_deref()
                == Some("aws:elasticbeanstalk:application:environment")
        })
        .filter_map(|b| hclx::attr(b, "name").and_then(text))
        .map(|n| format!("`{n}`"))
        .collect();
    if !vars.is_empty() {
        parts.push(format!("environment variables {}", vars.join(", ")));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Drops `r` with `note`; its usual attributes are reported with the same reason when
/// referenced.
pub fn drop_with(r: &Resource, cx: &mut Cx<'_>, note: &str) {
    cx.drop(r, note);
    for attr in ["id", "arn", "name"] {
        cx.export(r, attr, Export::Unmapped(note.to_string().into()));
    }
}

/// Records an outcome without emitting anything: references resolve through exports only.
fn resolved(r: &Resource, cx: &mut Cx<'_>, outcome: Outcome, note: impl Into<String>) {
    cx.st.outcomes.insert(
        r.address().to_string(),
        OutcomeRec {
            outcome,
            targets: vec![],
            note: Some(note.into()),
        },
    );
}

// ---- rules ------------------------------------------------------------------------------------

/// A type of a dropped family with its own rule: the note comes from [`FAMILIES`].
const fn dropped(ty: &'static str, summary: &'static str) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[],
        args: &[],
        summary,
        map: drop_by_family,
    }
}

fn drop_by_family(r: &Resource, cx: &mut Cx<'_>) {
    match lookup(&r.ty).map(|f| f.treatment) {
        Some(Treatment::Dropped(note)) => drop_with(r, cx, note),
        _ => drop_with(r, cx, "no meaning on DigitalOcean"),
    }
}

const fn data(
    ty: &'static str,
    phase: Phase,
    produces: &'static [&'static str],
    args: &'static [&'static str],
    summary: &'static str,
    map: fn(&Resource, &mut Cx<'_>),
) -> RuleDef {
    RuleDef {
        ty,
        mode: Mode::Data,
        phase,
        produces,
        args,
        summary,
        map,
    }
}

pub const RULES: &[RuleDef] = &[
    // IAM
    dropped(
        "aws_iam_role",
        "IAM role → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_policy",
        "IAM policy → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_role_policy",
        "inline IAM role policy → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_role_policy_attachment",
        "IAM role policy attachment → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_policy_attachment",
        "IAM policy attachment → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_user",
        "IAM user → dropped (access is governed by the appliance's phase tokens)",
    ),
    dropped(
        "aws_iam_user_policy",
        "inline IAM user policy → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_user_policy_attachment",
        "IAM user policy attachment → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_user_group_membership",
        "IAM user group membership → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_user_login_profile",
        "IAM console password → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_group",
        "IAM group → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_group_policy",
        "inline IAM group policy → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_group_policy_attachment",
        "IAM group policy attachment → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_group_membership",
        "IAM group membership → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_instance_profile",
        "EC2 instance profile → dropped (droplets carry no IAM role)",
    ),
    dropped(
        "aws_iam_openid_connect_provider",
        "IAM OIDC provider (IRSA) → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_saml_provider",
        "IAM SAML provider → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_service_linked_role",
        "service-linked role → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_iam_access_key",
        "IAM access key → dropped (the controller holds the appliance's DigitalOcean tokens)",
    ),
    dropped(
        "aws_iam_account_password_policy",
        "account password policy → dropped (DigitalOcean has no IAM)",
    ),
    // KMS
    dropped(
        "aws_kms_key",
        "KMS key → dropped (DigitalOcean encrypts at rest with platform keys)",
    ),
    dropped(
        "aws_kms_alias",
        "KMS alias → dropped (DigitalOcean encrypts at rest with platform keys)",
    ),
    dropped(
        "aws_kms_grant",
        "KMS grant → dropped (DigitalOcean encrypts at rest with platform keys)",
    ),
    dropped(
        "aws_kms_key_policy",
        "KMS key policy → dropped (DigitalOcean encrypts at rest with platform keys)",
    ),
    dropped(
        "aws_kms_replica_key",
        "KMS replica key → dropped (DigitalOcean encrypts at rest with platform keys)",
    ),
    // CloudWatch
    dropped(
        "aws_cloudwatch_log_group",
        "log group → dropped (DigitalOcean keeps droplet, DOKS and database logs; the controller forwards them)",
    ),
    dropped(
        "aws_cloudwatch_log_stream",
        "log stream → dropped (DigitalOcean keeps the logs itself)",
    ),
    dropped(
        "aws_cloudwatch_log_subscription_filter",
        "log subscription filter → dropped (the controller forwards logs to the appliance's sinks)",
    ),
    dropped(
        "aws_cloudwatch_log_metric_filter",
        "log metric filter → dropped (DigitalOcean Monitoring collects its own metrics)",
    ),
    dropped(
        "aws_cloudwatch_log_resource_policy",
        "log resource policy → dropped (DigitalOcean has no IAM)",
    ),
    dropped(
        "aws_cloudwatch_dashboard",
        "CloudWatch dashboard → dropped (DigitalOcean Monitoring and the Ferry dashboard graph the appliance)",
    ),
    dropped(
        "aws_cloudwatch_composite_alarm",
        "composite alarm → dropped (DigitalOcean alerts cannot be combined)",
    ),
    RuleDef {
        ty: "aws_cloudwatch_metric_alarm",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &["digitalocean_monitor_alert"],
        args: &[
            "alarm_name",
            "alarm_description",
            "namespace",
            "metric_name",
            "dimensions",
            "comparison_operator",
            "threshold",
            "period",
            "evaluation_periods",
            "actions_enabled",
            "alarm_actions",
        ],
        summary: "CPU alarm on an EC2 instance or RDS database → digitalocean_monitor_alert; other alarms → dropped with a warning",
        map: metric_alarm,
    },
    // Application Auto Scaling: targets and policies of ECS services are mapped by rules::ecs.
    dropped(
        "aws_appautoscaling_scheduled_action",
        "Application Auto Scaling schedule → dropped (scale on a schedule with a Kubernetes CronJob that patches the HorizontalPodAutoscaler)",
    ),
    // EC2 Auto Scaling extras
    // `aws_autoscaling_policy` is mapped with the group by `rules::ec2` (CPU target tracking →
    // the pool's `target_cpu_utilization`).
    RuleDef {
        ty: "aws_autoscaling_attachment",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &[
            "autoscaling_group_name",
            "lb_target_group_arn",
            "alb_target_group_arn",
            "elb",
        ],
        summary: "group ↔ load balancer attachment → absorbed into the droplet autoscale pool (load balancers reach pools by droplet tag)",
        map: autoscaling_attachment,
    },
    RuleDef {
        ty: "aws_autoscaling_traffic_source_attachment",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &[],
        args: &["autoscaling_group_name", "traffic_source"],
        summary: "group ↔ traffic source (load balancer) attachment → absorbed into the droplet autoscale pool (load balancers reach pools by droplet tag)",
        map: autoscaling_attachment,
    },
    // Operations, governance, security
    dropped(
        "aws_ssm_document",
        "Systems Manager document → dropped (operations run through Ferry's Operate phase)",
    ),
    dropped(
        "aws_ssm_association",
        "Systems Manager association → dropped (operations run through Ferry's Operate phase)",
    ),
    dropped(
        "aws_ssm_maintenance_window",
        "Systems Manager maintenance window → dropped (the customer approves Operate windows)",
    ),
    dropped(
        "aws_backup_plan",
        "backup plan → dropped (managed databases are backed up daily; droplets use `backups = true`)",
    ),
    dropped(
        "aws_backup_vault",
        "backup vault → dropped (DigitalOcean stores backups itself)",
    ),
    dropped(
        "aws_backup_selection",
        "backup selection → dropped (managed databases are backed up daily; droplets use `backups = true`)",
    ),
    dropped(
        "aws_backup_vault_policy",
        "backup vault policy → dropped (DigitalOcean stores backups itself)",
    ),
    dropped(
        "aws_backup_vault_notifications",
        "backup vault notifications → dropped (DigitalOcean stores backups itself)",
    ),
    dropped(
        "aws_config_config_rule",
        "AWS Config rule → dropped (account-level security service)",
    ),
    dropped(
        "aws_config_configuration_recorder",
        "AWS Config recorder → dropped (account-level security service)",
    ),
    dropped(
        "aws_config_configuration_recorder_status",
        "AWS Config recorder status → dropped (account-level security service)",
    ),
    dropped(
        "aws_config_delivery_channel",
        "AWS Config delivery channel → dropped (account-level security service)",
    ),
    dropped(
        "aws_config_conformance_pack",
        "AWS Config conformance pack → dropped (account-level security service)",
    ),
    dropped(
        "aws_guardduty_detector",
        "GuardDuty detector → dropped (account-level security service)",
    ),
    dropped(
        "aws_guardduty_detector_feature",
        "GuardDuty feature → dropped (account-level security service)",
    ),
    dropped(
        "aws_guardduty_member",
        "GuardDuty member → dropped (account-level security service)",
    ),
    dropped(
        "aws_securityhub_account",
        "Security Hub → dropped (account-level security service)",
    ),
    dropped(
        "aws_securityhub_standards_subscription",
        "Security Hub standard → dropped (account-level security service)",
    ),
    dropped(
        "aws_cloudtrail",
        "CloudTrail trail → dropped (Ferry's audit log records every change to the appliance)",
    ),
    dropped(
        "aws_accessanalyzer_analyzer",
        "IAM Access Analyzer → dropped (account-level security service)",
    ),
    dropped(
        "aws_resourcegroups_group",
        "resource group → dropped (the appliance's digitalocean_project groups its resources)",
    ),
    dropped(
        "aws_budgets_budget",
        "budget → dropped (billing alerts are per DigitalOcean account)",
    ),
    dropped(
        "aws_flow_log",
        "VPC flow log → dropped (DigitalOcean VPCs have no flow logs)",
    ),
    dropped(
        "aws_default_subnet",
        "a default subnet → dropped (DigitalOcean VPCs have no subnets)",
    ),
    dropped(
        "aws_default_vpc_dhcp_options",
        "default DHCP options → dropped (DigitalOcean VPCs use DigitalOcean's resolvers)",
    ),
    // CloudFront
    RuleDef {
        ty: "aws_cloudfront_distribution",
        mode: Mode::Managed,
        phase: Phase::Attach,
        produces: &["digitalocean_cdn"],
        args: &[
            "origin",
            "enabled",
            "aliases",
            "comment",
            "default_cache_behavior",
            "viewer_certificate",
            "price_class",
            "is_ipv6_enabled",
            "http_version",
            "restrictions",
            "wait_for_deployment",
            "retain_on_delete",
            "staging",
            "continuous_deployment_policy_id",
            "ordered_cache_behavior",
            "web_acl_id",
            "default_root_object",
            "custom_error_response",
        ],
        summary: "CloudFront distribution with one S3-bucket origin → digitalocean_cdn on the Spaces bucket; others unsupported",
        map: cloudfront_distribution,
    },
    dropped(
        "aws_cloudfront_origin_access_identity",
        "origin access identity → dropped (the Spaces CDN serves public objects)",
    ),
    dropped(
        "aws_cloudfront_origin_access_control",
        "origin access control → dropped (the Spaces CDN serves public objects)",
    ),
    dropped(
        "aws_cloudfront_cache_policy",
        "cache policy → dropped (the Spaces CDN has one TTL per endpoint)",
    ),
    dropped(
        "aws_cloudfront_origin_request_policy",
        "origin request policy → dropped (the Spaces CDN has one TTL per endpoint)",
    ),
    dropped(
        "aws_cloudfront_response_headers_policy",
        "response headers policy → dropped (the Spaces CDN has one TTL per endpoint)",
    ),
    // Managed Kafka and OpenSearch
    RuleDef {
        ty: "aws_msk_cluster",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_database_cluster"],
        args: &[
            "cluster_name",
            "kafka_version",
            "number_of_broker_nodes",
            "broker_node_group_info",
            "client_authentication",
            "encryption_info",
            "configuration_info",
            "enhanced_monitoring",
            "open_monitoring",
            "logging_info",
        ],
        summary: "MSK cluster → digitalocean_database_cluster engine kafka 3.8, 3 nodes, size by broker shape",
        map: msk_cluster,
    },
    RuleDef {
        ty: "aws_msk_configuration",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &[],
        args: &["name", "kafka_versions", "server_properties", "description"],
        summary: "MSK configuration → dropped with a warning (server properties are set per cluster with digitalocean_database_kafka_config)",
        map: msk_configuration,
    },
    RuleDef {
        ty: "aws_opensearch_domain",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_database_cluster"],
        args: OPENSEARCH_ARGS,
        summary: "OpenSearch domain → digitalocean_database_cluster engine opensearch 2, size and node count by cluster_config",
        map: opensearch_domain,
    },
    RuleDef {
        ty: "aws_elasticsearch_domain",
        mode: Mode::Managed,
        phase: Phase::Primary,
        produces: &["digitalocean_database_cluster"],
        args: OPENSEARCH_ARGS,
        summary: "Elasticsearch domain → digitalocean_database_cluster engine opensearch 2 (flagged: Elasticsearch clients must speak OpenSearch)",
        map: opensearch_domain,
    },
    // Data sources
    data(
        "aws_region",
        Phase::Primary,
        &[],
        &["name", "region", "id", "endpoint"],
        "AWS region → references become var.region",
        region_data,
    ),
    data(
        "aws_availability_zones",
        Phase::Primary,
        &[],
        &[
            "state",
            "all_availability_zones",
            "exclude_names",
            "exclude_zone_ids",
            "filter",
        ],
        "availability zones → references become [var.region] (one DigitalOcean region is one datacenter)",
        availability_zones_data,
    ),
    data(
        "aws_availability_zone",
        Phase::Primary,
        &[],
        &[
            "name",
            "zone_id",
            "state",
            "all_availability_zones",
            "filter",
        ],
        "availability zone → references become var.region",
        availability_zone_data,
    ),
    data(
        "aws_caller_identity",
        Phase::Primary,
        &[],
        &[],
        "caller identity → dropped (DigitalOcean has no AWS account id; use var.instance_id for uniqueness)",
        caller_identity_data,
    ),
    data(
        "aws_partition",
        Phase::Primary,
        &[],
        &[],
        "partition → dropped (ARNs have no meaning on DigitalOcean)",
        partition_data,
    ),
    data(
        "aws_iam_policy_document",
        Phase::Primary,
        &[],
        &[],
        "IAM policy document → dropped (IAM policies have no meaning on DigitalOcean)",
        policy_document_data,
    ),
    data(
        "aws_acm_certificate",
        Phase::Attach,
        &["digitalocean_certificate"],
        &[
            "domain",
            "statuses",
            "types",
            "key_types",
            "most_recent",
            "tags",
        ],
        "ACM certificate lookup → the stack's mapped certificate for that domain, else data digitalocean_certificate by name",
        acm_certificate_data,
    ),
    data(
        "aws_eks_cluster",
        Phase::Attach,
        &[],
        &["name"],
        "EKS cluster lookup → the DOKS cluster the stack's aws_eks_cluster of that name became",
        eks_cluster_data,
    ),
    data(
        "aws_eks_cluster_auth",
        Phase::Attach,
        &[],
        &["name"],
        "EKS cluster token → kube_config[0].token of the DOKS cluster the stack's aws_eks_cluster became",
        eks_cluster_data,
    ),
];

// ---- helpers ----------------------------------------------------------------------------------

/// A static string inside a nested block (`broker_node_group_info { instance_type = … }`).
fn nested_str(cx: &mut Cx<'_>, r: &Resource, path: &[&str], key: &str) -> Option<String> {
    let body = nested(r, path)?;
    let e = hclx::attr(&body, key)?;
    let v = cx.eval.string(e);
    if v.is_none() && !matches!(e, Expression::Null) {
        let what = format!("{}.{key}", path.join("."));
        cx.diag(
            Diagnostic::new(
                Code::NotStatic,
                format!("`{what}` of `{}` is not known at compile time; Ferry used its default for the mapping", r.address()),
            )
            .at(r.loc_of(path.first().copied().unwrap_or(key)))
            .resource(r.address())
            .help(format!("give `{what}` a literal value or a variable default so Ferry can choose the DigitalOcean equivalent")),
        );
    }
    v
}

fn nested_num(cx: &Cx<'_>, r: &Resource, path: &[&str], key: &str) -> Option<f64> {
    let body = nested(r, path)?;
    hclx::attr(&body, key).and_then(|e| cx.eval.number(e))
}

fn nested_bool(cx: &Cx<'_>, r: &Resource, path: &[&str], key: &str) -> Option<bool> {
    let body = nested(r, path)?;
    hclx::attr(&body, key).and_then(|e| cx.eval.bool(e))
}

/// Does `body` have a `name` block, written out or as `dynamic "name"`?
fn has_block(body: &Body, name: &str) -> bool {
    !hclx::blocks(body, name).is_empty()
        || body.blocks().any(|b| {
            b.identifier() == "dynamic" && b.labels.first().is_some_and(|l| l.as_str() == name)
        })
}

/// The first nested block along `path`.
fn nested(r: &Resource, path: &[&str]) -> Option<Body> {
    let mut body = r.body.clone();
    for p in path {
        body = hclx::blocks(&body, p).into_iter().next()?.into_owned();
    }
    Some(body)
}

/// The emitted target of the origin resource `e` refers to, when its type starts with `prefix`.
fn mapped_target(cx: &Cx<'_>, e: &Expression, prefix: &str) -> Option<(Resource, String)> {
    let origin = cx.resolve_ref(e)?;
    let target = cx
        .st
        .outcomes
        .get(origin.address())?
        .targets
        .iter()
        .find(|t| t.starts_with(prefix))?
        .clone();
    Some((origin.clone(), target))
}

/// `target.attr` as an expression (`digitalocean_droplet.web.id`), or `None` when the target
/// repeats (its index cannot be chosen here).
fn target_attr(cx: &Cx<'_>, target: &str, attr: &str) -> Option<Expression> {
    if cx.st.find(target).is_some_and(|e| e.meta.is_repeated()) {
        return None;
    }
    let mut parts: Vec<&str> = target.split('.').collect();
    parts.push(attr);
    Some(hclx::path(&parts))
}

fn warn(cx: &mut Cx<'_>, r: &Resource, at: &str, code: Code, message: String, help: &str) {
    cx.diag(
        Diagnostic::new(code, message)
            .at(r.loc_of(at))
            .resource(r.address())
            .help(help),
    );
}

fn num_expr(n: u32) -> Expression {
    Expression::Number(n.into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::out::OutBody;
    use std::collections::BTreeSet;

    #[test]
    fn roots_are_unique_and_well_formed() {
        let mut seen = BTreeSet::new();
        for f in FAMILIES {
            assert!(seen.insert(f.root), "duplicate root {}", f.root);
            assert!(
                f.root.starts_with("aws_") && !f.root.ends_with('_'),
                "bad root {}",
                f.root
            );
        }
    }

    #[test]
    fn longest_root_wins() {
        let t = |ty: &str| lookup(ty).map(|f| f.root);
        assert_eq!(t("aws_iam_role"), Some("aws_iam"));
        assert_eq!(
            t("aws_iam_server_certificate"),
            Some("aws_iam_server_certificate")
        );
        assert_eq!(t("aws_ssm_parameter"), Some("aws_ssm"));
        assert_eq!(t("aws_ssm_document"), Some("aws_ssm"));
        assert_eq!(t("aws_dynamodb_table_replica"), Some("aws_dynamodb"));
        assert_eq!(t("aws_cloudwatch_log_group"), Some("aws_cloudwatch_log"));
        assert_eq!(t("aws_cloudwatch_event_rule"), Some("aws_cloudwatch_event"));
        assert_eq!(t("aws_cloudwatch_metric_stream"), Some("aws_cloudwatch"));
        assert_eq!(
            t("aws_kinesis_firehose_delivery_stream"),
            Some("aws_kinesis_firehose")
        );
        assert_eq!(t("aws_kinesis_stream"), Some("aws_kinesis"));
        assert_eq!(t("aws_default_subnet"), Some("aws_default_subnet"));
        assert_eq!(t("aws_default_tags"), Some("aws_default"));
        assert_eq!(t("aws_ecs_task_set"), Some("aws_ecs_task_set"));
        assert_eq!(
            t("aws_ecr_lifecycle_policy"),
            Some("aws_ecr_lifecycle_policy")
        );
        assert_eq!(t("aws_ecr_registry_policy"), Some("aws_ecr"));
        // A root matches whole words only.
        assert_eq!(
            t("aws_kinesisanalyticsv2_application"),
            Some("aws_kinesisanalyticsv2")
        );
        assert_eq!(t("aws_vpc"), None);
        assert_eq!(t("aws_vpc_endpoint"), None);
        assert_eq!(
            t("aws_vpc_endpoint_service"),
            Some("aws_vpc_endpoint_service")
        );
        assert_eq!(t("aws_foo_bar"), None);
        // Types other rules map never reach the catalog, but it must not claim them either.
        for ty in [
            "aws_autoscaling_group",
            "aws_instance",
            "aws_db_instance",
            "aws_s3_bucket",
            "aws_lb",
            "aws_eks_cluster",
            "aws_eip",
        ] {
            assert_eq!(t(ty), None, "{ty}");
        }
    }

    /// Runs the rules of `types` over `origin`, after pretending that other rules mapped
    /// `mapped` (origin address → emitted address), and returns the state.
    fn run(origin: &str, mapped: &[(&str, &str)], types: &[&str]) -> super::super::State {
        use crate::out::Emitted;
        let files = [("main.tf".to_string(), origin.to_string())]
            .into_iter()
            .collect();
        let mut diags = Vec::new();
        let parsed = crate::origin::parse(&files, &mut diags);
        assert!(diags.is_empty(), "{diags:?}");
        let module = &parsed.modules[""];
        let eval = crate::eval::Eval::new(module, &module.tfvars, None);
        let options = crate::Options::default();
        let mut st = super::super::State::default();
        for (origin, target) in mapped {
            let (ty, name) = target.split_once('.').expect("type.name");
            st.emitted.push(Emitted {
                mode: Mode::Managed,
                ty: ty.into(),
                name: name.into(),
                body: OutBody::new(),
                meta: Default::default(),
                origin: Some(origin.to_string()),
            });
            st.outcomes.insert(
                origin.to_string(),
                OutcomeRec {
                    outcome: Outcome::Mapped,
                    targets: vec![target.to_string()],
                    note: None,
                },
            );
        }
        let index = super::super::index();
        for r in &module.resources {
            if !types.contains(&r.ty.as_str()) {
                continue;
            }
            let Some(rule) = index.get(&(r.mode, r.ty.as_str())) else {
                continue;
            };
            let mut cx = Cx {
                module,
                resources: &module.resources,
                eval: &eval,
                options: &options,
                st: &mut st,
                xmod: &crate::xmod::NONE,
                at_deploy: &std::collections::BTreeSet::new(),
            };
            (rule.map)(r, &mut cx);
        }
        st
    }

    fn export<'s>(st: &'s super::super::State, addr: &str, attr: &str) -> &'s Export {
        st.exports[addr].attrs.get(attr).expect("exported")
    }

    #[test]
    fn eks_lookups_read_the_mapped_cluster() {
        let st = run(
            r#"
            resource "aws_eks_cluster" "main" { name = "platform" }
            data "aws_eks_cluster" "by_name" { name = "platform" }
            data "aws_eks_cluster_auth" "by_ref" { name = aws_eks_cluster.main.name }
            data "aws_eks_cluster" "other" { name = "elsewhere" }
            "#,
            &[(
                "aws_eks_cluster.main",
                "digitalocean_kubernetes_cluster.main",
            )],
            &["aws_eks_cluster", "aws_eks_cluster_auth"],
        );
        let t = "digitalocean_kubernetes_cluster.main".to_string();
        assert_eq!(
            st.outcomes["data.aws_eks_cluster.by_name"].outcome,
            Outcome::Absorbed
        );
        assert_eq!(
            export(&st, "data.aws_eks_cluster.by_name", "endpoint"),
            &Export::Attr {
                target: t.clone(),
                attr: "endpoint".into()
            }
        );
        assert_eq!(
            export(&st, "data.aws_eks_cluster.by_name", "certificate_authority"),
            &Export::Tmpl {
                target: t.clone(),
                tmpl: "$T.kube_config[0].cluster_ca_certificate".into()
            }
        );
        assert_eq!(
            export(&st, "data.aws_eks_cluster_auth.by_ref", "token"),
            &Export::Tmpl {
                target: t,
                tmpl: "$T.kube_config[0].token".into()
            }
        );
        assert_eq!(
            st.outcomes["data.aws_eks_cluster.other"].outcome,
            Outcome::Unsupported
        );
        assert!(
            st.diags
                .iter()
                .any(|d| d.code == "F310" && d.message.contains("data.aws_eks_cluster.other"))
        );
    }

    #[test]
    fn acm_lookup_prefers_the_stacks_own_certificate() {
        let st = run(
            r#"
            resource "aws_acm_certificate" "site" { domain_name = "shop.example.com" }
            data "aws_acm_certificate" "site" { domain = "shop.example.com" }
            "#,
            &[("aws_acm_certificate.site", "digitalocean_certificate.site")],
            &["aws_acm_certificate"],
        );
        assert_eq!(
            st.outcomes["data.aws_acm_certificate.site"].outcome,
            Outcome::Absorbed
        );
        assert_eq!(
            export(&st, "data.aws_acm_certificate.site", "arn"),
            &Export::Attr {
                target: "digitalocean_certificate.site".into(),
                attr: "name".into()
            }
        );
        assert!(
            st.emitted.iter().all(|e| e.mode == Mode::Managed),
            "no lookup emitted"
        );
    }

    #[test]
    fn rds_cpu_alarm_becomes_a_database_alert() {
        let st = run(
            r#"
            resource "aws_db_instance" "db" { identifier = "shop" }
            resource "aws_cloudwatch_metric_alarm" "db_cpu" {
              alarm_name          = "db-cpu"
              namespace           = "AWS/RDS"
              metric_name         = "CPUUtilization"
              comparison_operator = "LessThanThreshold"
              threshold           = 12.5
              period              = 60
              evaluation_periods  = 3
              dimensions = { DBInstanceIdentifier = aws_db_instance.db.identifier }
            }
            "#,
            &[("aws_db_instance.db", "digitalocean_database_cluster.db")],
            &["aws_cloudwatch_metric_alarm"],
        );
        let alert = st
            .find("digitalocean_monitor_alert.db_cpu")
            .expect("alert emitted");
        let get = |k: &str| alert.body.get(k).map(hclx::inline).unwrap_or_default();
        assert_eq!(get("type"), "\"v1/dbaas/alerts/cpu_alerts\"");
        assert_eq!(get("compare"), "\"LessThan\"");
        assert_eq!(get("value"), "12.5");
        assert_eq!(get("window"), "\"5m\"");
        assert_eq!(get("entities"), "[digitalocean_database_cluster.db.id]");
        assert!(
            st.diags.iter().any(|d| d.code == "F304"),
            "180s → 5m is a nearest match"
        );
    }

    #[test]
    fn ec2_cpu_alarm_turns_on_the_droplet_metrics_agent() {
        let st = run(
            r#"
            resource "aws_instance" "web" { instance_type = "t3.small" }
            resource "aws_cloudwatch_metric_alarm" "cpu" {
              alarm_name          = "cpu"
              namespace           = "AWS/EC2"
              metric_name         = "CPUUtilization"
              comparison_operator = "GreaterThanThreshold"
              threshold           = 90
              period              = 300
              evaluation_periods  = 1
              dimensions = { InstanceId = aws_instance.web.id }
            }
            "#,
            &[("aws_instance.web", "digitalocean_droplet.web")],
            &["aws_cloudwatch_metric_alarm"],
        );
        let alert = st
            .find("digitalocean_monitor_alert.cpu")
            .expect("alert emitted");
        // Copied as written: the reference pass turns it into the droplet's id.
        assert_eq!(
            alert.body.get("entities").map(hclx::inline).as_deref(),
            Some("[aws_instance.web.id]")
        );
        let droplet = st.find("digitalocean_droplet.web").expect("droplet");
        assert_eq!(
            droplet.body.get("monitoring"),
            Some(&Expression::Bool(true))
        );
        assert!(st.diags.is_empty(), "{:?}", st.diags);
    }

    #[test]
    fn cloudfront_keeps_the_custom_domain_with_a_mapped_certificate() {
        let st = run(
            r#"
            resource "aws_s3_bucket" "a" { bucket = "a" }
            resource "aws_acm_certificate" "c" { domain_name = "cdn.example.com" }
            resource "aws_cloudfront_distribution" "d" {
              enabled = true
              aliases = ["cdn.example.com"]
              origin {
                domain_name = aws_s3_bucket.a.bucket_regional_domain_name
                origin_id   = "a"
              }
              default_cache_behavior { target_origin_id = "a" }
              viewer_certificate { acm_certificate_arn = aws_acm_certificate.c.arn }
            }
            "#,
            &[
                ("aws_s3_bucket.a", "digitalocean_spaces_bucket.a"),
                ("aws_acm_certificate.c", "digitalocean_certificate.c"),
            ],
            &["aws_cloudfront_distribution"],
        );
        let cdn = st.find("digitalocean_cdn.d").expect("cdn emitted");
        let get = |k: &str| cdn.body.get(k).map(hclx::inline).unwrap_or_default();
        assert_eq!(
            get("origin"),
            "digitalocean_spaces_bucket.a.bucket_domain_name"
        );
        assert_eq!(get("custom_domain"), "\"cdn.example.com\"");
        assert_eq!(get("certificate_name"), "digitalocean_certificate.c.name");
        assert_eq!(get("ttl"), "3600");
        assert!(st.diags.is_empty(), "{:?}", st.diags);
    }

    #[test]
    fn scaling_policies_follow_their_group() {
        let st = run(
            r#"
            resource "aws_autoscaling_group" "web" { name = "web" }
            resource "aws_autoscaling_group" "batch" { name = "batch" }
            resource "aws_autoscaling_policy" "web_cpu" {
              name                   = "cpu"
              autoscaling_group_name = aws_autoscaling_group.web.name
              policy_type            = "TargetTrackingScaling"
            }
            resource "aws_autoscaling_attachment" "web" {
              autoscaling_group_name = aws_autoscaling_group.web.id
              lb_target_group_arn    = "arn:aws:elasticloadbalancing:tg"
            }
            resource "aws_autoscaling_policy" "batch" {
              name                   = "batch"
              autoscaling_group_name = aws_autoscaling_group.batch.name
            }
            "#,
            &[(
                "aws_autoscaling_group.web",
                "digitalocean_droplet_autoscale.web",
            )],
            &["aws_autoscaling_policy", "aws_autoscaling_attachment"],
        );
        for a in [
            "aws_autoscaling_policy.web_cpu",
            "aws_autoscaling_attachment.web",
        ] {
            assert_eq!(st.outcomes[a].outcome, Outcome::Absorbed, "{a}");
            assert_eq!(
                st.outcomes[a].targets,
                vec!["digitalocean_droplet_autoscale.web".to_string()]
            );
        }
        assert_eq!(
            st.outcomes["aws_autoscaling_policy.batch"].outcome,
            Outcome::Dropped
        );
    }

    #[test]
    fn odd_values_never_panic_and_every_resource_gets_an_outcome() {
        let tf = r#"
            variable "aliases" { type = list(string) }
            variable "n" { type = number }
            resource "aws_s3_bucket" "a" { bucket = "a-${var.instance_id}" }
            resource "aws_cloudwatch_metric_alarm" "odd" {
              namespace           = "AWS/EC2"
              metric_name         = "CPUUtilization"
              comparison_operator = "GreaterThanUpperThreshold"
              threshold           = "high"
              period              = -5
              evaluation_periods  = 1e30
              dimensions          = { InstanceId = "i-123" }
            }
            resource "aws_cloudwatch_metric_alarm" "math" {
              alarm_name          = "math"
              comparison_operator = "GreaterThanThreshold"
              threshold           = 1
              evaluation_periods  = 1
              metric_query {
                id          = "e1"
                expression  = "m1 / m2"
                return_data = true
              }
            }
            resource "aws_msk_cluster" "k" {
              cluster_name           = var.aliases[0]
              kafka_version          = 3
              number_of_broker_nodes = var.n
              broker_node_group_info { instance_type = "kafka.x9.huge" }
            }
            resource "aws_opensearch_domain" "o" {
              domain_name = "o"
              cluster_config {
                instance_type  = "t3.small.search"
                instance_count = -4
              }
            }
            resource "aws_elasticsearch_domain" "e" {
              domain_name = "e"
              cluster_config { instance_count = 1000 }
            }
            resource "aws_cloudfront_distribution" "c" {
              aliases = var.aliases
              origin {
                domain_name = aws_s3_bucket.a.bucket_regional_domain_name
                origin_id   = "a"
              }
              default_cache_behavior { default_ttl = -1 }
              dynamic "ordered_cache_behavior" {
                for_each = []
                content {}
              }
            }
            resource "aws_vpc_peering_connection" "self" {
              vpc_id      = aws_vpc.v.id
              peer_vpc_id = aws_vpc.v.id
            }
            resource "aws_vpc" "v" { cidr_block = "10.0.0.0/16" }
            resource "aws_nat_gateway" "n" { subnet_id = "subnet-123" }
            resource "aws_route" "r" { route_table_id = "rtb-1" }
            data "aws_route53_zone" "z" { zone_id = "Z123" }
            data "aws_acm_certificate" "c" { statuses = ["ISSUED"] }
            data "aws_eks_cluster" "e" { name = var.aliases[0] }
        "#;
        let c = crate::compile(&crate::CompileRequest {
            files: [("main.tf".to_string(), tf.to_string())]
                .into_iter()
                .collect(),
            options: Default::default(),
        });
        assert_eq!(c.report.resources.len(), 14);
        assert!(
            !c.report.diagnostics.iter().any(|d| d.code == "F901"),
            "{:#?}",
            c.report.diagnostics
        );
        let outcome = |a: &str| {
            c.report
                .resources
                .iter()
                .find(|r| r.address == a)
                .map(|r| r.outcome)
        };
        assert_eq!(
            outcome("aws_cloudwatch_metric_alarm.odd"),
            Some(Outcome::Dropped)
        );
        assert_eq!(
            outcome("aws_cloudwatch_metric_alarm.math"),
            Some(Outcome::Dropped)
        );
        assert_eq!(outcome("aws_msk_cluster.k"), Some(Outcome::Mapped));
        assert_eq!(
            outcome("aws_vpc_peering_connection.self"),
            Some(Outcome::Unsupported)
        );
        assert_eq!(outcome("aws_nat_gateway.n"), Some(Outcome::Dropped));
        assert!(
            c.files["main.tf"].contains("node_count = 15"),
            "{}",
            c.files["main.tf"]
        );
    }

    #[test]
    fn every_type_has_at_most_one_rule() {
        // `rules::index()` keeps one rule per (mode, type): a second one would silently win.
        let mut seen = BTreeSet::new();
        for rule in super::super::all() {
            assert!(
                seen.insert((rule.mode, rule.ty)),
                "two rules for {:?} {}",
                rule.mode,
                rule.ty
            );
        }
    }

    #[test]
    fn dropped_rules_have_a_dropped_family() {
        let table_driven =
            |r: &&RuleDef| r.mode == Mode::Managed && r.produces.is_empty() && r.args.is_empty();
        for rule in RULES.iter().filter(table_driven) {
            assert!(
                matches!(
                    lookup(rule.ty).map(|f| f.treatment),
                    Some(Treatment::Dropped(_))
                ),
                "{} has no dropped family",
                rule.ty
            );
        }
    }
}
