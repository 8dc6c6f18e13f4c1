"""`kazmig export --format sdmx-csv`: the migration cube as SDMX-CSV 1.0 data with its data
structure definition (SDMX-ML 2.1: codelists, concept scheme, DSD, dataflow), built with pysdmx.

One observation per row of core.fct_observation_current (the value in use for each key, official
where the bureau publishes it, else the document's), keyed by indicator, reference area,
counterpart area, occupation, sex and time period; unit, vintage and source are attributes.
Observations without a period (wage offers quoted undated) cannot be keyed and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

AGENCY = "KAZMIG"
VERSION = "1.0"
DATAFLOW = "DF_LABOUR_MIGRATION"
NOT_APPLICABLE = "_Z"  # SDMX's code for a dimension that does not apply (no destination, no occupation)
SEX = {"total": "_T", "male": "M", "female": "F"}
CONCEPT_URN = f"urn:sdmx:org.sdmx.infomodel.conceptscheme.Concept={AGENCY}:CS_LABOUR_MIGRATION({VERSION})."

# (component id, role, name, codelist id or None, required)
COMPONENTS = [
    ("INDICATOR", "D", "Indicator", "CL_INDICATOR", True),
    ("REF_AREA", "D", "Reference area (KATO region, or KZ)", "CL_AREA", True),
    ("COUNTERPART_AREA", "D", "Counterpart area (destination country or region)", "CL_COUNTERPART_AREA", True),
    ("OCCUPATION", "D", "Occupation (ISCO-08)", "CL_OCCUPATION", True),
    ("SEX", "D", "Sex", "CL_SEX", True),
    ("TIME_PERIOD", "D", "Time period", None, True),
    ("OBS_VALUE", "M", "Observation value", None, False),
    ("UNIT_MEASURE", "A", "Unit of measure", "CL_UNIT", True),
    ("VINTAGE", "A", "Vintage: the date the source was published or landed", None, True),
    ("SOURCE_KIND", "A", "Source kind: official (the bureau) or document", "CL_SOURCE_KIND", True),
    ("SOURCE", "A", "Source of the value, with its vintage", None, False),
]


@dataclass
class SdmxExport:
    data: Path
    structure: Path
    observations: int
    left_out: int  # observations without a period


def time_period(period: str, kind: str, start, end) -> str:
    """SDMX TIME_PERIOD of an ISO period: years, dates and months as they are, a span of months
    ('2024-01/2024-03') as a start and a duration ('2024-01-01/P3M')."""
    if kind == "months":
        months = (end.year - start.year) * 12 + end.month - start.month + 1
        return f"{start.isoformat()}/P{months}M"
    return period


def codelists(con) -> dict:
    from pysdmx.model import Code, Codelist

    def make(cl_id, name, rows, extra=()):
        codes = [Code(id=str(code), name=str(label or code)) for code, label in [*rows, *extra]]
        return Codelist(id=cl_id, name=name, agency=AGENCY, version=VERSION, items=codes)

    na = [(NOT_APPLICABLE, "Not applicable")]
    return {
        "CL_INDICATOR": make(
            "CL_INDICATOR",
            "Indicators",
            con.execute("select code, name_en from core.dim_indicator order by 1").fetchall(),
        ),
        "CL_AREA": make(
            "CL_AREA",
            "Kazakhstan and its regions (KATO)",
            con.execute("select kato, name_en from core.dim_region order by kato <> 'KZ', kato").fetchall(),
        ),
        "CL_COUNTERPART_AREA": make(
            "CL_COUNTERPART_AREA",
            "Countries and world regions",
            con.execute("select code, name_en from core.dim_country order by 1").fetchall(),
            na,
        ),
        "CL_OCCUPATION": make(
            "CL_OCCUPATION",
            "Occupations (ISCO-08)",
            con.execute("select isco, name_en from core.dim_occupation order by 1").fetchall(),
            na,
        ),
        "CL_SEX": make("CL_SEX", "Sex", [("_T", "Total"), ("M", "Male"), ("F", "Female")]),
        "CL_UNIT": make(
            "CL_UNIT",
            "Units of measure",
            con.execute("select distinct unit, unit from core.dim_indicator order by 1").fetchall(),
        ),
        "CL_SOURCE_KIND": make(
            "CL_SOURCE_KIND",
            "Source kinds",
            [("official", "Official (Bureau of National Statistics)"), ("document", "Quoted in a document")],
        ),
    }


def structures(con):
    """The codelists, the concept scheme, the DSD and the dataflow of the migration cube."""
    from pysdmx.model import (
        Component,
        Components,
        Concept,
        ConceptScheme,
        Dataflow,
        DataStructureDefinition,
        DataType,
        Role,
    )

    lists = codelists(con)
    concepts = ConceptScheme(
        id="CS_LABOUR_MIGRATION",
        name="Concepts of the labour-migration cube",
        agency=AGENCY,
        version=VERSION,
        items=[Concept(id=cid, name=name, urn=f"{CONCEPT_URN}{cid}") for cid, _, name, _, _ in COMPONENTS],
    )
    components = []
    for cid, role, name, cl_id, required in COMPONENTS:
        dtype = (
            DataType.DOUBLE if cid == "OBS_VALUE" else (DataType.PERIOD if cid == "TIME_PERIOD" else DataType.STRING)
        )
        components.append(
            Component(
                id=cid,
                required=required,
                role=Role(role),
                concept=concepts[cid],
                name=name,
                local_dtype=dtype,
                local_codes=lists[cl_id] if cl_id else None,
                attachment_level="O" if role == "A" else None,
            )
        )
    dsd = DataStructureDefinition(
        id="DSD_LABOUR_MIGRATION",
        name="Labour migration of Kazakhstan",
        agency=AGENCY,
        version=VERSION,
        components=Components(components),
    )
    flow = Dataflow(
        id=DATAFLOW, name="Labour migration of Kazakhstan (kazmig)", agency=AGENCY, version=VERSION, structure=dsd
    )
    return [*lists.values(), concepts, dsd, flow], dsd, flow


def observations(con):
    """The cube's rows (a pandas DataFrame, columns as COMPONENTS) and how many were left out."""
    import pandas as pd

    rows = con.execute(
        """
        select indicator, region, coalesce(country, ?), coalesce(occupation, ?), sex,
               period, period_kind, period_start, period_end, value, unit, vintage, source_kind, source_label
        from core.fct_observation_current order by all""",
        [NOT_APPLICABLE, NOT_APPLICABLE],
    ).fetchall()
    cube, left_out = [], 0
    for ind, area, counterpart, occ, sex, period, kind, start, end, value, unit, vintage, source_kind, source in rows:
        if period is None:
            left_out += 1
            continue
        cube.append(
            (
                ind,
                area,
                counterpart,
                occ,
                SEX[sex],
                time_period(period, kind, start, end),
                value,
                unit,
                vintage.isoformat(),
                source_kind,
                source,
            )
        )
    return pd.DataFrame(cube, columns=[c[0] for c in COMPONENTS]), left_out


def export_sdmx(con, out_dir: Path) -> SdmxExport:
    from pysdmx.io import write_sdmx
    from pysdmx.io.format import Format
    from pysdmx.io.pd import PandasDataset

    from pipelines.files import atomic_write

    artefacts, dsd, flow = structures(con)
    frame, left_out = observations(con)
    from pysdmx.model import Schema

    # The rows belong to the dataflow: SDMX-CSV 1.0's first column, DATAFLOW, names it.
    schema = Schema(context="dataflow", agency=AGENCY, id=DATAFLOW, version=VERSION, components=dsd.components)
    dataset = PandasDataset(structure=schema, data=frame)
    data_path, structure_path = out_dir / "labour_migration.sdmx.csv", out_dir / "labour_migration.dsd.xml"
    text = write_sdmx([dataset], Format.DATA_SDMX_CSV_1_0_0)
    with atomic_write(data_path, encoding="utf-8", newline="") as f:
        f.write(text)
    with atomic_write(structure_path, encoding="utf-8") as f:
        f.write(write_sdmx(artefacts, Format.STRUCTURE_SDMX_ML_2_1))
    return SdmxExport(data=data_path, structure=structure_path, observations=len(frame), left_out=left_out)
