output "efs_dns_name" {
  value = digitalocean_nfs.wp.host
}

output "efs_mount_ip" {
  value = digitalocean_nfs.wp.host
}
