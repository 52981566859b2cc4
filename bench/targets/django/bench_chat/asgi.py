"""ASGI entry point for daphne: the tutorial's routing, minus AuthMiddlewareStack.

BENCH_CONSUMER=sync|async picks the tutorial's consumer (see consumers.py).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench_chat.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_asgi_app = get_asgi_application()

from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from django.urls import re_path  # noqa: E402

from . import consumers  # noqa: E402

_consumer = (
    consumers.AsyncChatConsumer
    if os.environ.get("BENCH_CONSUMER") == "async"
    else consumers.ChatConsumer
)

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter([re_path(r"ws/chat/(?P<room_name>\w+)/$", _consumer.as_asgi())]),
    }
)
