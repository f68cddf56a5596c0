# A service repeated over a value not known at compile time (a data source's list): emitted
# once, as its first instance, with a warning.
variable "instance_id" { type = string }
data "aws_ssm_parameter" "services" { name = "/apps/services" }
resource "aws_ecs_cluster" "main" { name = "c-${var.instance_id}" }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  cpu    = 256
  memory = 512
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", portMappings = [{ containerPort = 80 }] }])
}
resource "aws_ecs_service" "s" {
  for_each        = toset(split(",", data.aws_ssm_parameter.services.value))
  name            = each.key
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.t.arn
  desired_count   = 2
}
