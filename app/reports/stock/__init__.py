"""Stock forms (R1): the stock report of every series, with gaps (R1.3)."""
