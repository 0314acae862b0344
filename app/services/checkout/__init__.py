"""Checkout and deposit (DOMAIN.md R2): the requisition plan (R2.1), checkouts and extra books
with their deposits (R2.2, R2.3)."""
