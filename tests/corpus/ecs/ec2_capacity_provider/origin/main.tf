# ECS on EC2: the Auto Scaling group's instances are the cluster's container instances (a
# capacity provider). On DigitalOcean the tasks run on the DOKS node pool, sized from their
# demand, so the group becomes no droplets of its own; its launch template and its security
# group go with it.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id            = aws_vpc.main.id
  cidr_block        = "10.0.1.0/24"
  availability_zone = "us-east-2a"
}

resource "aws_security_group" "instances" {
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 80
    to_port     = 80
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_launch_template" "ecs" {
  name_prefix            = "ecs-template"
  image_id               = "ami-062c116e449466e7f"
  instance_type          = "t3.micro"
  vpc_security_group_ids = [aws_security_group.instances.id]
  user_data              = filebase64("./ecs.sh")
}

resource "aws_autoscaling_group" "ecs" {
  vpc_zone_identifier = [aws_subnet.a.id]
  desired_capacity    = 2
  max_size            = 3
  min_size            = 1

  launch_template {
    id      = aws_launch_template.ecs.id
    version = "$Latest"
  }

  tag {
    key                 = "AmazonECSManaged"
    value               = true
    propagate_at_launch = true
  }
}

resource "aws_ecs_cluster" "shop" {
  name = "shop"
}

resource "aws_ecs_capacity_provider" "ec2" {
  name = "ec2"

  auto_scaling_group_provider {
    auto_scaling_group_arn = aws_autoscaling_group.ecs.arn

    managed_scaling {
      status          = "ENABLED"
      target_capacity = 100
    }
  }
}

resource "aws_ecs_cluster_capacity_providers" "shop" {
  cluster_name       = aws_ecs_cluster.shop.name
  capacity_providers = [aws_ecs_capacity_provider.ec2.name]

  default_capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.ec2.name
    weight            = 100
  }
}

resource "aws_ecs_task_definition" "web" {
  family = "web"

  container_definitions = jsonencode([
    {
      name      = "web"
      image     = "nginx:1.27"
      cpu       = 256
      memory    = 512
      essential = true
      portMappings = [{ containerPort = 80, hostPort = 80 }]
    }
  ])
}

resource "aws_ecs_service" "web" {
  name            = "web"
  cluster         = aws_ecs_cluster.shop.id
  task_definition = aws_ecs_task_definition.web.arn
  desired_count   = 2

  capacity_provider_strategy {
    capacity_provider = aws_ecs_capacity_provider.ec2.name
    weight            = 100
  }

  depends_on = [aws_autoscaling_group.ecs]
}
