output "aws_api" {
  value = {
    api_endpoint = "http://${kubernetes_ingress_v1.this_resize_invoke_arn.status[0].load_balancer[0].ingress[0].ip}"
  }
}
