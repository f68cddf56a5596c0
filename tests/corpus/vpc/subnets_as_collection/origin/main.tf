# Subnets repeated with for_each / count all fold into the one VPC. Read as a whole
# collection (a `for`, `values()`, `length()`), they must stay a collection: a `for` over
# the single VPC object would iterate its attributes. Origin:
# Jai1inmillion/three-tier-multi-region modules/three_tier (outputs.tf `db_subnet_ids`).
resource "aws_vpc" "this" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "db" {
  for_each   = { "0" = "10.0.20.0/24", "1" = "10.0.21.0/24" }
  vpc_id     = aws_vpc.this.id
  cidr_block = each.value
}

resource "aws_subnet" "app" {
  count      = 2
  vpc_id     = aws_vpc.this.id
  cidr_block = "10.0.${count.index + 10}.0/24"
}

output "db_subnet_ids" {
  value = [for s in aws_subnet.db : s.id]
}

output "db_subnet_ids_by_key" {
  value = { for k, s in aws_subnet.db : k => s.id }
}

output "db_subnet_values" {
  value = values(aws_subnet.db)[*].id
}

output "app_subnet_ids" {
  value = [for s in aws_subnet.app : s.id]
}

output "app_subnet_count" {
  value = length(aws_subnet.app)
}

output "first_app_subnet" {
  value = aws_subnet.app[0].id
}
