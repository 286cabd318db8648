"""``python -m printos_ext.sandbox``: a sandbox in the foreground, for manual and scripted use.

Once the server accepts connections it prints exactly one line to stdout,
``PrintOS sandbox listening on http://127.0.0.1:PORT``, so a script that starts it with
``--port 0`` can read the URL. SIGINT and SIGTERM stop it cleanly with exit status 0.
``main`` takes its arguments explicitly so a larger CLI can mount it as ``printos sandbox``.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .app import Sandbox
from .faults import Faults
from .server import SandboxServer
from .state import SandboxState

__all__ = ["build_parser", "main"]

READY_MESSAGE = "PrintOS sandbox listening on {url}"


class _Stop(Exception):
    """Raised in the main thread by the SIGTERM handler, as KeyboardInterrupt is by SIGINT."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def build_parser(prog: str = "python -m printos_ext.sandbox") -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Run an in-memory PrintOS Device API sandbox on loopback."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=0, help="port; 0 picks a free one (default)")
    parser.add_argument("--key", help="require PrintOS HMAC signatures made with this key")
    parser.add_argument("--secret", help="the HMAC secret that goes with --key")
    parser.add_argument(
        "--latency", type=float, default=0.0, metavar="SECONDS", help="delay added to each request"
    )
    parser.add_argument(
        "--error-rate",
        type=float,
        default=0.0,
        metavar="P",
        help="probability (0..1) of answering 503 instead",
    )
    parser.add_argument("--seed", type=int, help="seed for random faults and device ids")
    return parser


def main(argv: Sequence[str] | None = None, *, prog: str | None = None) -> int:
    parser = build_parser() if prog is None else build_parser(prog)
    args = parser.parse_args(argv)
    if (args.key is None) != (args.secret is None):
        parser.error("--key and --secret go together")
    try:
        faults = Faults(latency=args.latency, error_rate=args.error_rate, seed=args.seed)
    except ValueError as exc:
        parser.error(str(exc))
    sandbox = Sandbox(
        key=args.key, secret=args.secret, faults=faults, state=SandboxState(seed=args.seed)
    )
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        with SandboxServer(sandbox, host=args.host, port=args.port) as server:
            print(READY_MESSAGE.format(url=server.url), flush=True)
            threading.Event().wait()  # until a signal handler raises
    except (KeyboardInterrupt, _Stop):
        pass
    except OSError as exc:
        print(f"printos sandbox: {exc}", file=sys.stderr)
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
