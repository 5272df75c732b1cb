"""The regency's work: BPJS lists and answers, double enrolments, the overview, the sync server."""
