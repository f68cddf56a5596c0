import json
import os

import boto3

_secrets = boto3.client("secretsmanager")
_ssm = boto3.client("ssm")


def _stripe_key():
    # Fetched on every cold start.
    response = _secrets.get_secret_value(SecretId=os.environ["STRIPE_SECRET_ID"])
    return json.loads(response["SecretString"])["api_key"]


def charge(event, context):
    currency = _ssm.get_parameter(Name="/payments/default-currency")["Parameter"]["Value"]
    key = _stripe_key()
    return {"statusCode": 200, "body": json.dumps({"currency": currency, "key_len": len(key)})}
