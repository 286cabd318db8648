"""``python -m printos_ext.cli``: the ``printos`` command."""

import sys

from . import main

sys.exit(main())
