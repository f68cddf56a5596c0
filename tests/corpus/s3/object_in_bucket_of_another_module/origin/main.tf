module "s3" {
  source      = "./modules/s3"
  bucket_name = "rag-documents"
}

resource "aws_s3_object" "seed" {
  bucket       = module.s3.bucket_name
  key          = "docs/welcome.md"
  content      = "# Welcome\n"
  content_type = "text/markdown"
}

resource "aws_s3_bucket_cors_configuration" "web" {
  bucket = module.s3.bucket_name

  cors_rule {
    allowed_methods = ["GET"]
    allowed_origins = ["https://example.com"]
  }
}

output "seed_key" {
  value = aws_s3_object.seed.key
}
