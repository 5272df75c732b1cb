"""Qt-free core of Kudus Desktop: domain rules, storage and services.

Nothing in this package may import PySide6; an import-linter contract in
``pyproject.toml`` and a test run without PySide6 installed enforce that.
"""
