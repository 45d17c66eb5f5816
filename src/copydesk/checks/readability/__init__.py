"""Readability checks."""
