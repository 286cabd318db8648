"""Entry point for ``python -m printos_ext.sandbox``."""

import sys

from .cli import main

sys.exit(main())
