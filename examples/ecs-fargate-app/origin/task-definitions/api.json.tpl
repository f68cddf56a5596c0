[
  {
    "name": "api",
    "image": "${image}",
    "essential": true,
    "portMappings": [
      { "containerPort": 8080, "protocol": "tcp", "name": "http" }
    ],
    "environment": [
      { "name": "RAILS_ENV", "value": "production" },
      { "name": "PUBLIC_URL", "value": "${public_url}" },
      { "name": "RAILS_LOG_TO_STDOUT", "value": "1" }
    ],
    "secrets": [
      { "name": "DATABASE_USERNAME", "valueFrom": "${db_secret_arn}:username::" },
      { "name": "DATABASE_PASSWORD", "valueFrom": "${db_secret_arn}:password::" },
      { "name": "DATABASE_HOST", "valueFrom": "${db_secret_arn}:host::" },
      { "name": "SECRET_KEY_BASE", "valueFrom": "${session_arn}" },
      { "name": "SMTP_PASSWORD", "valueFrom": "${smtp_arn}" }
    ],
    "healthCheck": {
      "command": ["CMD-SHELL", "curl -fsS http://localhost:8080/up || exit 1"],
      "interval": 15,
      "timeout": 5,
      "retries": 3,
      "startPeriod": 30
    },
    "logConfiguration": {
      "logDriver": "awslogs",
      "options": {
        "awslogs-group": "${log_group}",
        "awslogs-region": "${region}",
        "awslogs-stream-prefix": "api"
      }
    }
  }
]
