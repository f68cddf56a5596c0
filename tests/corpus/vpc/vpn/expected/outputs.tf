output "vpn_tunnel1_address" {
  value = null
}
