import os

import redis

client = redis.Redis(host=os.environ["REDIS_HOST"], port=int(os.environ["REDIS_PORT"]))


def handler(event, context):
    return {"hits": client.incr("hits")}
