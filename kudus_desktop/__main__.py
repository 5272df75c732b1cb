"""Allow ``python -m kudus_desktop``."""

from kudus_desktop.cli import main

raise SystemExit(main())
