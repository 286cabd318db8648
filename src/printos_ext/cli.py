"""The ``printos`` command: the SDK from a shell.

    printos devices list
    printos devices provision --model M --serial S [--location L]
    printos devices status ID [--status S] [--pages-total N] [--ink-level X]
    printos sandbox [--port 0] [...]          serve the local sandbox API
    printos demo                              run the demo against a fresh sandbox
    printos --version                         the SDK's version and its spec's

``--base-url`` (or ``PRINTOS_BASE_URL``) picks the server; ``PRINTOS_KEY``/``PRINTOS_SECRET``
sign requests with PrintOS HMAC. ``--json`` prints machine-readable output. Failures print one
line to stderr and exit non-zero; the code says what kind of failure it was (see EXIT_CODES).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from typing import Any

import anyio

from ._about import VersionAction
from ._table import device_rows, render_table
from .client import PrintOSClient
from .errors import (
    APIConnectionError,
    AuthenticationError,
    ConflictError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    PrintOSError,
)

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


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {value}")
    return value


def _percentage(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not 0 <= value <= 100:
        raise argparse.ArgumentTypeError(f"must be between 0 and 100, got {text}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"must be > 0, got {text}")
    return value


def build_parser() -> argparse.ArgumentParser:
    codes = ", ".join(f"{code} {name}" for name, code in EXIT_CODES.items())
    parser = argparse.ArgumentParser(
        prog="printos",
        description="HP PrintOS Device API from the command line.",
        epilog=f"Credentials: PRINTOS_KEY and PRINTOS_SECRET. Exit codes: {codes}.",
    )
    parser.add_argument("--version", action=VersionAction)
    parser.add_argument("--base-url", help="API base URL (default: $PRINTOS_BASE_URL or HP's)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument(
        "--timeout", type=_positive_float, default=30.0, help="seconds per attempt (default 30)"
    )
    parser.add_argument(
        "--max-retries", type=_non_negative_int, default=2, help="retries on transient failures"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    devices = commands.add_parser("devices", help="list, provision and update devices")
    actions = devices.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("list", help="list provisioned devices")
    provision = actions.add_parser("provision", help="register a new device")
    provision.add_argument("--model", required=True)
    provision.add_argument("--serial", required=True, help="the device's serial number")
    provision.add_argument("--location")
    status = actions.add_parser("status", help="report a device's status and metrics")
    status.add_argument("device_id", metavar="ID")
    status.add_argument("--status")
    status.add_argument("--pages-total", type=_non_negative_int)
    status.add_argument("--ink-level", type=_percentage, help="percent, 0 to 100")

    commands.add_parser(
        "sandbox", help="serve the local sandbox API (see: printos sandbox --help)", add_help=False
    )
    commands.add_parser("demo", help="run the demo against a fresh local sandbox")
    return parser


def _print_json(value: Any) -> None:
    print(json.dumps(value, indent=2, sort_keys=True))


async def _run_devices(args: argparse.Namespace) -> int:
    async with PrintOSClient(
        base_url=args.base_url, timeout=args.timeout, max_retries=args.max_retries
    ) as client:
        if args.action == "list":
            devices = await client.devices.list()
            if args.json:
                _print_json([device.to_dict() for device in devices])
            else:
                print(render_table(device_rows(devices)))
                print(f"{len(devices)} device(s)")
        elif args.action == "provision":
            device = await client.devices.provision(
                model=args.model, serial_number=args.serial, location=args.location
            )
            if args.json:
                _print_json(device.to_dict())
            else:
                print(f"provisioned {device.id} ({args.model}, serial {args.serial})")
        else:
            await client.devices.update_status(
                args.device_id,
                status=args.status,
                pages_total=args.pages_total,
                ink_level=args.ink_level,
            )
            if args.json:
                _print_json({"deviceId": args.device_id, "updated": True})
            else:
                print(f"updated {args.device_id}")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments[:1] == ["sandbox"]:  # its own parser, so `printos sandbox --help` is complete
        from .sandbox.cli import main as sandbox_main

        return sandbox_main(arguments[1:], prog="printos sandbox")
    args = build_parser().parse_args(arguments)
    try:
        if args.command == "demo":
            from .demo import main as demo_main

            return demo_main()
        code: int = anyio.run(_run_devices, args)
        return code
    except PrintOSError as error:
        print(f"printos: error: {error}", file=sys.stderr)
        return exit_code(error)
    except KeyboardInterrupt:
        return 130


__all__ = ["EXIT_CODES", "build_parser", "main"]

if __name__ == "__main__":
    sys.exit(main())
