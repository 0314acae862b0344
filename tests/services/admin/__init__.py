"""Tests of the admin area (services layer)."""
