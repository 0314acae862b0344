"""The Stock area (库存): number series, registration, batches, the stock report."""
