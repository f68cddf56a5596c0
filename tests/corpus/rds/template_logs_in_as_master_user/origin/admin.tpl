#!/bin/bash
echo "DB_USER=${db_user}" >> /etc/environment
echo "DB_PASSWORD=${db_password}" >> /etc/environment
