import { SecretsManagerClient, GetSecretValueCommand } from "@aws-sdk/client-secrets-manager";

const client = new SecretsManagerClient({});

export const handler = async (event) => {
  const secret = await client.send(
    new GetSecretValueCommand({ SecretId: process.env.SENDGRID_SECRET_ID }),
  );
  const { apiKey } = JSON.parse(secret.SecretString);
  return { statusCode: 202, body: JSON.stringify({ queued: event.Records.length, keyLength: apiKey.length }) };
};
