# Known gap #236: the WAS tier's group admits AJP 8009 from anywhere, but its Auto Scaling group
# launches into subnets that map no public IP (behind an internal NLB), and the app instance
# sits in such a subnet too: on AWS only the VPC reached them. DigitalOcean droplets have public
# addresses, so their firewalls admit the VPC's range instead. The bastion, launched into a
# subnet that maps public IPs, keeps SSH from anywhere.
resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  vpc_id                  = aws_vpc.main.id
  cidr_block              = "10.0.1.0/24"
  map_public_ip_on_launch = true
}

resource "aws_subnet" "was" {
  vpc_id     = aws_vpc.main.id
  cidr_block = "10.0.12.0/24"
}

resource "aws_security_group" "was" {
  name   = "was"
  vpc_id = aws_vpc.main.id
}

resource "aws_security_group_rule" "was_ajp" {
  type              = "ingress"
  from_port         = 8009
  to_port           = 8009
  protocol          = "tcp"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.was.id
}

resource "aws_security_group" "bastion" {
  name   = "bastion"
  vpc_id = aws_vpc.main.id

  ingress {
    from_port   = 22
    to_port     = 22
    protocol    = "tcp"
    cidr_blocks = ["0.0.0.0/0"]
  }
}

resource "aws_lb" "was" {
  name               = "was-nlb"
  internal           = true
  load_balancer_type = "network"
  subnets            = [aws_subnet.was.id]
}

resource "aws_lb_target_group" "was" {
  name     = "was"
  port     = 8009
  protocol = "TCP"
  vpc_id   = aws_vpc.main.id
}

resource "aws_lb_listener" "was" {
  load_balancer_arn = aws_lb.was.arn
  port              = 8009
  protocol          = "TCP"

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.was.arn
  }
}

resource "aws_launch_configuration" "was" {
  name_prefix     = "was-"
  image_id        = "ami-0c55b159cbfafe1f0"
  instance_type   = "t3.micro"
  security_groups = [aws_security_group.was.id]
}

resource "aws_autoscaling_group" "was" {
  name                 = "was"
  launch_configuration = aws_launch_configuration.was.name
  vpc_zone_identifier  = [aws_subnet.was.id]
  target_group_arns    = [aws_lb_target_group.was.arn]
  min_size             = 2
  max_size             = 4
}

resource "aws_instance" "app" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.was.id
  vpc_security_group_ids = [aws_security_group.was.id]
}

resource "aws_instance" "bastion" {
  ami                    = "ami-0c55b159cbfafe1f0"
  instance_type          = "t3.micro"
  subnet_id              = aws_subnet.public.id
  vpc_security_group_ids = [aws_security_group.bastion.id]
}
