import os

import boto3

s3 = boto3.client("s3")
SIZES = [int(s) for s in os.environ["SIZES"].split(",")]


def handler(event, context):
    key = event["key"]
    for size in SIZES:
        s3.copy_object(
            Bucket=os.environ["BUCKET"],
            CopySource={"Bucket": os.environ["BUCKET"], "Key": key},
            Key=f"thumbs/{size}/{key}",
        )
    return {"resized": len(SIZES)}
