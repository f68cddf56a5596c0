output "asg_name" {
  value = digitalocean_droplet_autoscale.web.name
}
