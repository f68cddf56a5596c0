import { S3Client, GetObjectCommand } from "@aws-sdk/client-s3";

const s3 = new S3Client({});
const BUCKET = process.env.LINKS_BUCKET;

export const handler = async (event) => {
  const code = event.pathParameters?.code;
  try {
    const obj = await s3.send(new GetObjectCommand({ Bucket: BUCKET, Key: `links/${code}.json` }));
    const link = JSON.parse(await obj.Body.transformToString());
    if (link.expires < Date.now() / 1000) {
      return { statusCode: 410, body: "expired" };
    }
    return { statusCode: 302, headers: { location: link.url } };
  } catch (err) {
    if (err.name === "NoSuchKey") {
      return { statusCode: 404, body: "not found" };
    }
    throw err;
  }
};
