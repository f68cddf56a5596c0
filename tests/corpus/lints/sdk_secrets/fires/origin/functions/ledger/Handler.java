package com.example.ledger;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;
import software.amazon.awssdk.services.secretsmanager.model.GetSecretValueRequest;

public class Handler implements RequestHandler<Object, String> {
    private final SecretsManagerClient secrets = SecretsManagerClient.create();

    @Override
    public String handleRequest(Object input, Context context) {
        String dsn = secrets.getSecretValue(GetSecretValueRequest.builder()
                .secretId(System.getenv("LEDGER_DB_SECRET"))
                .build()).secretString();
        return dsn.isEmpty() ? "empty" : "ok";
    }
}
