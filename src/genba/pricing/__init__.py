"""Pricing: the business calendar, windows, rules and quotes. Pure Python: never import Django here."""
