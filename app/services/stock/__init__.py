"""Blank stock (DOMAIN.md R1): number series, registration (R1.1–R1.4), registration batches and
their voiding, the stock report."""
