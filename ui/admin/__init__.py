"""Administration: login, users, audit trail, data safety, business settings."""
