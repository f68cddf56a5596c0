#!/bin/bash
yum install -y httpd
TOKEN=$(curl -s -X PUT "http://169.254.169.254/latest/api/token" -H "X-aws-ec2-metadata-token-ttl-seconds: 60")
ID=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/instance-id)
IP=$(curl -s -H "X-aws-ec2-metadata-token: $TOKEN" http://169.254.169.254/latest/meta-data/local-ipv4)
ROLE=$(curl -s http://169.254.169.254/latest/meta-data/iam/security-credentials/)
echo "<h1>$ID at $IP</h1>" > /var/www/html/index.html
systemctl enable --now httpd
