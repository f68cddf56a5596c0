region      = "ap-southeast-2"
bucket_name = "uploads"
