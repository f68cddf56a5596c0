variable "zone_id" {
  type = string
}

resource "aws_route53_record" "app" {
  zone_id = var.zone_id
  name    = "app"
  type    = "CNAME"
  ttl     = 300
  records = ["app.example.net"]
}
