output "reports_bucket" {
  value = digitalocean_spaces_bucket.reports.name
}
