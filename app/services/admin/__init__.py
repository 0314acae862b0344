"""Administration: users and roles, the audit trail, data safety (backups, restore, checks),
business settings and policy values."""
