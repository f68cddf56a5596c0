"""Nightly: delete links whose expiry has passed."""

import json
import os
import time

import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["LINKS_BUCKET"]


def run(event, context):
    dry_run = bool(event.get("dry_run"))
    now = time.time()
    deleted = 0
    paginator = s3.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=BUCKET, Prefix="links/"):
        for item in page.get("Contents", []):
            record = json.loads(s3.get_object(Bucket=BUCKET, Key=item["Key"])["Body"].read())
            if record.get("expires", now) < now:
                deleted += 1
                if not dry_run:
                    s3.delete_object(Bucket=BUCKET, Key=item["Key"])
    return {"deleted": deleted, "dry_run": dry_run}
