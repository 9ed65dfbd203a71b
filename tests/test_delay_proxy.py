"""The benchmark's delay proxy (harness/delay_proxy.py) adds its delay each way and keeps
bytes and order, for plain HTTP and for a long-lived two-way connection (as a websocket is)."""

from __future__ import annotations

import socket
import threading
import time
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from harness.delay_proxy import DelayProxy


class _Hello(BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802  (http.server's name)
        body = b"hello " * 5000
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def _serve(server) -> threading.Thread:
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return thread


def test_http_through_the_proxy_takes_the_delay_both_ways():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Hello)
    _serve(httpd)
    try:
        with DelayProxy(httpd.server_address[1], delay_ms=60) as proxy:
            t0 = time.perf_counter()
            body = urllib.request.urlopen(proxy.url + "/", timeout=10).read()
            elapsed = time.perf_counter() - t0
        assert body == b"hello " * 5000
        assert elapsed >= 0.12, elapsed          # one request and its answer: 2 x 60 ms
    finally:
        httpd.shutdown()


def test_two_way_stream_keeps_order_and_adds_a_round_trip():
    echo = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = echo.accept()
        with conn:
            while data := conn.recv(4096):
                conn.sendall(data)

    threading.Thread(target=serve, daemon=True).start()
    with DelayProxy(echo.getsockname()[1], delay_ms=40) as proxy:
        with socket.create_connection(("127.0.0.1", proxy.port), timeout=10) as s:
            times = []
            for i in range(5):
                t0 = time.perf_counter()
                s.sendall(f"message {i};".encode())
                got = b""
                while not got.endswith(b";"):
                    got += s.recv(4096)
                times.append(time.perf_counter() - t0)
                assert got == f"message {i};".encode()
    echo.close()
    assert min(times) >= 0.08, times             # 40 ms there, 40 ms back, every time
