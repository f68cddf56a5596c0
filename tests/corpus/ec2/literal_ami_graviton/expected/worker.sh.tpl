#!/bin/bash
echo "QUEUE=${queue}" >> /etc/environment
