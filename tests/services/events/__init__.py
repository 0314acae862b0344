"""Tests of the events area (services layer)."""
