"""OrderBook Desk domain and services (no Qt here)."""

__version__ = "0.1.0"
