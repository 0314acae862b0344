"""Persistence: peewee models, connection by URL, forward migrations."""
