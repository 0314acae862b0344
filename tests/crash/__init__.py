"""Crash-safety tests: kill a process mid-operation, prove all-or-nothing."""
