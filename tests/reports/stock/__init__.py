"""Tests of the stock area (reports layer)."""
