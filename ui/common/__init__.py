"""What every area's screens share: the operation helper (errors, refresh), the context,
table models and widgets, pickers, print preview, workers, UI settings."""
