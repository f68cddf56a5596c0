resource "aws_s3_bucket" "bucket" {
  bucket = "app-bucket"
  acl    = "private"

  tags {
    Name = "logs"
  }
}

output "Bucket Name" {
  value = "${aws_s3_bucket.bucket.id}"
}
