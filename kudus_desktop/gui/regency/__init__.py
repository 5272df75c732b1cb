"""The regency's own pages: coverage, double enrolments, the BPJS lists."""
