output "deploy_command" {
  value = "aws --endpoint-url https://${digitalocean_spaces_bucket.site.region}.digitaloceanspaces.com s3 sync ./public s3://${digitalocean_spaces_bucket.site.name} --delete"
}

output "invalidate_command" {
  value = "aws cloudfront create-invalidation --distribution-id ${digitalocean_cdn.site.id} --paths '/*'"
}

output "release_steps" {
  value = <<-EOT
npm run build
aws --endpoint-url https://${digitalocean_spaces_bucket.site.region}.digitaloceanspaces.com s3 cp ./public/index.html s3://${digitalocean_spaces_bucket.site.name}/index.html --cache-control no-cache
EOT
}
