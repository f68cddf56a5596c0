[
  {
    "name": "orders",
    "image": "${image}",
    "essential": true,
    "portMappings": [{ "containerPort": ${port}, "protocol": "tcp" }],
    "environment": [
      { "name": "APP_ENV", "value": "${environment}" },
      { "name": "DB_HOST", "value": "${db_host}" }
    ],
    "secrets": [
      { "name": "DB_USERNAME", "valueFrom": "${db_secret_arn}:username::" },
      { "name": "DB_PASSWORD", "valueFrom": "${db_secret_arn}:password::" },
      { "name": "DB_CREDENTIALS", "valueFrom": "${db_secret_arn}" },
      { "name": "PAYMENT_API_KEY", "valueFrom": "${api_key_arn}" }
    ]
  }
]
