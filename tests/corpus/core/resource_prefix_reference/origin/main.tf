# `resource.aws_ecs_task_definition.this.arn` is Terraform's explicit form of a managed resource
# reference: the service still runs its task definition (it was "not part of the stack", F370,
# and the load balancer lost its only backend), and the output reads the bucket.
resource "aws_ecs_cluster" "main" {
  name = "ipfs"
}

resource "aws_ecs_task_definition" "this" {
  family                   = "ipfs-metadata"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 256
  memory                   = 512
  container_definitions = jsonencode([{
    name         = "ipfs-metadata"
    image        = "ghcr.io/example/ipfs-metadata:0.3.1"
    essential    = true
    portMappings = [{ containerPort = 8080 }]
    environment  = [{ name = "BUCKET", value = resource.aws_s3_bucket.data.bucket }]
  }])
}

resource "aws_ecs_service" "this" {
  name            = "ipfs-metadata"
  cluster         = aws_ecs_cluster.main.id
  task_definition = resource.aws_ecs_task_definition.this.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}

resource "aws_s3_bucket" "data" {
  bucket = "ipfs-metadata-${var.instance_id}"
}

variable "instance_id" {
  type = string
}

output "bucket" {
  value = "${resource.aws_s3_bucket.data.bucket}/metadata"
}

# A `for` iterator named `resource` is not the prefix.
output "names" {
  value = [for resource in [{ tags = { Name = "ipfs" } }] : resource.tags.Name]
}
