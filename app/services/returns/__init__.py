"""After the event (DOMAIN.md R3): return entry (R3.1), reconciliation (R3.2), chase, recovery
and fines (R3.3, R3.4), deposit close-out (R3.5), seals (R3.6), archive (R3.7), slip details."""
