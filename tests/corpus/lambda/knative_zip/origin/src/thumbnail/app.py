import os

import boto3
from PIL import Image

s3 = boto3.client("s3")
WIDTH = int(os.environ.get("THUMBNAIL_WIDTH", "320"))


def handler(event, context):
    key = event["queryStringParameters"]["key"]
    bucket = os.environ["UPLOAD_BUCKET"]
    path = f"/tmp/{os.path.basename(key)}"
    s3.download_file(bucket, key, path)
    with Image.open(path) as img:
        img.thumbnail((WIDTH, WIDTH))
        img.save(path)
    s3.upload_file(path, bucket, f"thumbnails/{key}")
    return {"statusCode": 200, "body": f"thumbnails/{key}"}
