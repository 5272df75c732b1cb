"""The office: set-up, its profile, accounts and log-in."""
