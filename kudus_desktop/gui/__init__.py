"""PySide6 shell over the core services."""
