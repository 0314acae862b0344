"""The Checkout area (领用): requisition plan, checkout, extra books, labels."""
