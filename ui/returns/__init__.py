"""After the event: 回收核对 (return check, scanner-first) and 核对与归档 (reconciliation,
chase and fines, deposits, seals, archive)."""
