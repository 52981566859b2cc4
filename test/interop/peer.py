"""A Django Channels process for interop tests: the real channels_redis 4.0.

Usage: /usr/bin/python3 test/interop/peer.py '<config json>'
config: {"layer": "core" | "pubsub", "hosts": [...], "keys": [...], "prefix": "asgi"}

Reads one JSON command per line on stdin, {"id": n, "op": ..., ...}, runs
each concurrently, and answers one JSON line per command on stdout,
{"id": n, "ok": true, "result": ...} or {"id": n, "ok": false, "error": "..."}.
Prints {"ready": true} first.
"""

import asyncio
import json
import sys

from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer


def make_layer(config):
    if config["layer"] == "pubsub":
        return RedisPubSubChannelLayer(hosts=config["hosts"], prefix=config.get("prefix", "asgi"))
    keys = config.get("keys") or None
    return RedisChannelLayer(
        hosts=config["hosts"],
        prefix=config.get("prefix", "asgi"),
        symmetric_encryption_keys=keys,
    )


async def new_channel(layer, command):
    channel = await layer.new_channel()
    if command.get("misrouted") and isinstance(layer, RedisChannelLayer) and layer.ring_size > 1:
        # A name whose full-name hash (what channels_redis's send uses) and
        # non-local hash (what its receive reads) name different shards.
        while layer.consistent_hash(channel) == layer.consistent_hash(layer.non_local_name(channel)):
            channel = await layer.new_channel()
    return channel


async def run(layer, command):
    op = command["op"]
    if op == "new_channel":
        return await new_channel(layer, command)
    if op == "send":
        return await layer.send(command["channel"], command["message"])
    if op == "receive":
        return await layer.receive(command["channel"])
    if op == "group_add":
        return await layer.group_add(command["group"], command["channel"])
    if op == "group_discard":
        return await layer.group_discard(command["group"], command["channel"])
    if op == "group_send":
        return await layer.group_send(command["group"], command["message"])
    if op == "shard_of":
        if isinstance(layer, RedisPubSubChannelLayer):
            loop_layer = layer._get_layer()
            return loop_layer._shards.index(loop_layer._get_shard(command["name"]))
        return layer.consistent_hash(command["name"])
    raise ValueError(f"unknown op {op}")


def answer(payload):
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


async def handle(layer, command):
    try:
        result = await run(layer, command)
        answer({"id": command["id"], "ok": True, "result": result})
    except Exception as error:  # reported to the test, which fails on it
        answer({"id": command["id"], "ok": False, "error": f"{type(error).__name__}: {error}"})


async def main():
    layer = make_layer(json.loads(sys.argv[1]))
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    tasks = set()
    answer({"ready": True})
    while line := await reader.readline():
        task = asyncio.create_task(handle(layer, json.loads(line)))
        tasks.add(task)
        task.add_done_callback(tasks.discard)


if __name__ == "__main__":
    asyncio.run(main())
