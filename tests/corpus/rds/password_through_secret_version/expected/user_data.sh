#!/bin/bash
echo "${db_host} ${db_password}"
