"""A kernel that dies under a live page: the page says so in words, and its reload works
(issue 20, item 4). It used to be replaced silently by an empty kernel (Next did nothing)."""

from __future__ import annotations

import os
import signal

import pytest

from explainer.content import strings
from harness.browser import PageWatch
from harness.kernel_client import kernel_id


@pytest.mark.browser
def test_a_killed_kernel_shows_the_message_and_the_reload_works(browser, make_server,
                                                                artifacts):
    srv = make_server(name="hostile-killed-kernel")
    words = strings.text("site", "connection")
    context = browser.new_context(viewport={"width": 390, "height": 844})
    try:
        w = PageWatch(context.new_page(), srv.url)
        page = w.open("/voila/render/pain-signal.ipynb")
        page.wait_for_selector(".widget-toggle-buttons", timeout=90_000)
        kid = kernel_id(page)
        os.kill(srv.kernels()[kid], signal.SIGKILL)
        banner = page.wait_for_selector(".kx-connection-lost", timeout=20_000)
        assert words["ended_title"] in banner.inner_text()
        assert words["ended_text"] in banner.inner_text()
        assert banner.get_attribute("role") == "alert"
        page.screenshot(path=str(artifacts / "hostile-kernel-ended-390.png"))
        assert kid not in srv.kernels()
        page.get_by_role("button", name=words["button"]).click()
        page.wait_for_selector(".widget-toggle-buttons", timeout=90_000)
        assert kernel_id(page) != kid
        assert page.query_selector(".kx-connection-lost") is None
    finally:
        context.close()
