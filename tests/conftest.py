"""Shared test configuration.

Async tests use anyio's pytest plugin (``@pytest.mark.anyio``); by default they run on asyncio.
A test module that must also run on trio overrides the ``anyio_backend`` fixture.
"""

from __future__ import annotations

import pytest


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"
