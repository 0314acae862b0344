"""Tests of the stock area (ui layer)."""
