"""Outputs people use: the charts and the one-page HTML report, the marts reference."""
