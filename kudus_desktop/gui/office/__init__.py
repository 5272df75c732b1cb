"""The office: set-up, log-in and the idle lock, settings, accounts, backups, privacy, the audit log."""
