#!/bin/bash
echo "DB_HOST=${db_host}" > /etc/app.env
echo "DB_NAME=${db_name}" >> /etc/app.env
