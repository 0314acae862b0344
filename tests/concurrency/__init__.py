"""Several processes writing the same database at once."""
