"""A bad argument is named as the command line gave it (issue 18, class 14, on the generated CLI).

The names come from the command's own signature, so any operation's command speaks in options:
a positional by its metavar, a keyword by its option as typed (argparse takes a prefix), and the
operation's name in front of the SDK's message goes.
"""

from __future__ import annotations

import pytest

from printos_ext.cli import operations


def _command(method: str) -> operations.Command:
    return next(c for c in operations.commands() if c.tag == "devices" and c.method == method)


@pytest.mark.parametrize(
    ("method", "message", "argv", "expected"),
    [
        (
            "provision",
            "provision_device: serial_number must not be empty (it is only whitespace)",
            ["devices", "provision", "--model", "M", "--serial", " "],
            "--serial must not be empty (it is only whitespace)",
        ),
        (
            "provision",
            "provision_device: missing required keyword argument(s) serial_number= (or pass body=)",
            ["devices", "provision", "--model", "M"],
            "missing required keyword argument(s) --serial-number (or pass --body)",
        ),
        (
            "update_status",
            "update_device_status: nothing to send: give at least one of status=, pages_total=, "
            "ink_level= (or body=)",
            ["devices", "status", "d1"],
            "nothing to send: give at least one of --status, --pages-total, --ink-level "
            "(or --body)",
        ),
        (
            "update_status",
            "update_device_status: device_id must not be empty",
            ["devices", "status", " ", "--status", "IDLE"],
            "ID must not be empty",
        ),
        (
            "update_status",
            "update_device_status: pages_total must be >= 0, got -3 (sent as metrics.pagesTotal)",
            ["devices", "status", "d1", "--pages-total=-3"],
            "--pages-total must be >= 0, got -3 (sent as metrics.pagesTotal)",
        ),
    ],
)
def test_a_message_names_each_argument_as_the_command_line_gave_it(
    method: str, message: str, argv: list[str], expected: str
) -> None:
    assert operations.as_typed(_command(method), message, argv) == expected


def test_words_that_only_contain_an_argument_name_are_left_alone() -> None:
    message = "update_device_status: the status_code field and metrics.status are not arguments"
    result = operations.as_typed(_command("update_status"), message, [])
    assert result == "the status_code field and metrics.status are not arguments"
