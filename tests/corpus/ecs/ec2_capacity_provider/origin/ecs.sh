#!/bin/bash
echo ECS_CLUSTER=shop >> /etc/ecs/ecs.config
