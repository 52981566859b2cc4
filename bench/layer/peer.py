"""channels_redis 4.0's side of `npm run bench:layer`, driven by bench/layer/run.ts.

Usage: /usr/bin/python3 bench/layer/peer.py '<json>'
{"role": "receiver" | "sender", "layer": "core" | "pubsub", "hosts": [...],
 "group": "...", "channels": n (receiver), "count": n (messages per channel or sent),
 "window": n (sends in flight), "capacity": n, "warmup": n (unmeasured group sends first),
 "rate": n (optional: group sends per second, paced; absent: as fast as the window allows)}

A receiver joins `channels` new channels to the group, prints {"ready": true},
takes `count` messages on each (or stops at "stop" on stdin) and prints
{"received", "latencies", "last"} ("last": when the last message came). A sender prints {"ready": true}, waits for "go",
sends `count` group messages, `window` at a time, and prints {"sent", "start", "end"}.
Times are Unix milliseconds, as the Node side writes them.
"""

import asyncio
import json
import sys
import time

from channels_redis.core import RedisChannelLayer
from channels_redis.pubsub import RedisPubSubChannelLayer


def out(payload):
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def make_layer(config):
    if config["layer"] == "pubsub":
        return RedisPubSubChannelLayer(hosts=config["hosts"])
    return RedisChannelLayer(hosts=config["hosts"], capacity=config["capacity"])


async def stdin_lines():
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    return reader


async def receiver(config, layer):
    count = config["count"]
    latencies = []
    last = [0.0]
    expected = count * config["channels"]
    finished = asyncio.Event()

    async def take(channel):
        for _ in range(config.get("warmup", 0) + count):
            message = await layer.receive(channel)
            if message.get("warmup"):
                continue
            last[0] = time.time() * 1000
            latencies.append(last[0] - message["t"])
            if len(latencies) == expected:
                finished.set()

    channels = [await layer.new_channel() for _ in range(config["channels"])]
    for channel in channels:
        await layer.group_add(config["group"], channel)
    tasks = [asyncio.create_task(take(channel)) for channel in channels]
    stdin = await stdin_lines()
    out({"ready": True})
    stop = asyncio.create_task(stdin.readline())
    await asyncio.wait([stop, asyncio.create_task(finished.wait())], return_when=asyncio.FIRST_COMPLETED)
    out({"received": len(latencies), "latencies": latencies, "last": last[0]})
    for task in tasks:
        task.cancel()


async def sender(config, layer):
    stdin = await stdin_lines()
    out({"ready": True})
    await stdin.readline()
    warmup = config.get("warmup", 0)
    go = time.time() * 1000
    start = [go]
    window = asyncio.Semaphore(config["window"])
    rate = config.get("rate")

    async def send(seq):
        async with window:
            if seq == warmup:
                start[0] = time.time() * 1000  # the measured sends start here
            if rate:
                # Open loop at a fixed rate: message `seq` is due at go + seq / rate.
                await asyncio.sleep(max(0.0, (go + seq * 1000 / rate - time.time() * 1000) / 1000))
            message = {"type": "bench.message", "seq": seq, "t": time.time() * 1000}
            if seq < warmup:
                message["warmup"] = True
            await layer.group_send(config["group"], message)

    await asyncio.gather(*(send(seq) for seq in range(warmup + config["count"])))
    out({"sent": config["count"], "start": start[0], "end": time.time() * 1000})


async def main():
    config = json.loads(sys.argv[1])
    layer = make_layer(config)
    if config["role"] == "receiver":
        await receiver(config, layer)
    else:
        await sender(config, layer)
    sys.stdout.flush()


if __name__ == "__main__":
    asyncio.run(main())
    # Skip interpreter teardown of the layer's open connections.
    import os

    os._exit(0)
