"""`python -m codemill` is the `codemill` command."""

import sys

from codemill.cli import main

sys.exit(main())
