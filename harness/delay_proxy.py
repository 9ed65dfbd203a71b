"""A loopback TCP proxy that holds every chunk `delay_ms` before passing it on, each way.

It forwards bytes, so HTTP and the kernel's websocket go through it alike: a page opened on
`proxy.url` sees the server as if it were `delay_ms` away each way (a round trip of twice
that), as a viewer at a distant clinic or on a home connection would. Only latency is added,
not a bandwidth limit; order is kept (each direction is one queue).

    with DelayProxy(server_port, delay_ms=50) as proxy:
        page.goto(proxy.url + "/voila/render/pain-signal.ipynb")
"""

from __future__ import annotations

import asyncio
import threading
import time

from harness.server import free_port

CHUNK = 64 * 1024


class DelayProxy:
    """127.0.0.1:<free port> -> 127.0.0.1:`target_port`, `delay_ms` added each way."""

    def __init__(self, target_port: int, delay_ms: float):
        self.target_port = target_port
        self.delay_s = delay_ms / 1000
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="delay-proxy", daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def __enter__(self) -> DelayProxy:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the delay proxy did not start")
        return self

    def __exit__(self, *exc) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._connection, "127.0.0.1", self.port))
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    async def _connection(self, client_r, client_w) -> None:
        try:
            server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_w.close()
            return
        await asyncio.gather(self._pipe(client_r, server_w), self._pipe(server_r, client_w),
                             return_exceptions=True)

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        """Read as it comes; write each chunk `delay_s` after it was read, in order."""
        queue: asyncio.Queue = asyncio.Queue()

        async def send() -> None:
            while True:
                due, chunk = await queue.get()
                wait = due - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not chunk:
                    break
                writer.write(chunk)
                await writer.drain()
            writer.close()

        sender = asyncio.ensure_future(send())
        try:
            while True:
                chunk = await reader.read(CHUNK)
                queue.put_nowait((time.monotonic() + self.delay_s, chunk))
                if not chunk:
                    break
            await sender
        except (ConnectionError, asyncio.CancelledError):
            sender.cancel()
            writer.close()
