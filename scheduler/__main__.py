"""``python -m scheduler`` is the ``scheduler`` command."""

import sys

from scheduler.cli import main

sys.exit(main())
