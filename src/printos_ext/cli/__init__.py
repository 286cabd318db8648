"""The ``printos`` command: the SDK from a shell.

    printos <tag> <method> [PATH PARAMETERS] [--option VALUE ...] [--body JSON|@file] [--json]
    printos devices list [--json]             (every operation is a command: see operations.py)
    printos devices provision --model M --serial S [--location L] [--json]
    printos devices status ID [--status S] [--pages-total N] [--ink-level X] [--json]
    printos sandbox [--port 0] [...]          serve the local sandbox API
    printos demo                              run the demo against a fresh sandbox
    printos --version                         the SDK's version and its spec's

``--base-url`` (or ``PRINTOS_BASE_URL``) picks the server; ``PRINTOS_KEY``/``PRINTOS_SECRET``
sign requests with PrintOS HMAC. Without them, requests go only to a local host: sending unsigned
requests to a remote API (HP's, by default) is refused before anything is sent. ``--json`` and
the other common options go before or after the subcommand. Failures print one line to stderr
and exit non-zero; the code says what kind of failure it was (see EXIT_CODES).
"""

from __future__ import annotations

import argparse
import importlib
import json
import math
import os
import sys
from collections.abc import Sequence
from typing import Any

import anyio

from .._text import server_text
from .._urls import is_loopback, origin
from ..client import PrintOSClient
from ..errors import (
    APIConnectionError,
    AuthenticationError,
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    PrintOSError,
)
from . import _args as cli_args
from . import operations
from ._about import VersionAction

EXIT_CODES = {
    "ok": 0,
    "api error": 1,
    "usage or invalid argument": 2,
    "authentication or permission": 3,
    "not found": 4,
    "conflict": 5,
    "connection failed or timed out": 6,
}


def exit_code(error: PrintOSError) -> int:
    if isinstance(error, AuthenticationError | PermissionDeniedError):
        return EXIT_CODES["authentication or permission"]
    if isinstance(error, NotFoundError):
        return EXIT_CODES["not found"]
    if isinstance(error, ConflictError):
        return EXIT_CODES["conflict"]
    if isinstance(error, APIConnectionError):
        return EXIT_CODES["connection failed or timed out"]
    if isinstance(error, InvalidArgumentError):
        return EXIT_CODES["usage or invalid argument"]
    return EXIT_CODES["api error"]


def _common_options(*, top_level: bool) -> cli_args.OneLineParser:
    """The options every API command takes, accepted before or after the subcommand.

    After the subcommand they have no defaults (SUPPRESS), so they override the top-level values
    only when given: ``printos --json devices list`` and ``printos devices list --json`` agree.
    """

    def default(value: object) -> object:
        return value if top_level else argparse.SUPPRESS

    options = cli_args.OneLineParser(add_help=False)
    options.add_argument(
        "--base-url",
        metavar="URL",
        type=cli_args.utf8_text,
        default=default(None),
        help="API base URL, e.g. https://printos.api.hp.com/printbeat "
        "(default: $PRINTOS_BASE_URL, else HP's production API)",
    )
    options.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print JSON instead of a table or a sentence",
    )
    options.add_argument(
        "--timeout",
        type=cli_args.positive_seconds,
        metavar="SECONDS",
        default=default(30.0),
        help="seconds one attempt may take, connect to last byte (default 30)",
    )
    options.add_argument(
        "--max-retries",
        type=cli_args.non_negative_int,
        metavar="N",
        default=default(2),
        help="retries of a transient failure, with backoff (default 2)",
    )
    return options


def build_parser() -> argparse.ArgumentParser:
    codes = ", ".join(f"{code} {name}" for name, code in EXIT_CODES.items())
    parser = cli_args.OneLineParser(
        prog="printos",
        description="HP PrintOS Device API from the command line.",
        epilog=f"Credentials: PRINTOS_KEY and PRINTOS_SECRET (both, or neither for a local "
        f"server such as 'printos sandbox'). Exit codes: {codes}.",
        parents=[_common_options(top_level=True)],
    )
    parser.add_argument("--version", action=VersionAction)
    common = [_common_options(top_level=False)]
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    operations.add_commands(commands, common)
    commands.add_parser(
        "sandbox", help="serve the local sandbox API (see: printos sandbox --help)", add_help=False
    )
    commands.add_parser(
        "demo",
        help="run the demo against a fresh local sandbox",
        description="Start a local sandbox with HMAC on and run the SDK demo against it.",
    )
    return parser


def _print_json(value: Any) -> None:
    """``value`` as strict JSON (RFC 8259) on stdout, ASCII only, so any terminal can show it.

    JSON has no NaN or Infinity, though a server may send them (Python's parser accepts them): such
    a number is printed as ``null``, and a warning on stderr names where it was, so the output is
    always valid JSON and nothing is changed silently.
    """
    replaced: list[str] = []
    text = json.dumps(_finite(value, "$", replaced), indent=2, sort_keys=True, allow_nan=False)
    print(text)
    if replaced:
        shown = ", ".join(server_text(path, 100) for path in replaced[:10])
        more = f" and {len(replaced) - 10} more" if len(replaced) > 10 else ""
        cli_args.say_warning(
            "printos",
            f"{len(replaced)} number(s) from the server are not finite (NaN or Infinity), which "
            f"JSON cannot carry; printed as null: {shown}{more}",
        )


def _finite(value: Any, path: str, replaced: list[str]) -> Any:
    """``value`` with every non-finite float replaced by None, its path added to ``replaced``."""
    if isinstance(value, float) and not math.isfinite(value):
        replaced.append(path)
        return None
    if isinstance(value, dict):
        return {k: _finite(v, f"{path}.{k}", replaced) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v, f"{path}[{i}]", replaced) for i, v in enumerate(value)]
    return value


def _client(args: argparse.Namespace) -> PrintOSClient:
    """The client the arguments and environment describe; refuses to send unsigned requests to
    a host that is not local (credentials are missing, and the API would refuse them anyway)."""
    client = PrintOSClient(
        base_url=args.base_url,
        timeout=args.timeout,
        max_retries=args.max_retries,
        allow_unauthenticated=True,  # refused just below, with the CLI's own advice
    )
    if client.auth is None and not is_loopback(client.base_url.host):
        raise InvalidArgumentError(
            f"no credentials for {origin(client.base_url)}: set PRINTOS_KEY and PRINTOS_SECRET "
            "(only a local server, such as 'printos sandbox', is called without them)"
        )
    return client


async def _run(
    parser: argparse.ArgumentParser, args: argparse.Namespace, argv: Sequence[str]
) -> int:
    command: operations.Command = args.command
    positional, keywords = operations.call_arguments(parser, args)
    async with _client(args) as client:
        method = getattr(getattr(client, command.tag), command.method)
        try:
            result = await method(*positional, **keywords)
        except InvalidArgumentError as error:  # named as the command line names it
            raise InvalidArgumentError(operations.as_typed(command, str(error), argv)) from error
    if args.json:
        _print_json(operations.render_json(command, result, positional))
    else:
        print(operations.render(command, result, positional, keywords))
    return 0


def _describe(error: PrintOSError) -> str:
    """The error's message; a connection failure also names where it tried to connect (a bad
    argument of the call is already in the command line's words: see ``_run``)."""
    if isinstance(error, APIConnectionError):
        return f"{origin(error.request.url)}: {error}"
    return str(error)


def main(argv: Sequence[str] | None = None) -> int:
    cli_args.any_terminal()
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["sandbox"]:  # its own parser, so `printos sandbox --help` is complete
        sandbox_cli = _sandbox_module("printos sandbox", "cli")
        if sandbox_cli is None:
            return EXIT_CODES["usage or invalid argument"]
        code: int = sandbox_cli.main(arguments[1:], prog="printos sandbox")
        return code
    parser = build_parser()
    args = parser.parse_args(arguments)
    try:
        if args.command == "demo":
            if _sandbox_module("printos demo", "server") is None:
                return EXIT_CODES["usage or invalid argument"]
            from .demo import main as demo_main

            return demo_main()
        code = anyio.run(_run, parser, args, arguments)
        return code
    except PrintOSError as error:
        cli_args.say("printos", _describe(error))
        return exit_code(error)
    except KeyboardInterrupt:
        return 130
    except (BrokenPipeError, BaseExceptionGroup) as exc:
        if not _reader_gone(exc):
            raise
        # `printos devices list --json | head`: the reader has gone. Point stdout at devnull so
        # the interpreter's final flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141  # what a shell reports for SIGPIPE


def _sandbox_module(prog: str, name: str) -> Any:
    """``printos_ext.sandbox.<name>``, or None after saying how to install what it needs."""
    try:
        return importlib.import_module(f"{__name__.rpartition('.')[0]}.sandbox.{name}")
    except ImportError as exc:
        if not _missing_extra(exc):
            raise
        cli_args.say(prog, cli_args.SANDBOX_EXTRA)
        return None


def _missing_extra(exc: ImportError) -> bool:
    """Whether ``exc`` is about Starlette or uvicorn (or what they need) not being installed."""
    cause: BaseException | None = exc
    while cause is not None:
        if isinstance(cause, ImportError) and (cause.name or "").split(".")[0] in _EXTRA_MODULES:
            return True
        cause = cause.__cause__
    return "printos-sdk[sandbox]" in str(exc)


_EXTRA_MODULES = frozenset({"starlette", "uvicorn"})


def _reader_gone(exc: BaseException) -> bool:
    """A closed stdout pipe, raised directly or from tasks (the demo prints from a task group)."""
    if isinstance(exc, BaseExceptionGroup):
        return exc.split(BrokenPipeError)[1] is None
    return isinstance(exc, BrokenPipeError)


__all__ = ["EXIT_CODES", "build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
