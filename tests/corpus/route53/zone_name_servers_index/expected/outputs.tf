output "nameserver_1" {
  value = "ns1.digitalocean.com"
}

output "nameserver_2" {
  value = "ns2.digitalocean.com"
}

output "name_servers" {
  value = ["ns1.digitalocean.com", "ns2.digitalocean.com", "ns3.digitalocean.com"]
}
