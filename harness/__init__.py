"""The one test harness, shared by tests and benchmarks: the server, the browser and its pages.

    server        Server (a real `ketamine-explainer serve` on a free port), free ports, REPO
    browser       Chromium's path and flags, VIEWPORTS, PageWatch, open_sized, shoot, waits
    kernel_client a bare kernel-websocket client (the security tests)
    delay_proxy   a TCP proxy that adds latency (the drawn-overlay tests, the latency benchmark)
    trees         leaves(): every (path, value) of a YAML-like tree
    clinics       the example clinic files, and a copy on another paper size
    own_loop      run(): a coroutine on an event loop of its own thread (beside Playwright's)

`tests/conftest.py` holds only pytest's fixtures and hooks, built on these.
"""
