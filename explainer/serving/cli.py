"""The `ketamine-explainer` console command: `serve [--port N] [--host H] [--open]
[--clinic FILE]`, `check-clinic FILE`, `review-export [--out DIR] [--format
markdown|html]` (explainer.content.review_export), `locale-report [LOCALE] [--keys]`
(explainer.content.locale_report) and `sync-citations [--check]` (explainer.study)."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

from explainer import paths
from explainer.serving import kernel
from explainer.serving.admission import MAX_KERNELS_PER_CLIENT, RESERVATION_SECONDS
from explainer.serving.config import ServeOptions, build_config
from explainer.serving.edges import LOCALHOST


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="ketamine-explainer",
        description="Serve the ketamine-for-chronic-pain explainer with Voilà.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("serve", help="serve the explainer (default http://127.0.0.1:8866)")
    s.add_argument("--port", type=int, default=8866, help="port to listen on (default 8866)")
    s.add_argument(
        "--host",
        default=LOCALHOST,
        help="address to bind (default 127.0.0.1; anything else exposes the page to a network)",
    )
    s.add_argument("--open", action="store_true", help="open a browser once serving")
    s.add_argument(
        "--cull-idle",
        type=int,
        default=600,
        metavar="SECONDS",
        help="shut down kernels idle this long with no page open (default 600)",
    )
    s.add_argument(
        "--preheat",
        type=int,
        default=0,
        metavar="N",
        help="keep N kernels warm per page (default 0: off)",
    )
    s.add_argument(
        "--preheat-page",
        action="append",
        default=[],
        metavar="PAGE=N",
        help="keep N kernels warm for one page, e.g. start.ipynb=20 (repeatable)",
    )
    s.add_argument(
        "--pool-refill-delay",
        type=float,
        default=1.0,
        metavar="SECONDS",
        help="wait this long before replacing a warm kernel a viewer took (default 1)",
    )
    s.add_argument(
        "--jupyterhub",
        action="store_true",
        help="spawned by JupyterHub: listen where $JUPYTERHUB_SERVICE_URL says, under its path",
    )
    s.add_argument("--max-kernels", type=int, default=0, metavar="N",
                   help="most viewers' kernels at once (default 0: sized from the machine's "
                        "memory and cores)")
    s.add_argument("--max-kernels-per-client", type=int, default=MAX_KERNELS_PER_CLIENT,
                   metavar="N", help=f"most kernels one address may hold (default "
                                     f"{MAX_KERNELS_PER_CLIENT})")
    s.add_argument("--trusted-proxy", action="append", default=[], metavar="ADDRESS",
                   help="a reverse proxy whose X-Forwarded-For names the client (repeatable)")
    s.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                   help="a Host name to answer besides loopback and --host (repeatable)")
    s.add_argument("--clinic", type=Path, default=None, metavar="FILE",
                   help="a clinic configuration file (TOML; see docs/clinic-config.md)")
    s.add_argument("--spawn-kernels", action="store_true",
                   help="start each viewer's kernel as a new process instead of forking it from "
                        "one that has imported what pages need (slower; see docs/serving.md)")
    s.add_argument("--notebook-dir", type=Path, default=None, help=argparse.SUPPRESS)
    s.add_argument("--reservation-seconds", type=int, default=int(RESERVATION_SECONDS),
                   help=argparse.SUPPRESS)  # tests: how long a page's kernel waits for its page
    c = sub.add_parser("check-clinic", help="check a clinic configuration file and exit")
    c.add_argument("file", type=Path, help="the clinic file (TOML)")
    y = sub.add_parser("sync-citations",
                       help="store the study notebooks' [@key] citations as numbered links")
    y.add_argument("--check", action="store_true",
                   help="change nothing; exit 1 if a notebook is out of step")
    from explainer.content import locale_report, review_export

    review_export.add_parser(sub)
    locale_report.add_parser(sub)
    return p


def options_from_args(argv: list[str] | None = None) -> ServeOptions:
    """Parse `serve` arguments into `ServeOptions` (argparse exits on bad input)."""
    return _serve_options(_parser().parse_args(argv))


def _serve_options(args: argparse.Namespace) -> ServeOptions:
    host, port, base_url = args.host, args.port, "/"
    hosts = tuple(args.allow_host)
    if args.jupyterhub:
        hosts = ("*",)  # the hub's proxy forwards its public name, and the hub authenticates
        url = urlsplit(os.environ.get("JUPYTERHUB_SERVICE_URL", ""))
        if not url.hostname or not url.port:
            _parser().error("--jupyterhub needs $JUPYTERHUB_SERVICE_URL (set by the spawner)")
        host, port = url.hostname, url.port
        base_url = os.environ.get("JUPYTERHUB_SERVICE_PREFIX", url.path or "/")
    try:
        preheat_pages = tuple(_pool(item) for item in args.preheat_page)
        return ServeOptions(
            host=host,
            port=port,
            base_url=base_url,
            open_browser=args.open,
            cull_idle_seconds=args.cull_idle,
            cull_interval_seconds=min(60, max(1, args.cull_idle // 2)),
            preheat=args.preheat,
            preheat_pages=preheat_pages,
            pool_refill_seconds=args.pool_refill_delay,
            notebook_dir=args.notebook_dir,
            clinic_file=args.clinic.resolve() if args.clinic else None,
            max_kernels=args.max_kernels,
            max_kernels_per_client=args.max_kernels_per_client,
            reservation_seconds=args.reservation_seconds,
            trusted_proxies=tuple(args.trusted_proxy),
            allowed_hosts=hosts,
            fork_kernels=not args.spawn_kernels,
        )
    except ValueError as err:
        _parser().error(str(err))
        raise  # pragma: no cover  (error() exits)


def _pool(item: str) -> tuple[str, int]:
    """`start.ipynb=20` -> ("start.ipynb", 20); ValueError on anything else."""
    page, sep, size = item.partition("=")
    if not sep or not size.strip().isdigit():
        raise ValueError(f"--preheat-page takes PAGE=N, like start.ipynb=20, got {item!r}")
    return page.strip(), int(size)


def kernel_environment() -> None:
    """Environment inherited by the server and every kernel it starts."""
    jupyter_path = os.environ.get("JUPYTER_PATH", "")
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(paths.JUPYTER_DATA_DIR), jupyter_path) if p
    )
    os.environ["MPLBACKEND"] = "Agg"
    os.environ.setdefault("PYDEVD_DISABLE_FILE_VALIDATION", "1")


def cache_environment() -> Path:
    """Make sure the server and its kernels have a cache folder they can write (`paths.
    cache_dir`): without one every kernel renders every figure again, doubling its memory.
    An unusable folder is reported once, here, and a private temporary folder used instead
    (inherited by every kernel through `$KETAMINE_EXPLAINER_CACHE`). Returns the folder."""
    import tempfile

    folder = paths.cache_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder):
            pass
        return folder
    except OSError as err:
        private = Path(tempfile.mkdtemp(prefix="ketamine-explainer-cache-"))
        print(f"WARNING: the cache folder {folder} is not usable ({type(err).__name__}); "
              f"using {private} for this run", file=sys.stderr)
        os.environ[paths.CACHE_ENV_VAR] = str(private)
        return private


def clinic_environment(clinic_file: Path | None) -> None:
    """Name the clinic file for the server's kernels (or make sure none is inherited)."""
    from explainer.content.clinic.constants import CLINIC_ENV_VAR

    if clinic_file is None:
        os.environ.pop(CLINIC_ENV_VAR, None)
    else:
        os.environ[CLINIC_ENV_VAR] = str(clinic_file)


def check_clinic(path: Path) -> int:
    """Validate a clinic file; print one line per problem to stderr. Returns the exit status:
    0 if the file is good, 2 if not (never a traceback)."""
    from explainer.content.clinic.config import ClinicConfigError, load_clinic

    try:
        cfg = load_clinic(path)
    except ClinicConfigError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        print(f"{path}: {len(err.problems)} problem(s); see docs/clinic-config.md",
              file=sys.stderr)
        return 2
    print(f"{path}: OK ({cfg.clinic.name}; {len(cfg.protocols)} protocol(s) of its own)")
    return 0


def check_strings() -> int:
    """Check every string table of the current locale (required keys, numbers cite
    references); print the problems to stderr. Returns 0 if all are good, 2 if not."""
    from explainer.content import ContentError, strings

    try:
        strings.validate()
    except ContentError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


def main(argv: list[str] | None = None) -> None:
    """Entry point of the console command."""
    args = _parser().parse_args(argv)
    if args.command == "check-clinic":
        sys.exit(check_clinic(args.file))
    if args.command == "review-export":
        from explainer.content import review_export

        review_export.run(args)
        return
    if args.command == "locale-report":
        from explainer.content import locale_report

        sys.exit(locale_report.run(args))
    if args.command == "sync-citations":
        from explainer import study

        study.run_sync(args)
        return
    options = _serve_options(args)
    if check_strings() != 0:  # every string table, before anything listens
        sys.exit(2)
    if options.clinic_file is not None:
        # Checked before anything listens; the kernels read the same file (once each).
        if check_clinic(options.clinic_file) != 0:
            sys.exit(2)
    if options.host not in (LOCALHOST, "localhost", "::1"):
        print(
            f"WARNING: binding to {options.host}: anyone who can reach this address can open "
            "the explainer; put it behind a reverse proxy with TLS (see docs/serving.md).",
            file=sys.stderr,
        )
    kernel_environment()
    cache_environment()
    clinic_environment(options.clinic_file)
    kernel.leave_out()   # what no viewer's kernel imports, the server need not either
    from explainer.serving.app import ExplainerVoila

    notebook_dir = options.notebook_dir or paths.notebooks_dir()
    print(f"Serving the explainer at http://{options.host}:{options.port}/", flush=True)
    ExplainerVoila.launch_instance(argv=[str(notebook_dir)], config=build_config(options))


if __name__ == "__main__":  # pragma: no cover
    main()
