"""``python -m printos_ext.sandbox``: a sandbox in the foreground, for manual and scripted use.

Once the server accepts connections it prints exactly one line to stdout,
``PrintOS sandbox listening on http://127.0.0.1:PORT``, so a script that starts it with
``--port 0`` can read the URL. SIGINT and SIGTERM stop it cleanly with exit status 0.
``main`` takes its arguments explicitly so a larger CLI can mount it as ``printos sandbox``.
A bad argument (``--port 99999``, a host that does not resolve) is one line on stderr and exit
status 2; a port that cannot be bound (in use, privileged) is one line and exit status 1.
"""

from __future__ import annotations

import signal
import socket
import threading
from collections.abc import Sequence
from types import FrameType

from ..cli import _args as cli_args
from .app import Sandbox
from .faults import Faults
from .routes import DEFAULT_BODY_TIMEOUT
from .server import SandboxServer
from .state import SandboxState

__all__ = ["build_parser", "main"]

READY_MESSAGE = "PrintOS sandbox listening on {url}"


class _Stop(Exception):
    """Raised in the main thread by the SIGTERM handler, as KeyboardInterrupt is by SIGINT."""


def _raise_stop(signum: int, frame: FrameType | None) -> None:
    raise _Stop


def build_parser(prog: str = "python -m printos_ext.sandbox") -> cli_args.OneLineParser:
    parser = cli_args.OneLineParser(
        prog=prog, description="Run an in-memory PrintOS Device API sandbox on loopback."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    parser.add_argument(
        "--port", type=cli_args.port, default=0, help="port; 0 picks a free one (default)"
    )
    parser.add_argument("--key", help="require PrintOS HMAC signatures made with this key")
    parser.add_argument("--secret", help="the HMAC secret that goes with --key")
    parser.add_argument(
        "--latency",
        type=cli_args.non_negative_seconds,
        default=0.0,
        metavar="SECONDS",
        help="delay added to each request (default 0)",
    )
    parser.add_argument(
        "--error-rate",
        type=cli_args.probability,
        default=0.0,
        metavar="P",
        help="probability (0..1) of answering 503 instead (default 0)",
    )
    parser.add_argument(
        "--body-timeout",
        type=cli_args.positive_seconds,
        default=DEFAULT_BODY_TIMEOUT,
        metavar="SECONDS",
        help="seconds a request body may take to arrive before a 408 "
        f"(default {DEFAULT_BODY_TIMEOUT:g})",
    )
    parser.add_argument(
        "--seed", type=int, metavar="N", help="seed for random faults and device ids"
    )
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
        key=args.key,
        secret=args.secret,
        faults=faults,
        state=SandboxState(seed=args.seed),
        body_timeout=args.body_timeout,
    )
    previous = signal.signal(signal.SIGTERM, _raise_stop)
    try:
        with SandboxServer(sandbox, host=args.host, port=args.port) as server:
            print(READY_MESSAGE.format(url=server.url), flush=True)
            threading.Event().wait()  # until a signal handler raises
    except (KeyboardInterrupt, _Stop):
        pass
    except socket.gaierror as exc:
        cli_args.say(parser.prog, f"argument --host: cannot resolve {args.host!r} ({exc})")
        return 2
    except OSError as exc:
        where = f"{args.host}:{args.port}"
        cli_args.say(parser.prog, f"cannot listen on {where}: {exc.strerror or exc}")
        return 1
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0
