# Terraform 0.11: one name server of a zone, read with a legacy index.
resource "aws_route53_zone" "main" {
  name = "example.com"
}

output "nameserver_1" {
  value = "${aws_route53_zone.main.name_servers.0}"
}

output "nameserver_2" {
  value = aws_route53_zone.main.name_servers[1]
}

output "name_servers" {
  value = aws_route53_zone.main.name_servers
}
