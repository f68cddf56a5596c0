# sibabalwe47/ecs-cluster: services and task definitions repeated over lists of objects whose
# values live in `values.tfvars` (applied with `-var-file`).
variable "services" {
  type = list(object({
    name                   = string
    task_definition_family = string
    desired_count          = number
  }))
}

variable "task_definitions" {
  type = list(object({
    family = string
    image  = string
    cpu    = number
    memory = number
  }))
}

variable "instance_id" {
  type = string
}

resource "aws_ecs_cluster" "this" {
  name = "ecs-${var.instance_id}"
}

resource "aws_ecs_task_definition" "this" {
  for_each                 = { for task in var.task_definitions : task.family => task }
  family                   = each.value.family
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = each.value.cpu
  memory                   = each.value.memory
  container_definitions = jsonencode([
    {
      name         = each.value.family
      image        = each.value.image
      essential    = true
      portMappings = [{ containerPort = 3000 }]
    }
  ])
}

resource "aws_ecs_service" "this" {
  for_each        = { for service in var.services : service.name => service }
  name            = each.value.name
  cluster         = aws_ecs_cluster.this.id
  desired_count   = each.value.desired_count
  launch_type     = "FARGATE"
  task_definition = aws_ecs_task_definition.this[each.value.task_definition_family].arn
}
