"""Checkout forms (R2.4): requisition table, checkout sheet, deposit receipt, book labels."""
