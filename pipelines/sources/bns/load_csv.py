"""The bureau's CSV loaded by DuckDB's own CSV reader, straight into raw.bns_observations (issue 26).

parse_csv judges a file row by row in Python: at 1 000 vintages that was 96 s of a build and,
with every observation held as a dict, most of its 2 GB. Here DuckDB reads the file and does the
per-row work in SQL; Python only judges each *distinct* label, code and unusual value, with the
very checks parse_csv uses (_check_nam, classify_region, parse_value, _year), so both paths
accept and map exactly the same things.

Errors are parse_csv's business: whenever anything in a file is not plainly right (a wrong
header or NAM, an unknown territory, a value parse_value refuses, a conflicting duplicate, a
fractional number of persons, ragged rows, a field spanning lines or a blank line, text DuckDB
will not read as UTF-8, a NUL byte, no observation at all) the file is left out of DuckDB's batch
and parse_file reads it, raising its one-line error naming file, row and column, or returning
what it finds. This path never decides an error.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb

from pipelines.sources.bns.catalogue import Source
from pipelines.sources.bns.common import (
    CONFIDENTIAL,
    MISSING,
    OBSERVATION_KEYS,
    Builder,
    SourceError,
    classify_region,
    norm,
    parse_value,
    period_fields,
)
from pipelines.sources.bns.parse_csv import UNIT_WORDS, _check_nam, _read_columns, _year

# A whole number as the bureau writes it ("24 876", "-1 203"): parse_value strips the spaces and
# reads the digits, as DuckDB's cast does here. Anything else goes through parse_value itself.
PLAIN = r"-?[0-9]+( [0-9]+)*"
CHUNK_BYTES = 64 * 2**20  # CSV read in one go: DuckDB's per-statement cost spread, its memory bounded


class NotPlain(Exception):
    """Something in a file the vectorised path does not vouch for: parse_csv judges it."""


@dataclass
class Loaded:
    """What load_source appended: `count` observations; `error`, the SourceError of the first file
    that fails (`failed`); `by_parse_csv`, the files DuckDB's path left to parse_csv."""

    count: int = 0
    error: SourceError | None = None
    failed: Path | None = None
    by_parse_csv: list[Path] = field(default_factory=list)


def load_source(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[tuple[str, str]],
    source: Source,
    vintages: list[tuple[Path, dict[str, Any]]],
) -> Loaded:
    """Append the observations of a CSV source's landed vintages (oldest first, as landed_vintages
    lists them with their sidecars) to `table`, whose `columns` are raw.bns_observations' (name,
    DuckDB type). As with parse_file file by file, the vintages after a failing file are not read
    and those before it stay."""
    out, chunk, size = Loaded(), [], 0
    for k, (path, meta) in enumerate(vintages):
        chunk.append((path, meta))
        size += path.stat().st_size
        if size >= CHUNK_BYTES or k == len(vintages) - 1:
            _load_chunk(con, table, columns, source, chunk, out)
            if out.error is not None:
                break
            chunk, size = [], 0
    return out


def _load_chunk(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: list[tuple[str, str]],
    source: Source,
    files: list[tuple[Path, dict[str, Any]]],
    out: Loaded,
) -> None:
    from pipelines.sources.bns.parse import parse_file
    from pipelines.warehouse.db import append_rows

    batch = _Batch(con, source, [Builder(source, p, m) for p, m in files])
    try:
        plain = batch.judge()
        parsed = []
        for k, (path, meta) in enumerate(files):
            if k in plain:
                continue
            out.by_parse_csv.append(path)
            try:
                parsed.append(parse_file(source, path, meta))
            except SourceError as exc:  # this file and the vintages after it stay out
                out.error, out.failed = exc, path
                plain = {j for j in plain if j < k}
                break
        out.count += batch.insert(table, plain)
        for rows in parsed:
            out.count += append_rows(con, table, rows, columns)
    finally:
        batch.drop()


def _header(b: Builder) -> tuple[list[str], dict[str, int]]:
    """A file's header, and its first row's NAM, judged as parse_csv judges them (SourceError)."""
    with open(b.path, "rb") as f:
        data = f.readline() + f.readline()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotPlain("not UTF-8") from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter="\t", quotechar='"')
    header, index, _ = _read_columns(b, b.source, reader)
    if "DAT" not in index:
        raise NotPlain("no DAT column")
    return header, index


class _Batch:
    """Files of one source read together by DuckDB's CSV reader into _bns_stage (`filename`,
    `f` the file's position in the batch, `line` as csv.reader counts it, and the text columns
    c0, c1, ... that parse_csv reads), narrowed to the records parse_csv keeps (_bns_rows). A
    file with anything unusual is dropped from `plain`, for parse_csv to judge."""

    def __init__(self, con: duckdb.DuckDBPyConnection, source: Source, builders: list[Builder]):
        self.con, self.src, self.builders = con, source, builders
        self.params: list[Any] = []  # of the conditions in `where`
        self.plain: set[int] = set()
        self.where = "false"

    def judge(self) -> set[int]:
        heads = {}
        for k, b in enumerate(self.builders):
            try:
                heads[k] = _header(b)
            except (NotPlain, SourceError):
                continue
        if not heads:
            return set()
        # the files that share the first good file's header are judged together
        self.header, self.index = heads[min(heads)]
        self.plain = {k for k, h in heads.items() if h[0] == self.header}
        self._stage()
        self._lines()
        for (nam,) in self._distinct("_bns_stage", self.index.get("NAM")):
            try:
                _check_nam(self.builders[0], self.src, nam, UNIT_WORDS.get(self.src.unit), 0)
            except SourceError:
                self._reject("_bns_stage", f"c{self.index['NAM']} = ?", [nam])
        self._regions()
        self._values()
        self.where = self._kept()
        self._years()
        self._last_checks()
        return set(self.plain)

    def drop(self) -> None:
        for name in ("_bns_stage", "_bns_files", "_bns_rows", "_bns_map"):
            self.con.execute(f"drop table if exists {name}")

    # ---------------------------------------------------------------------------- plumbing

    def _distinct(self, table: str, i: int | None) -> list[tuple]:
        return [] if i is None else self.con.execute(f"select distinct c{i} from {table}").fetchall()

    def _map(self, columns: dict[str, tuple[str, list]]) -> None:
        """_bns_map, a small table from Python lists: column -> (DuckDB type, values)."""
        select = ", ".join(f"unnest(?::{t}[]) as {c}" for c, (t, _) in columns.items())
        self.con.execute(f"create or replace temp table _bns_map as select {select}", [v for _, v in columns.values()])

    def _narrow(self, select: str, params: list | None = None) -> None:
        self.con.execute(f"create or replace temp table _bns_rows as {select}", params or [])

    def _reject(self, table: str, condition: str, params: list) -> None:
        """Leave out of `plain` every file with a record of `table` meeting `condition`."""
        by = "f" if table == "_bns_rows" else "(select f from _bns_files x where x.filename = t.filename)"
        self.plain -= {
            f for (f,) in self.con.execute(f"select distinct {by} from {table} t where {condition}", params).fetchall()
        }

    # ---------------------------------------------------------------------------- reading

    def _stage(self) -> None:
        """The plain files' records in file order; when DuckDB will not read the batch strictly
        (ragged rows, stray quotes, bytes that are not UTF-8), each file is read alone and the
        ones it refuses are left out."""
        names = set(self.header)
        keep = [i for i, h in enumerate(self.header) if not (h.startswith("L") and h[1:] in names)]
        columns = "{" + ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(self.header))) + "}"
        fields = ", ".join(f"coalesce(c{i}, '') as c{i}" for i in keep)
        sql = (
            f"select filename, {fields} from read_csv(?, delim = '\t', quote = '\"', escape = '\"', "
            "header = true, auto_detect = false, strict_mode = true, null_padding = false, filename = true, "
            f"columns = {columns})"
        )
        self.con.execute(f"create or replace temp table _bns_stage as {sql} limit 0", [str(self.builders[0].path)])
        order = sorted(self.plain)
        try:
            self._read(sql, order)
        except duckdb.Error:
            for k in order:
                try:
                    self._read(sql, [k])
                except duckdb.Error:
                    self.plain.discard(k)
        files = sorted(self.plain)
        self._map({"filename": ("varchar", [str(self.builders[k].path) for k in files]), "f": ("integer", files)})
        # rowid is the order DuckDB read the records in: file by file, each file's from its top
        self.con.execute(
            "create or replace temp table _bns_files as select m.f, s.filename, min(s.rowid) as first, "
            "count(*) as n from _bns_stage s join _bns_map m using (filename) group by all"
        )

    def _read(self, sql: str, files: list[int]) -> None:
        self.con.execute(f"insert into _bns_stage {sql}", [[str(self.builders[k].path) for k in files]])

    def _lines(self) -> None:
        """A file is plain when each record is one line and none is blank: then its records' lines
        are what csv.reader counts (the header is line 1); and when it holds no NUL byte."""
        counts = dict(self.con.execute("select f, n from _bns_files").fetchall())
        bad = set(self.plain) - set(counts)
        for k, n in counts.items():
            data = self.builders[k].path.read_bytes()
            lines_differ = data.count(b"\n") != n + data.endswith(b"\n") or data.count(b"\r") != data.count(b"\r\n")
            if lines_differ or b"\x00" in data:  # a NUL byte: csv.reader's call, not DuckDB's
                bad.add(k)
        self.plain -= bad

    # ---------------------------------------------------------------------------- judging

    def _regions(self) -> None:
        """_bns_rows: the country's and the regions' records (districts dropped, as parse_csv
        drops them) with their region code; a file with an unknown label is left out."""
        region = f"c{self.index[self.src.region]}"
        labels, codes, unknown = [], [], []
        for (label,) in self._distinct("_bns_stage", self.index[self.src.region]):
            kind, code = classify_region(self.src, label)
            if kind == "unknown":
                unknown.append(label)
            elif kind == "region":
                labels.append(label)
                codes.append(code)
        if unknown:
            self._reject("_bns_stage", f"list_contains(?::varchar[], {region})", [unknown])
        self._map({"label": ("varchar", labels), "code": ("varchar", codes)})
        self._narrow(
            "select x.f, cast(s.rowid - x.first + 2 as integer) as line, m.code as region_code, s.* exclude (filename) "
            f"from _bns_stage s join _bns_map m on m.label = s.{region} join _bns_files x using (filename) "
            "where list_contains(?::integer[], x.f)",
            [sorted(self.plain)],
        )

    def _values(self) -> None:
        """_bns_rows.value: each value read as parse_value reads it (NULL where parse_csv skips
        it: confidential or missing); a file with a value parse_value refuses is left out."""
        val = f"c{self.index['VAL']}"
        raws, values, bad = [], [], []
        for (raw,) in self.con.execute(
            f"select distinct {val} from _bns_rows where not regexp_full_match({val}, '{PLAIN}')"
        ).fetchall():
            try:
                v = parse_value(raw)
            except ValueError:
                bad.append(raw)
                continue
            raws.append(raw)
            values.append(None if v is CONFIDENTIAL or v is MISSING else v)
        if bad:
            self._reject("_bns_rows", f"list_contains(?::varchar[], {val})", [bad])
        self._map({"raw": ("varchar", raws), "value": ("double", values)})
        self._narrow(
            f"select r.*, case when regexp_full_match(r.{val}, '{PLAIN}') then cast(replace(r.{val}, ' ', '') "
            f"as double) else m.value end as value from _bns_rows r left join _bns_map m on m.raw = r.{val}"
        )

    def _kept(self) -> str:
        """The condition on _bns_rows of the records parse_csv keeps: every classification column
        the catalogue does not map at its total, the indicator and sex labels in the catalogue's
        maps (_bns_rows gains `indicator` and `sex`)."""
        src, header = self.src, self.header
        special = {"NAM", "DAT", "PERIOD", "VAL", src.region, *src.dimensions}
        totals = {norm(t) for t in src.total_labels}
        conds = ["indicator is not null", "sex is not null"]
        for i, h in enumerate(header):
            if h and h not in special and not (h.startswith("L") and h[1:] in set(header)):
                conds.append(f"list_contains(?::varchar[], c{i})")
                self.params.append([v for (v,) in self._distinct("_bns_rows", i) if norm(v) in totals])
        for role, fixed in (("indicator", src.indicator), ("sex", "total")):
            dim = src.dimension_for(role)
            if dim is None:
                self._narrow(f"select *, ?::varchar as {role} from _bns_rows", [fixed])
                continue
            i, mapping = self.index[dim[0]], {norm(k): v for k, v in dim[1].items()}
            labels = [v for (v,) in self._distinct("_bns_rows", i)]
            self._map({"raw": ("varchar", labels), "mapped": ("varchar", [mapping.get(norm(v)) for v in labels])})
            self._narrow(f"select r.*, m.mapped as {role} from _bns_rows r join _bns_map m on m.raw = r.c{i}")
        return " and ".join(conds)

    def _years(self) -> None:
        """_bns_rows gains period, period_start and period_end from DAT (and PERIOD), each distinct
        pair of the kept records judged by parse_csv's own _year; a file with a bad one is left out."""
        dat, code = self.index["DAT"], self.index.get("PERIOD")
        code_sql = "''" if code is None else f"c{code}"
        cols: dict[str, list] = {"dat": [], "code": [], "period": [], "period_start": [], "period_end": []}
        bad: list[tuple[str, str]] = []
        for d, c in self.con.execute(
            f"select distinct c{dat}, {code_sql} from _bns_rows where {self.where}", self.params
        ).fetchall():
            try:
                year = _year(self.builders[0], [d, c], 0, None if code is None else 1, 0)
            except SourceError:
                bad.append((d, c))
                continue
            for key, v in zip(cols, (d, c, *period_fields(self.src, year)), strict=True):
                cols[key].append(v)
        self._map({k: ("varchar", v) for k, v in cols.items()})
        self._narrow(
            f"select r.*, m.period, m.period_start, m.period_end from _bns_rows r "
            f"left join _bns_map m on m.dat = r.c{dat} and m.code = {'r.' if code is not None else ''}{code_sql}"
        )
        if bad:
            self._reject("_bns_rows", f"({self.where}) and period is null", self.params)

    def _last_checks(self) -> None:
        """Left out: a file with a conflicting duplicate (Builder.add's error), a fractional number
        of persons, or no observation at all (parse_csv says why, or returns nothing)."""
        kept = f"select * from _bns_rows where {self.where} and value is not null"
        key = "f, indicator, region_code, sex, period"
        conflicts = self.con.execute(
            f"select distinct f from ({kept}) group by {key} having count(distinct value) > 1", self.params
        ).fetchall()
        fractions = self.con.execute(
            f"select distinct f from ({kept}) where ? and value <> floor(value)",
            [*self.params, self.src.unit == "persons"],
        ).fetchall()
        some = {f for (f,) in self.con.execute(f"select distinct f from ({kept})", self.params).fetchall()}
        bad = {f for (f,) in conflicts + fractions} | (self.plain - some)
        if bad:
            self.plain -= bad

    def insert(self, table: str, files: set[int]) -> int:
        """Append the kept records with a value of `files`: for each key the first of equal
        duplicates only, as Builder.add keeps it."""
        if not files:
            return 0
        consts = list(OBSERVATION_KEYS[: OBSERVATION_KEYS.index("file_name") + 1])  # what a file fixes
        rows = [
            [
                k,
                b.source.id,
                b.source.element_id,
                b.source.format,
                b.vintage,
                b.vintage_at,
                b.vintage_basis,
                b.sha256,
                b.file_name,
            ]
            for k, b in enumerate(self.builders)
            if k in files
        ]
        self._map(
            {
                "f": ("integer", [r[0] for r in rows]),
                **{c: ("varchar", [r[i + 1] for r in rows]) for i, c in enumerate(consts)},
            }
        )
        region = f"c{self.index[self.src.region]}"
        return self.con.execute(
            f"insert into {table} select m.source_id, m.element_id, m.format, cast(m.vintage as date), "
            "cast(m.vintage_at as timestamp), m.vintage_basis, m.file_sha256, m.file_name, r.indicator, "
            f"r.region_code, r.{region}, r.sex, r.period, cast(r.period_start as date), cast(r.period_end as date), "
            "r.value, ?, null, r.line, 'VAL' "
            f"from (select * from _bns_rows where {self.where} and value is not null "
            "qualify row_number() over (partition by f, indicator, region_code, sex, period order by line) = 1) r "
            "join _bns_map m using (f) order by r.f, r.line",
            [self.src.unit, *self.params],
        ).fetchone()[0]
