"""Kudus Desktop: BPJS Ketenagakerjaan enrolment for vulnerable village workers in Kabupaten Kudus."""

__version__ = "0.1.0"
