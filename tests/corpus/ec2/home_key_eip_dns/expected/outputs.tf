output "ssh" {
  value = "ssh ubuntu@${digitalocean_reserved_ip.web.ip_address}"
}
