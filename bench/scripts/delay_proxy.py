#!/usr/bin/env python3
"""A TCP proxy that adds a fixed one-way delay in each direction (netem is not available here).
Bytes keep their order; each chunk is released DELAY ms after it arrived, so a round trip gains
2 x DELAY. Usage: delay_proxy.py LISTEN_HOST LISTEN_PORT TARGET_HOST TARGET_PORT DELAY_MS"""
import asyncio, sys, time

listen_host, listen_port, target_host, target_port, delay_ms = sys.argv[1:6]
delay = int(delay_ms) / 1000.0


async def pipe(reader, writer):
    queue = asyncio.Queue()

    async def pump_in():
        while True:
            data = await reader.read(65536)
            await queue.put((time.monotonic() + delay, data))
            if not data:
                return

    async def pump_out():
        while True:
            due, data = await queue.get()
            wait = due - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            if not data:
                try:
                    writer.write_eof()
                except OSError:
                    pass
                return
            writer.write(data)
            await writer.drain()

    try:
        await asyncio.gather(pump_in(), pump_out())
    except (ConnectionError, OSError):
        writer.close()


async def handle(client_reader, client_writer):
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(target_host, int(target_port))
    except OSError:
        client_writer.close()
        return
    await asyncio.gather(pipe(client_reader, upstream_writer), pipe(upstream_reader, client_writer))
    for w in (client_writer, upstream_writer):
        w.close()


async def main():
    server = await asyncio.start_server(handle, listen_host, int(listen_port), limit=1 << 20)
    async with server:
        await server.serve_forever()


asyncio.run(main())
