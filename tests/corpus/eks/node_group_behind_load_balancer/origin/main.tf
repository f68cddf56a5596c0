# The NodePort pattern: an ALB target group of instance type, registered with the EKS node
# group's Auto Scaling group by an aws_autoscaling_attachment. The DOKS node pool carries the
# load balancer's tag, which the load balancer targets with `droplet_tag`.
resource "aws_eks_cluster" "main" {
  name     = "app-${var.instance_id}"
  role_arn = "arn:aws:iam::123456789012:role/eks"
  vpc_config {
    subnet_ids = ["subnet-1", "subnet-2"]
  }
}
resource "aws_eks_node_group" "main" {
  cluster_name    = aws_eks_cluster.main.name
  node_group_name = "default"
  node_role_arn   = "arn:aws:iam::123456789012:role/node"
  subnet_ids      = ["subnet-1", "subnet-2"]
  instance_types  = ["t3.large"]
  scaling_config {
    desired_size = 2
    max_size     = 4
    min_size     = 2
  }
}
resource "aws_lb" "web" {
  name               = "web-${var.instance_id}"
  load_balancer_type = "application"
  subnets            = ["subnet-1", "subnet-2"]
}
resource "aws_lb_target_group" "web" {
  name     = "web-${var.instance_id}"
  port     = 30080
  protocol = "HTTP"
  vpc_id   = "vpc-1"
  health_check {
    path = "/healthz"
  }
}
resource "aws_lb_listener" "http" {
  load_balancer_arn = aws_lb.web.arn
  port              = 80
  protocol          = "HTTP"
  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.web.arn
  }
}
resource "aws_autoscaling_attachment" "nodes" {
  autoscaling_group_name = aws_eks_node_group.main.resources[0].autoscaling_groups[0].name
  lb_target_group_arn    = aws_lb_target_group.web.arn
}
variable "instance_id" { type = string }
