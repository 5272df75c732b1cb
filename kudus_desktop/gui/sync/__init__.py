"""Sync: packages by stick, devices, and the online exchange in the background."""
