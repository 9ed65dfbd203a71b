"""Several `ketamine-explainer serve` processes behind nginx with sticky sessions (`make multi`).

    python -m deploy.multi                       # 2 processes behind http://127.0.0.1:8080
    python -m deploy.multi --processes 3 --listen 127.0.0.1:8080 --first-port 8866
    python -m deploy.multi render --ports 8866 8867 --listen 443   # conf.d file for a server

`render` prints the nginx site configuration a server puts in /etc/nginx/conf.d/ (with the
processes run by deploy/systemd/ketamine-explainer@.service); the local run writes a complete
nginx.conf into a temporary folder and runs nginx in the foreground with it, so nothing on the
machine is changed. Ctrl-C stops nginx and every process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import jinja2

DEPLOY_DIR = Path(__file__).resolve().parent
TEMPLATE = "nginx/ketamine-explainer.conf.j2"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


def render(ports: Sequence[int], listen: str, standalone: bool = False,
           run_dir: Path | None = None) -> str:
    """The nginx configuration for processes on `ports` (a conf.d file, or a whole nginx.conf)."""
    if len(ports) < 1 or len(set(ports)) != len(ports):
        raise ValueError(f"need distinct ports, got {list(ports)}")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(DEPLOY_DIR), autoescape=False,
                             keep_trailing_newline=True, undefined=jinja2.StrictUndefined)
    return env.get_template(TEMPLATE).render(ports=list(ports), listen=listen,
                                             standalone=standalone, run_dir=run_dir)


def wait_http(url: str, timeout: float = 60, proc: subprocess.Popen | None = None) -> None:
    """Wait until `url` answers at all (any HTTP status)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{proc.args[0]} exited with {proc.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer in {timeout:.0f} s")


@dataclass
class Nginx:
    """nginx in the foreground with a generated nginx.conf in its own folder."""

    ports: Sequence[int]
    listen: str
    run_dir: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="kx-nginx-")))
    proc: subprocess.Popen | None = None

    def start(self) -> Nginx:
        conf = self.run_dir / "nginx.conf"
        conf.write_text(render(self.ports, self.listen, standalone=True, run_dir=self.run_dir))
        check = subprocess.run([NGINX, "-t", "-q", "-p", str(self.run_dir), "-c", str(conf)],
                               capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx rejected the configuration:\n{check.stderr}")
        self.proc = subprocess.Popen([NGINX, "-p", str(self.run_dir), "-c", str(conf),
                                      "-g", "daemon off;"])
        wait_http(f"http://{self.listen}/voila/static/", proc=self.proc)
        return self

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # graceful: finish open requests
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        shutil.rmtree(self.run_dir, ignore_errors=True)


def start_explainer(port: int, *extra: str, log=None) -> subprocess.Popen:
    """One `ketamine-explainer serve` process on 127.0.0.1:`port`."""
    command = str(Path(sys.executable).parent / "ketamine-explainer")
    proc = subprocess.Popen([command, "serve", "--port", str(port), *extra],
                            stdout=log, stderr=subprocess.STDOUT if log else None)
    wait_http(f"http://127.0.0.1:{port}/voila/static/", proc=proc)
    return proc


def behind_proxy(processes: int, allow_hosts: tuple[str, ...] = ()) -> list[str]:
    """The `serve` options of one process behind this nginx: believe the proxy's
    X-Forwarded-For, answer to the names the proxy is reached by, and take an equal share of
    the machine's kernel cap (each process would otherwise size it for the whole machine)."""
    from explainer.serving.admission import default_max_kernels

    share = max(1, default_max_kernels() // max(1, processes))
    options = ["--trusted-proxy", "127.0.0.1", "--max-kernels", str(share)]
    for host in allow_hosts:
        options += ["--allow-host", host]
    return options


def _run(args) -> int:
    ports = [args.first_port + i for i in range(args.processes)]
    procs: list[subprocess.Popen] = []
    nginx = Nginx(ports, args.listen)
    # Before anything starts: a SIGTERM that arrives while the processes start (or the moment
    # nginx first answers) must still run the clean-up below, not kill this process alone.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        for port in ports:
            procs.append(start_explainer(
                port, *behind_proxy(len(ports), tuple(args.allow_host))))
        nginx.start()
        print(f"\n{len(ports)} explainer processes (ports {', '.join(map(str, ports))}) "
              f"behind nginx: http://{args.listen}/   (Ctrl-C stops them all)", flush=True)
        while all(p.poll() is None for p in [*procs, nginx.proc]):
            time.sleep(1)
        print("a process stopped; stopping the others", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 0
    finally:
        nginx.stop()
        for p in procs:
            p.terminate()
        for p in procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                p.kill()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    r = sub.add_parser("render", help="print the nginx site configuration (conf.d)")
    r.add_argument("--ports", type=int, nargs="+", default=[8866, 8867])
    r.add_argument("--listen", default="127.0.0.1:8080")
    parser.add_argument("--processes", type=int, default=max(2, os.cpu_count() or 2))
    parser.add_argument("--first-port", type=int, default=8866)
    parser.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                        help="a public name the proxy is reached by (repeatable)")
    parser.add_argument("--listen", default="127.0.0.1:8080",
                        help="where nginx listens (default 127.0.0.1:8080)")
    args = parser.parse_args(argv)
    if args.command == "render":
        sys.stdout.write(render(args.ports, args.listen))
        return 0
    return _run(args)


if __name__ == "__main__":
    sys.exit(main())
