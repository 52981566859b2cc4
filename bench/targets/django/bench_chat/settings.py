"""Django settings of the bench's Channels target: nothing but the channel layer.

BENCH_LAYER=core|pubsub picks channels_redis's RedisChannelLayer or
RedisPubSubChannelLayer on REDIS_URL. No database, no auth middleware.
"""

import os

SECRET_KEY = "bench-only-not-secret"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = ["channels"]
DATABASES = {}
USE_TZ = True
ASGI_APPLICATION = "bench_chat.asgi.application"

_BACKENDS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}

CHANNEL_LAYERS = {
    "default": {
        "BACKEND": _BACKENDS[os.environ.get("BENCH_LAYER", "core")],
        "CONFIG": {"hosts": [os.environ.get("REDIS_URL", "redis://127.0.0.1:6379")]},
    }
}
