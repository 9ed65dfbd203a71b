"""Viewers' kernels forked from one parent (explainer.serving.forkserver, .provisioner): each
kernel is its own process, session, environment and folder, shares nothing a viewer did with its
siblings, is watched and ended by the server like a spawned one, and the server falls back to
spawning when the parent cannot serve."""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest
from jupyter_client import BlockingKernelClient
from jupyter_client.connect import write_connection_file

from explainer.serving import forkserver
from explainer.serving.provisioner import ForkedProcess, ForkServer, kernel_arguments
from harness import own_loop
from harness.server import REPO


@pytest.fixture
def parent():
    """A fork server of our own, talked to over its pipes as the server does."""
    proc = subprocess.Popen([sys.executable, "-m", "explainer.serving.forkserver"], cwd=REPO,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    assert json.loads(proc.stdout.readline()) == {"ready": True}

    def ask(request) -> dict:
        line = request if isinstance(request, bytes) else json.dumps(request).encode()
        proc.stdin.write(line + b"\n")
        proc.stdin.flush()
        return json.loads(proc.stdout.readline())

    ask.proc = proc
    yield ask
    proc.stdin.close()
    proc.wait(timeout=30)


def _kernel(ask, tmp_path: Path, name: str, env: dict[str, str]):
    connection_file, _ = write_connection_file(str(tmp_path / f"kernel-{name}.json"))
    answer = ask({"argv": ["-f", connection_file], "cwd": str(tmp_path),
                  "env": {**os.environ, **env}})
    client = BlockingKernelClient(connection_file=connection_file)
    client.load_connection_file()
    client.start_channels()
    client.wait_for_ready(timeout=60)
    return answer["pid"], client


def _run(client, code: str) -> str:
    out: list[str] = []

    def keep(msg):
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            out.append("\n".join(msg["content"]["traceback"]))

    client.execute_interactive(code, timeout=60, output_hook=keep)
    return "".join(out).strip()


def test_the_parent_holds_nothing_a_kernel_must_not_inherit():
    """A fresh interpreter that imports what the parent imports: one thread, no zmq context,
    no event loop, no numpy, matplotlib or clinic file."""
    code = "from explainer.serving import forkserver as f; f.preload(); print(f.held())"
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "[]"


def test_each_forked_kernel_is_its_own(parent, tmp_path):
    first_pid, first = _kernel(parent, tmp_path, "a", {"KX_PROBE": "first"})
    second_pid, second = _kernel(parent, tmp_path, "b", {"KX_PROBE": "second"})
    try:
        assert first_pid != second_pid
        for pid, name in ((first_pid, "a"), (second_pid, "b")):
            process = psutil.Process(pid)
            assert process.ppid() == parent.proc.pid
            assert f"kernel-{name}.json" in " ".join(process.cmdline())  # named as a kernel
        probe = ("import os, random, signal, sys; print(os.environ.get('KX_PROBE'), os.getcwd(), "
                 "sys.path[0] == os.getcwd(), "
                 "os.getsid(0) == os.getpid(), signal.getsignal(signal.SIGCHLD) == signal.SIG_DFL, "
                 "'jupyter.widget.control' in get_ipython().kernel.comm_manager.targets, "
                 "'numpy' in sys.modules, random.random())")
        a, b = _run(first, probe).split(), _run(second, probe).split()
        assert a[:7] == ["first", str(tmp_path), "True", "True", "True", "True", "False"]
        assert b[:7] == ["second", str(tmp_path), "True", "True", "True", "True", "False"]
        assert a[7] != b[7], "each kernel draws its own random numbers"
        # What one kernel does to a shared module stays in that kernel.
        _run(first, "import explainer.pages as p; p.KX_PROBE = 'left by the first'")
        assert _run(second, "import explainer.pages as p; print(hasattr(p, 'KX_PROBE'))") == "False"
        assert _run(first, "import explainer.pages as p; print(p.KX_PROBE)") == "left by the first"
    finally:
        first.stop_channels()
        second.stop_channels()
    # Watched and ended through a pidfd, as the server does; the parent reaps them.
    for pid in (first_pid, second_pid):
        process = ForkedProcess(pid)
        assert process.poll() is None
        process.kill()
        assert process.wait(timeout=10) == 0
        assert process.poll() == 0
        with pytest.raises(ProcessLookupError):
            process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + 10
    while psutil.Process(parent.proc.pid).children() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert psutil.Process(parent.proc.pid).children() == [], "no zombie is left"


def test_bad_requests_are_refused_and_the_parent_goes_on(parent, tmp_path):
    for bad in (b"not json", b"[1, 2]", json.dumps({"argv": "x", "cwd": "/", "env": {}}).encode(),
                json.dumps({"argv": [], "cwd": str(tmp_path / "nowhere"), "env": {}}).encode(),
                json.dumps({"argv": [], "cwd": "/", "env": {"A": 1}}).encode()):
        assert "error" in parent(bad)
    pid, client = _kernel(parent, tmp_path, "c", {})
    try:
        assert _run(client, "print(1 + 1)") == "2"
    finally:
        client.stop_channels()
        os.kill(pid, signal.SIGKILL)


def test_only_the_viewers_kernel_is_forked():
    assert kernel_arguments([sys.executable, "-m", "explainer.serving.kernel", "-f", "k.json"]) \
        == ["-f", "k.json"]
    assert kernel_arguments([sys.executable, "-m", "ipykernel_launcher", "-f", "k.json"]) is None
    assert kernel_arguments(["python"]) is None


def test_a_parent_that_cannot_serve_means_spawned_kernels():
    """A fork server that says anything but "ready" (here: one whose preload finds a thread) is
    stopped and not asked again: `fork` answers None and the provisioner spawns the kernel."""
    server = ForkServer()
    server.command = (sys.executable, "-c", "import threading, sys; "
                      "threading.Thread(target=sys.stdin.read, daemon=True).start(); "
                      "from explainer.serving import forkserver; sys.exit(forkserver.main())")
    asked = ["-f", "k.json"], str(REPO), dict(os.environ)
    assert own_loop.run(server.fork(*asked)) is None
    assert server.failed
    assert own_loop.run(server.fork(*asked)) is None


def test_the_preloaded_parent_refuses_to_serve_with_a_thread():
    code = ("import threading, time; threading.Thread(target=time.sleep, args=(5,), daemon=True)"
            ".start(); from explainer.serving import forkserver; import sys; "
            "sys.exit(forkserver.main())")
    run = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True,
                         stdin=subprocess.DEVNULL)
    assert run.returncode == forkserver.NOT_READY
    assert "threads" in run.stderr and run.stdout == ""


def test_random_is_reseeded_in_each_child():
    """Python reseeds `random` after fork (os.register_at_fork): kernels never share a stream."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.write(write, repr(random.random()).encode())
        os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 100).decode() != repr(random.random())


def test_the_server_forks_its_kernels_unless_told_to_spawn(server, make_server):
    import urllib.request

    spawned = make_server("--spawn-kernels", name="spawned")
    for srv, forked in ((server, True), (spawned, False)):
        before = set(srv.kernels())
        with urllib.request.urlopen(f"{srv.url}/voila/render/about.ipynb", timeout=60) as page:
            assert page.status == 200
        new = set(srv.kernels()) - before
        assert len(new) == 1
        parent = psutil.Process(srv.kernels()[new.pop()]).parent()
        assert ("explainer.serving.forkserver" in " ".join(parent.cmdline())) is forked
        assert (parent.pid == srv.proc.pid) is not forked


def test_a_forked_kernel_can_be_interrupted(parent, tmp_path):
    """The server interrupts a kernel with SIGINT to its process group, as for a spawned one
    (the parent ignores SIGINT; its kernels must not)."""
    pid, client = _kernel(parent, tmp_path, "d", {})
    try:
        msg_id = client.execute("import time; time.sleep(30)")
        time.sleep(1.0)
        os.killpg(pid, signal.SIGINT)
        reply = client.get_shell_msg(timeout=15)
        assert reply["parent_header"]["msg_id"] == msg_id
        assert reply["content"]["status"] == "error"
        assert reply["content"]["ename"] == "KeyboardInterrupt"
        assert _run(client, "print('still here')") == "still here"
    finally:
        client.stop_channels()
        os.kill(pid, signal.SIGKILL)


def test_a_crashed_server_leaves_no_kernel_behind(make_server):
    """Killed outright (no shutdown), the server leaves its fork server nothing to read: the
    parent ends, and its kernels end when their parent does (`--IPKernelApp.parent_handle`)."""
    import urllib.request

    srv = make_server(name="crash")
    with urllib.request.urlopen(f"{srv.url}/voila/render/about.ipynb", timeout=60) as page:
        assert page.status == 200
    left = psutil.Process(srv.proc.pid).children(recursive=True)
    names = [" ".join(p.cmdline()) for p in left]
    assert any("explainer.serving.forkserver" in n for n in names)
    assert any("explainer.serving.kernel" in n for n in names)
    srv.proc.kill()
    srv.proc.wait(timeout=10)
    gone_by = time.monotonic() + 20
    while time.monotonic() < gone_by:
        alive = [p for p in left if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
        if not alive:
            break
        time.sleep(0.25)
    assert not alive, f"left running after the server was killed: {alive}"
