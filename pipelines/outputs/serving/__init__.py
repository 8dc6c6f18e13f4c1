"""Serving the published warehouse beyond the DuckDB file: a shared PostgreSQL tier."""
