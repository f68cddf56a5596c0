#!/bin/bash
yum install -y amazon-efs-utils
mkdir -p /mnt/shared
mount -t efs -o tls ${efs_id}:/ /mnt/shared
