"""Short links API: POST /links, GET|DELETE /links/{code}."""

import base64
import hashlib
import hmac
import json
import os
import secrets
import time

import boto3

s3 = boto3.client("s3")
BUCKET = os.environ["LINKS_BUCKET"]
TTL_DAYS = int(os.environ.get("LINK_TTL_DAYS", "90"))

_signing_key = None


def signing_key() -> bytes:
    global _signing_key
    if _signing_key is None:
        sm = boto3.client("secretsmanager")
        secret = sm.get_secret_value(SecretId=os.environ["SIGNING_KEY_SECRET"])
        _signing_key = secret["SecretString"].encode()
    return _signing_key


def sign(code: str) -> str:
    mac = hmac.new(signing_key(), code.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac[:12]).decode().rstrip("=")


def respond(status: int, body: dict) -> dict:
    return {"statusCode": status, "headers": {"content-type": "application/json"}, "body": json.dumps(body)}


def handler(event, context):
    method = event["requestContext"]["http"]["method"]
    code = (event.get("pathParameters") or {}).get("code")
    if method == "POST" and code is None:
        target = json.loads(event.get("body") or "{}").get("url")
        if not target:
            return respond(400, {"error": "url is required"})
        code = secrets.token_urlsafe(6)
        record = {"url": target, "expires": int(time.time()) + TTL_DAYS * 86400}
        s3.put_object(Bucket=BUCKET, Key=f"links/{code}.json", Body=json.dumps(record))
        return respond(201, {"code": code, "token": sign(code)})
    if method == "GET" and code:
        obj = s3.get_object(Bucket=BUCKET, Key=f"links/{code}.json")
        return respond(200, json.loads(obj["Body"].read()))
    if method == "DELETE" and code:
        s3.delete_object(Bucket=BUCKET, Key=f"links/{code}.json")
        return respond(204, {})
    return respond(405, {"error": "method not allowed"})
