"""Dagster definitions, one module per source of data plus the dbt project and publication."""
