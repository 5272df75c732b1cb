"""The village's work: imports, premiums, cards, the review list, a lost stick, the purge."""
