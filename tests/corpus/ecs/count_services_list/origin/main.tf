# Two services repeated with `count` over a list known at compile time, one task definition.
variable "instance_id" { type = string }
variable "names" {
  type    = list(string)
  default = ["alpha", "beta"]
}
resource "aws_ecs_cluster" "main" { name = "c-${var.instance_id}" }
resource "aws_ecs_task_definition" "t" {
  family = "t"
  cpu    = 256
  memory = 512
  container_definitions = jsonencode([{ name = "app", image = "nginx:1.27", portMappings = [{ containerPort = 80 }] }])
}
resource "aws_ecs_service" "s" {
  count           = length(var.names)
  name            = var.names[count.index]
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.t.arn
  desired_count   = count.index + 1
}
output "second" { value = aws_ecs_service.s[1].name }
output "all" { value = aws_ecs_service.s[*].name }
