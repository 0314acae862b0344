"""Tests of the stock area (services layer)."""
