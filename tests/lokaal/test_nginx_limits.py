"""The abuse limits of deploy/nginx.conf, with a real nginx in front of a tiny upstream.

Random query strings, POSTs and logins beyond the limits get nginx's own 429 (a Dutch plain
text) and never reach the upstream; plain requests from the same address are not limited.
Skipped where nginx is not installed (`make nginx-deps`).
"""

import http.client
import http.server
import os
import random
import shutil
import socket
import sys
import threading
import time
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "scripts"))
from _serve import nginx

NGINX = next(
    (
        c
        for c in (os.environ.get("NGINX"), shutil.which("nginx"), "/usr/sbin/nginx")
        if c and os.access(c, os.X_OK)
    ),
    None,
)
pytestmark = pytest.mark.skipif(NGINX is None, reason="nginx is not installed")


class _Upstream(http.server.BaseHTTPRequestHandler):
    """Answers every request with 200 "ok" (never kept by nginx: no X-Accel-Expires) and
    counts what reached it."""

    protocol_version = "HTTP/1.1"
    seen: list[str] = []

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        if length:
            self.rfile.read(length)
        type(self).seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", "2")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(b"ok")

    do_GET = do_POST = do_HEAD = _answer

    def log_message(self, *args):
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # nginx closing its kept-alive connections at the end


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def proxy():
    """A fresh nginx (so fresh limit zones) with deploy/nginx.conf before the tiny upstream."""
    _Upstream.seen = []
    upstream = _Server(("127.0.0.1", _free_port()), _Upstream)
    thread = threading.Thread(target=upstream.serve_forever, daemon=True)
    thread.start()
    port = _free_port()
    try:
        with nginx(port, [upstream.server_address[1]]):
            _Upstream.seen.clear()  # nginx's start-up probe
            yield http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    finally:
        upstream.shutdown()
        upstream.server_close()


def _send(connection, method, path, body=None):
    headers = {"Content-Type": "application/x-www-form-urlencoded"} if body is not None else {}
    connection.request(method, path, body=body, headers=headers)
    response = connection.getresponse()
    return response.status, dict(response.headers), response.read()


def _burst(connection, method, paths, body=None):
    """Send each request at once after the other; (statuses, seconds taken)."""
    start = time.monotonic()
    statuses = [_send(connection, method, path, body)[0] for path in paths]
    return statuses, time.monotonic() - start


def test_random_query_strings_beyond_the_limit_get_429_from_nginx(proxy):
    paths = [f"/?{random.getrandbits(40):x}={n}" for n in range(80)]
    statuses, seconds = _burst(proxy, "GET", paths)
    passed = statuses.count(200)
    # A burst of 20 plus 5 a second; the rest is refused by nginx and never reaches the site.
    assert 20 <= passed <= 21 + 5 * seconds
    assert statuses.count(429) == len(paths) - passed
    assert len(_Upstream.seen) == passed
    status, headers, body = _send(proxy, "GET", "/trajecten/?x=1")
    assert status == 429
    assert headers["Content-Type"] == "text/plain; charset=utf-8"
    assert headers["Retry-After"] == "30"
    assert "Te veel verzoeken" in body.decode() and "uw adres" in body.decode()


def test_plain_requests_from_the_same_address_are_not_limited(proxy):
    statuses, _ = _burst(proxy, "GET", [f"/?{n}" for n in range(40)])
    assert 429 in statuses  # the address is over its query limit ...
    before = len(_Upstream.seen)
    statuses, _ = _burst(proxy, "GET", ["/", "/trajecten/", "/kalender/"] * 50)
    assert statuses == [200] * 150  # ... and still gets every page without a query string
    assert len(_Upstream.seen) == before + 150
    statuses, _ = _burst(proxy, "HEAD", ["/"] * 30)
    assert statuses == [200] * 30


def test_posts_and_logins_beyond_their_limits_get_429_from_nginx(proxy):
    statuses, seconds = _burst(proxy, "POST", ["/account/login/"] * 12, body="username=x")
    assert 3 <= statuses.count(200) <= 3 + seconds / 30  # 3 in a row, then 2 a minute
    assert statuses.count(429) == 12 - statuses.count(200)
    statuses, _ = _burst(proxy, "POST", ["/admin/login/"] * 3, body="username=x")
    assert statuses == [429] * 3  # the same limit for the admin's login form
    # Other forms: a burst of 10, then 30 a minute (the logins above counted as POSTs too).
    statuses, seconds = _burst(proxy, "POST", ["/volgen/"] * 20, body="email=x")
    assert statuses.count(200) <= 10 - 3 + 1 + seconds / 2
    assert 429 in statuses
    passed = sum(1 for line in _Upstream.seen if line.startswith("POST"))
    assert passed <= 11 + seconds
    assert _burst(proxy, "GET", ["/"] * 10)[0] == [200] * 10
