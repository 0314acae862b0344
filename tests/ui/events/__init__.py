"""Tests of the events area (ui layer)."""
