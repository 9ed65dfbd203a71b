"""Only what the pages need is downloadable; sources, config and anything outside answer 403/404."""

from __future__ import annotations

import http.client

import pytest

pytestmark = pytest.mark.server

FORBIDDEN_PATHS = [
    "/voila/files/start.ipynb",
    "/voila/files/../pyproject.toml",
    "/voila/files/%2e%2e/pyproject.toml",
    "/voila/files/../explainer/__init__.py",
    "/voila/files/../.git/config",
    "/voila/files/../../../../etc/passwd",
    "/voila/files/..%2f..%2f..%2fetc/passwd",
    "/voila/render/../pyproject.toml",
    "/voila/render/../explainer/__init__.py",
    "/voila/render/%2e%2e/pyproject.toml",
    "/voila/render/../.git/config",
    "/voila/templates/../../../../../pyproject.toml",
    "/voila/templates/kx/../../../../../../explainer/__init__.py",
    "/voila/static/../../../../pyproject.toml",
    "/voila/api/contents",
    "/voila/api/contents/start.ipynb",
    "/api/contents",
    "/api/kernels",
    "/api/sessions",
    "/lab",
    "/tree",
    "/pyproject.toml",
    "/.git/config",
]


def raw_get(server, path: str) -> tuple[int, bytes]:
    """GET with the path sent exactly as written (no client-side normalising of `..`)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.endheaders()
    resp = conn.getresponse()
    body = resp.read()
    conn.close()
    return resp.status, body


@pytest.mark.parametrize("path", FORBIDDEN_PATHS)
def test_private_files_are_not_served(server, path):
    status, body = raw_get(server, path)
    if status in (301, 302):
        return  # redirected to the start page, nothing served
    assert status in (400, 403, 404, 405), (status, body[:200])
    assert b"[build-system]" not in body and b"root:x:" not in body


def test_tree_listing_is_replaced_by_start_page(server):
    for path in ("/", "/voila/tree", "/voila/tree/"):
        status, _ = raw_get(server, path)
        assert status in (301, 302)


def test_pages_send_security_headers(server):
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
    conn.request("GET", "/voila/render/about.ipynb")
    resp = conn.getresponse()
    resp.read()
    csp = resp.getheader("Content-Security-Policy")
    assert resp.status == 200
    assert "default-src 'self'" in csp and "connect-src 'self'" in csp


def test_url_cannot_switch_template_or_theme(server):
    query = "?voila-template=reveal&voila-theme=dark"
    status, body = raw_get(server, "/voila/render/about.ipynb" + query)
    assert status == 200
    assert b"theme-dark" not in body and b"reveal.js" not in body
    assert b'id="kx-style"' in body
