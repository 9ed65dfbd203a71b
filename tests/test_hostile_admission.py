"""One anonymous client cannot start kernels without bound (issue 20, item 1).

The ledger is tested apart from the server; then a real server with small caps is flooded over
loopback. Distinct clients are simulated with `X-Forwarded-For` from a server told to trust
loopback as its proxy (as `make multi` does behind nginx)."""

from __future__ import annotations

import concurrent.futures
import socket
import time
import urllib.error
import urllib.request

import pytest

from explainer.serving.admission import Admission, client_address, default_max_kernels

# --- The ledger (no server) ---------------------------------------------------------------------


class Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_kernels_are_counted_when_the_request_arrives():
    ledger = Admission(max_kernels=3, max_per_client=2)
    a1, a2 = ledger.admit("a"), ledger.admit("a")
    assert a1 and a2 and ledger.admit("a") is None  # per client, before any kernel is up
    assert ledger.admit("b") is not None
    assert ledger.admit("c") is None  # global
    assert ledger.refused == {"kernels_per_client": 1, "kernels": 1}
    ledger.release(a1)
    assert ledger.admit("c") is not None


def test_a_client_that_drops_its_requests_cannot_churn_kernels_without_bound():
    clock = Clock()
    ledger = Admission(max_kernels=50, max_per_client=3, starts_per_minute=12, clock=clock)
    started = 0
    for _ in range(100):  # admitted, then dropped (released) at once
        r = ledger.admit("10.0.0.9")
        if r is not None:
            started += 1
            ledger.release(r)
    assert started == 3  # the burst
    clock.now = 60
    started = sum(1 for _ in range(100) if (r := ledger.admit("10.0.0.9")) and
                  ledger.release(r) is None)
    assert started == 3  # 12 a minute, but never more than the burst at once
    assert ledger.admit("10.0.0.8") is not None  # another client is not affected


def test_a_page_that_never_connects_is_due_after_the_reservation():
    clock = Clock()
    ledger = Admission(max_kernels=5, reservation_seconds=60, idle_lifetime_seconds=600,
                       clock=clock)
    idle, used = ledger.admit("a"), ledger.admit("b")
    ledger.bind(idle, "k-idle")
    ledger.bind(used, "k-used")
    ledger.sent(idle)
    ledger.sent(used)
    assert ledger.open_socket("k-used", "b")
    clock.now = 59
    assert ledger.overdue() == []
    clock.now = 61
    assert ledger.overdue() == ["k-idle"]
    ledger.forget_ended(["k-used"])
    assert ledger.kernels() == 1


def test_an_idle_socket_holds_its_kernel_only_for_the_idle_lifetime():
    clock = Clock()
    ledger = Admission(max_kernels=5, idle_lifetime_seconds=600, clock=clock)
    r = ledger.admit("a")
    ledger.bind(r, "k")
    ledger.sent(r)
    assert ledger.open_socket("k", "a")
    clock.now = 500
    ledger.interacted("k")
    clock.now = 1000
    assert ledger.overdue() == []
    clock.now = 1101
    assert ledger.overdue() == ["k"]


def test_sockets_are_capped_per_kernel_and_per_client():
    ledger = Admission(max_kernels=5, sockets_per_kernel=2, sockets_per_client=3)
    r = ledger.admit("a")
    ledger.bind(r, "k")
    assert ledger.open_socket("k", "a") and ledger.open_socket("k", "a")
    assert not ledger.open_socket("k", "a")
    assert ledger.open_socket("other", "a") and not ledger.open_socket("other", "a")
    ledger.close_socket("k", "a")
    assert ledger.open_socket("k", "a")


def test_loopback_viewers_share_one_address_so_only_the_global_cap_counts_them():
    ledger = Admission(max_kernels=3, max_per_client=1, sockets_per_client=1)
    assert ledger.admit("127.0.0.1") and ledger.admit("127.0.0.1") and ledger.admit("::1")
    assert ledger.admit("127.0.0.1") is None  # the global cap
    assert ledger.open_socket("k1", "127.0.0.1") and ledger.open_socket("k2", "127.0.0.1")


def test_the_global_cap_is_sized_from_memory_and_cores():
    gib = 1024**3
    assert default_max_kernels(memory_bytes=8 * gib, cores=2) == 40  # cores bind
    assert default_max_kernels(memory_bytes=2 * gib, cores=8) == 10  # memory binds
    assert default_max_kernels(memory_bytes=gib // 4, cores=1) == 4  # never below the floor
    assert default_max_kernels() >= 4


def test_forwarded_for_is_believed_only_from_the_trusted_proxy():
    assert client_address("203.0.113.9", "10.0.0.1", ()) == "203.0.113.9"
    assert client_address("127.0.0.1", "10.0.0.1", ("127.0.0.1",)) == "10.0.0.1"
    # a client's own forged entries come first; the proxy's is the last
    assert client_address("127.0.0.1", "6.6.6.6, 10.0.0.1", ("127.0.0.1",)) == "10.0.0.1"
    assert client_address("127.0.0.1", "junk", ("127.0.0.1",)) == "127.0.0.1"


# --- A real server ------------------------------------------------------------------------------

FLOODED = "treatment-timeline.ipynb"


def get(url: str, forwarded_for: str | None = None, timeout: float = 60):
    """(status, seconds, headers, body) of a GET."""
    request = urllib.request.Request(url, headers={"X-Forwarded-For": forwarded_for}
                                     if forwarded_for else {})
    t0 = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.status, time.monotonic() - t0, response.headers, response.read()
    except urllib.error.HTTPError as err:
        return err.code, time.monotonic() - t0, err.headers, err.read()


def wait_for_kernels(srv, predicate, seconds: float) -> int:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        n = len(srv.kernels())
        if predicate(n):
            return n
        time.sleep(0.5)
    return len(srv.kernels())


@pytest.fixture(scope="module")
def capped(make_server):
    return make_server("--max-kernels", "4", "--max-kernels-per-client", "2",
                       "--trusted-proxy", "127.0.0.1", "--reservation-seconds", "8",
                       name="hostile-capped")


def test_a_flood_stays_at_the_cap_and_a_probe_viewer_still_gets_a_page(capped):
    url = f"{capped.url}/voila/render/{FLOODED}"
    peak = 0
    with concurrent.futures.ThreadPoolExecutor(12) as pool:
        flood = [pool.submit(get, url, "10.9.9.9") for _ in range(12)]
        time.sleep(0.5)
        probe = pool.submit(get, f"{capped.url}/voila/render/about.ipynb", "10.1.1.1")
        while not all(f.done() for f in flood):
            peak = max(peak, len(capped.kernels()))
            time.sleep(0.2)
        results = [f.result() for f in flood]
        probe_status, probe_seconds, _, _ = probe.result()
    statuses = sorted(r[0] for r in results)
    assert statuses.count(200) == 2 and statuses.count(503) == 10, statuses
    assert peak <= 4
    refused = [r for r in results if r[0] == 503]
    assert all(r[1] < 2 for r in refused), [round(r[1], 2) for r in refused]
    assert all(r[2]["Retry-After"] == "60" for r in refused)
    assert b"Many people are using this explainer right now" in refused[0][3]
    assert probe_status == 200 and probe_seconds < 15, (probe_status, probe_seconds)
    # nobody opened these pages' websockets: their kernels go after the reservation
    assert wait_for_kernels(capped, lambda n: n == 0, 30) == 0


def test_a_dropped_request_leaves_no_kernel(capped):
    assert wait_for_kernels(capped, lambda n: n == 0, 30) == 0
    for _ in range(3):
        with socket.create_connection(("127.0.0.1", capped.port)) as raw:
            raw.sendall(f"GET /voila/render/{FLOODED} HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                        "X-Forwarded-For: 10.7.7.7\r\n\r\n".encode())
    # The reservation here is 8 s: kernels gone well within it mean the drop freed them.
    time.sleep(2)
    assert wait_for_kernels(capped, lambda n: n == 0, 25) == 0
    assert "its viewer left before the page was sent" in capped.log()
    # the client's reservations were all given back (its start budget refills in seconds)
    deadline, status = time.monotonic() + 15, None
    while status != 200 and time.monotonic() < deadline:
        status, _, _, _ = get(f"{capped.url}/voila/render/about.ipynb", "10.7.7.7")
        time.sleep(1)
    assert status == 200


def test_an_unusable_cache_folder_is_reported_once_and_a_private_one_used(tmp_path, monkeypatch,
                                                                          capsys):
    from explainer import paths
    from explainer.serving.cli import cache_environment

    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    monkeypatch.setenv(paths.CACHE_ENV_VAR, str(blocked / "cache"))
    folder = cache_environment()
    err = capsys.readouterr().err
    assert err.count("WARNING") == 1 and str(blocked / "cache") in err
    assert folder.is_dir() and folder != blocked / "cache"
    assert paths.cache_dir() == folder  # the kernels inherit it
    assert oct(folder.stat().st_mode & 0o777) == "0o700"  # private
    assert cache_environment() == folder and capsys.readouterr().err == ""
