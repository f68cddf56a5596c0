#!/bin/bash
set -euxo pipefail
REGION="$(curl -s http://169.254.169.254/latest/dynamic/instance-identity/document | jq -r .region || echo "us-east-1")"
DB_HOST="$(aws rds describe-db-instances --region "$REGION" --query 'DBInstances[0].Endpoint.Address' --output text || echo "localhost")"
# aws rds describe-db-instances (a comment: not reported)
aws s3 sync "s3://__BUCKET__/app/" /opt/app --delete --region "$REGION" || true
echo "DB_HOST=${DB_HOST}" > /etc/app.env
