"""The published marts as files: Parquet/CSV, SDMX-CSV, a Frictionless data package."""
