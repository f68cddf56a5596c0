resource "aws_route53_record" "cdn" {
  zone_id = "Z0123456789ABCDEFGHIJ"
  name    = "cdn"
  type    = "CNAME"
  ttl     = 300
  records = ["cdn.example.net"]
}
