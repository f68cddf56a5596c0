output "api_url" {
  value = "http://${kubernetes_ingress_v1.http_api_list_bookings.status[0].load_balancer[0].ingress[0].ip}"
}

output "stage_url" {
  value = "http://${kubernetes_ingress_v1.http_api_list_bookings.status[0].load_balancer[0].ingress[0].ip}/"
}
