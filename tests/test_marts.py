"""The warehouse model, built from the shared bureau files and the note, checked against the
numbers the bureau and the note state."""

from __future__ import annotations


def one(con, sql, *params):
    rows = con.execute(sql, list(params)).fetchall()
    assert len(rows) == 1, f"expected one row from {sql!r} {params}, got {rows}"
    return rows[0]


def test_emigration_by_destination_matches_the_notes_first_chart(published):
    emigrants, total, share, rank = one(
        published,
        "select emigrants, national_total, share_pct, rank from marts.emigration_by_destination "
        "where year = 2024 and country_code = 'RU'",
    )
    assert (emigrants, total) == (101622, 140521)
    assert round(share, 1) == 72.3 and rank == 1
    # The remainder row closes the chart to the national total.
    (listed,) = one(published, "select sum(emigrants) from marts.emigration_by_destination where year = 2024")
    assert listed == total
    assert (
        one(published, "select count(*) from marts.emigration_by_destination where year = 2024 and is_remainder")[0]
        == 1
    )


def test_note_claims_against_the_official_labour_force(published):
    def claim(period):
        return one(
            published,
            "select claimed_value, official_value, status, nearest_official_period, nearest_official_value "
            "from marts.note_claims where indicator = 'labour_force' and region = '110000000' and period = ?",
            period,
        )

    assert claim("2019")[:3] == (428300, 428253, "confirmed")
    assert claim("2024")[:3] == (421200, 421257, "rounding_difference")
    value, official, status, nearest, nearest_value = claim("2000")
    assert (value, official, status) == (435100, None, "no_official_data")
    assert str(nearest).startswith("2001") and nearest_value == 435144


def test_revisions_keep_both_vintages(published):
    prev, rev, prev_v, rev_v = one(
        published,
        "select previous_value, revised_value, previous_vintage, revised_vintage from marts.revisions "
        "where indicator = 'population' and region = '110000000' and period = '2023-01-01' and sex = 'total'",
    )
    assert (prev, rev) == (788023, 788013)
    assert str(prev_v) == "2023-07-21" and str(rev_v) == "2026-08-11"


def test_population_and_net_migration_regions_sum_to_national(published):
    (akmola,) = one(
        published,
        "select population from core.fct_regional_population "
        "where region = '110000000' and population_date = '2025-01-01'",
    )
    assert akmola == 787263
    national, regions = one(
        published,
        """
        select max(population) filter (where region = 'KZ'), sum(population) filter (where region <> 'KZ')
        from core.fct_regional_population where population_date = '2025-01-01'""",
    )
    assert national == regions == 20283399
    national, regions = one(
        published,
        """
        select max(net_migration) filter (where region = 'KZ'), sum(net_migration) filter (where region <> 'KZ')
        from core.fct_outflow where period = '2024'""",
    )
    assert national == regions == 16550


def test_official_figures_are_never_overridden_by_documents(published):
    # The note quotes Akmola's 2024 labour force as 421,2 thousand; the fact table keeps the bureau's value.
    value, kind = one(
        published,
        "select labour_force, source_kind from core.fct_labour_force where region = '110000000' and year = 2024",
    )
    assert (value, kind) == (421257, "official")
    kinds = {r[0] for r in published.execute("select distinct source_kind from core.fct_observation").fetchall()}
    assert kinds == {"official", "document"}


def test_fct_observation_key_is_unique(published):
    (dupes,) = one(
        published,
        """
        select count(*) from (
            select indicator, region, country, occupation, sex, period, source_id, vintage, count(*) n
            from core.fct_observation group by all having n > 1)""",
    )
    assert dupes == 0


def test_dimensions_carry_renames_and_new_regions(published):
    aliases = {
        r[0]
        for r in published.execute("select unnest(aliases) from core.dim_region where kato = '710000000'").fetchall()
    }
    assert any("Нур-Султан" in a for a in aliases)
    turkistan = {
        r[0]
        for r in published.execute("select unnest(aliases) from core.dim_region where kato = '610000000'").fetchall()
    }
    assert any("Южно-Казахстанская" in a for a in turkistan)
    created_2022 = {
        r[0] for r in published.execute("select kato from core.dim_region where year(valid_from) = 2022").fetchall()
    }
    assert created_2022 == {"100000000", "330000000", "620000000"}
    assert one(published, "select count(*) from core.dim_country where code = '150'")[0] == 1


def test_every_column_of_every_built_model_is_in_its_yml(published):
    """The ymls (tests/test_model_yml.py checks each documents all it lists) list exactly the
    columns each built table or view has: staging's views have no contract that would say so."""
    from pipelines.dbt.manifest import MODELS_DIR, model_properties

    built = {}
    for schema, table, column in published.execute(
        "select schema_name, table_name, column_name from duckdb_columns() "
        "where schema_name in ('staging', 'core', 'marts') order by schema_name, table_name, column_index"
    ).fetchall():
        built.setdefault(f"{schema}/{table}", []).append(column)
    documented = {
        sql.relative_to(MODELS_DIR).with_suffix("").as_posix(): [c["name"] for c in model_properties(sql)["columns"]]
        for sql in sorted(MODELS_DIR.rglob("*.sql"))
    }
    assert built == documented


def test_source_freshness_lists_every_source(published):
    from pipelines.sources.bns.catalogue import load_catalogue

    rows = dict(published.execute("select source_id, status from marts.source_freshness").fetchall())
    assert {s.id for s in load_catalogue()} <= set(rows)
    # landed from the shared files, the bureau never reached: no freshness is claimed
    assert all(rows[s.id] == "never_checked" for s in load_catalogue())


# Whole counts of persons: BIGINT, so BI tools show 101622 rather than 101622.0.
WHOLE_COUNTS = {
    "emigration_by_destination": ["emigrants", "national_total"],
    "outflow_trend": ["departures", "population_start_of_year"],
    "region_profile": ["population_jan1", "labour_force", "natural_increase", "net_migration", "departures"],
}


def test_whole_counts_are_bigint_and_keep_the_source_values(published):
    # departures_by_destination is empty in this build (the note gives no emigrants for good by
    # destination; the sample documents do): its types still hold
    for mart, columns in {**WHOLE_COUNTS, "departures_by_destination": ["emigrants", "national_total"]}.items():
        types = dict(
            published.execute(
                "select column_name, data_type from duckdb_columns() where schema_name = 'marts' and table_name = ?",
                [mart],
            ).fetchall()
        )
        for column in columns:
            assert types[column] == "BIGINT", f"marts.{mart}.{column} is {types[column]}"
    # The cast loses nothing: the mart's integers equal the core fact's doubles.
    assert one(
        published,
        "select count(*) from marts.region_profile p join core.fct_regional_population f "
        "on f.region = p.region and f.year = p.year where p.population_jan1 <> f.population",
    ) == (0,)
    assert one(
        published,
        "select sum(emigrants) from marts.emigration_by_destination where not is_remainder",
    ) == one(
        published,
        "select sum(f.emigrants) from core.fct_emigration_by_destination f join core.dim_country c "
        "on c.code = f.country where c.kind = 'country' and f.indicator = 'labour_emigration'",
    )


def test_year_by_year_marts_have_a_date_column_on_the_first_day_of_the_year(published):
    for mart in WHOLE_COUNTS:
        (dtype,) = one(
            published,
            "select data_type from duckdb_columns() where schema_name = 'marts' and table_name = ? "
            "and column_name = 'year_start'",
            mart,
        )
        assert dtype == "DATE"
        rows, bad = one(
            published,
            f"select count(*), count(*) filter (where year_start is distinct from make_date(year, 1, 1)) "
            f"from marts.{mart}",
        )
        assert rows > 0 and bad == 0, mart
    # A yearly time grain, as Superset's duckdb-engine dialect asks for it, works on the new column.
    (grain,) = one(published, "select min(date_trunc('year', year_start)) from marts.region_profile")
    assert str(grain).startswith("2")


def test_primary_keys_are_held_by_the_file_and_relationships_become_foreign_keys(published, built_home, tmp_path):
    import shutil

    import duckdb
    import pytest

    from pipelines.warehouse.keys import foreign_keys, primary_keys

    primary = primary_keys(published)
    assert primary["core.dim_region"] == ("kato",) and primary["core.dim_region_alias"] == ("kato", "alias")
    assert primary["marts.emigration_by_destination"] == ("year", "country_code")
    assert primary["marts.outflow_trend"] == ("region", "year")
    # DuckDB refuses a second row with the same key: the key is enforced, not only documented.
    copy = tmp_path / "kazmig.duckdb"
    shutil.copyfile(built_home / "warehouse" / "kazmig.duckdb", copy)
    con = duckdb.connect(str(copy))
    try:
        with pytest.raises(duckdb.ConstraintException, match="(?i)primary key|duplicate key"):
            con.execute("insert into core.dim_country select * from core.dim_country limit 1")
    finally:
        con.close()
    targets = {(fk.table, fk.columns, fk.ref_table, fk.ref_columns) for fk in foreign_keys(primary)}
    assert ("marts.outflow_trend", ("region",), "core.dim_region", ("kato",)) in targets
    assert ("core.dim_region_alias", ("kato",), "core.dim_region", ("kato",)) in targets
    # every foreign key references the whole primary key of its target
    assert all(primary[ref] == cols for _, _, ref, cols in targets)


def test_the_catalog_is_named_after_the_file(built_home, tmp_path):
    """What docs/bi.md warns about: BI tools save the catalog name with every dataset,
    and DuckDB takes it from the file's name, so a renamed copy is another catalog."""
    import shutil

    import duckdb

    renamed = tmp_path / "kazmig-copy.duckdb"
    shutil.copyfile(built_home / "warehouse" / "kazmig.duckdb", renamed)
    for path, catalog in ((built_home / "warehouse" / "kazmig.duckdb", "kazmig"), (renamed, "kazmig-copy")):
        con = duckdb.connect(str(path), read_only=True)
        try:
            assert con.execute("select current_database()").fetchone() == (catalog,)
            assert con.execute(f'select count(*) from "{catalog}".marts.region_profile').fetchone()[0] > 0
        finally:
            con.close()
