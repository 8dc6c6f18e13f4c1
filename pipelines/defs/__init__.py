"""Dagster definitions, one module per source of data plus the dbt project and publication."""

# Who answers for the assets, as Dagster's UI shows it (a team, not a person).
OWNERS = ["team:kazmig-data"]
