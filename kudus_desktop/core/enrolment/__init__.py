"""Enrolment: participants, maker-checker approval, and who counts as enrolled."""
