#!/bin/bash
set -euo pipefail
dnf install -y java-21-amazon-corretto-headless
aws s3 cp s3://acme-artifacts/reports/reports-2.1.0.jar /opt/reports.jar
nohup java -jar /opt/reports.jar --server.port=${port} > /var/log/reports.log 2>&1 &
