# A Spaces key only as wide as the role's policies: the task role reads the `assets` bucket
# (s3:GetObject, s3:ListBucket through an aws_iam_policy_document) and writes the `uploads`
# bucket (a jsonencode policy), so the task's key grants `read` on one and `readwrite` on the
# other. The function's role carries the AWS managed AmazonS3ReadOnlyAccess policy: `read`.
variable "instance_id" {
  type = string
}

resource "aws_s3_bucket" "assets" {
  bucket = "shop-assets-${var.instance_id}"
}

resource "aws_s3_bucket" "uploads" {
  bucket = "shop-uploads-${var.instance_id}"
}

data "aws_iam_policy_document" "read_assets" {
  statement {
    actions   = ["s3:GetObject", "s3:ListBucket"]
    resources = [aws_s3_bucket.assets.arn, "${aws_s3_bucket.assets.arn}/*"]
  }
}

resource "aws_iam_role" "task" {
  name = "shop-task-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy" "read_assets" {
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.read_assets.json
}

resource "aws_iam_role_policy" "write_uploads" {
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:GetObject"]
      Resource = "${aws_s3_bucket.uploads.arn}/*"
    }]
  })
}

resource "aws_ecs_cluster" "main" {
  name = "shop"
}

resource "aws_ecs_task_definition" "shop" {
  family                   = "shop"
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = 512
  memory                   = 1024
  task_role_arn            = aws_iam_role.task.arn
  container_definitions = jsonencode([{
    name  = "web"
    image = "ghcr.io/example/shop:3.2.0"
    environment = [
      { name = "ASSETS_BUCKET", value = aws_s3_bucket.assets.id },
      { name = "UPLOADS_BUCKET", value = aws_s3_bucket.uploads.id },
    ]
  }])
}

resource "aws_ecs_service" "shop" {
  name            = "shop"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.shop.arn
  desired_count   = 1
  launch_type     = "FARGATE"
}

resource "aws_iam_role" "reporter" {
  name = "shop-reporter-${var.instance_id}"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "lambda.amazonaws.com" } }]
  })
}

resource "aws_iam_role_policy_attachment" "reporter_s3" {
  role       = aws_iam_role.reporter.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"
}

resource "aws_lambda_function" "reporter" {
  function_name = "shop-reporter-${var.instance_id}"
  role          = aws_iam_role.reporter.arn
  package_type  = "Image"
  image_uri     = "ghcr.io/example/shop-reporter:3.2.0"

  environment {
    variables = {
      UPLOADS_BUCKET = aws_s3_bucket.uploads.bucket
    }
  }
}
