"""After-event forms (R3): reconciliation (R3.2), chase list (R3.3), fine notice (R3.4), deposit
refund receipt (R3.5), seal label (R3.6), archive-bag label (R3.7)."""
