"""The dbt project seen from Python: its manifest and code versions, and dbt run in this process."""
