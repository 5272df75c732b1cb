"""Storage: the tables, opening and migrating the database, settings, counters, the audit log,
keys, backups, locks, the package file format."""
