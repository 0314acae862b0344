"""Tests of the checkout area (services layer)."""
