#!/bin/bash
echo "${greeting}" > /var/www/index.html
