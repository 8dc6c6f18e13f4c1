"""Synthetic inputs for the benchmarks: documents (fpdf2 + DejaVu), a long bulletin, and perturbed
vintages of the bureau's CSVs that keep every sum the dbt checks rely on."""

from __future__ import annotations

import csv
import io
import random
import re
from pathlib import Path

import matplotlib
from babel.dates import get_month_names
from fpdf import FPDF
from fpdf.fonts import FontFace

# the genitive month names dates are written with ("1 января")
MONTHS_GENT = [get_month_names("wide", context="format", locale="ru")[m] for m in range(1, 13)]

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"

# (genitive as in "Численность населения ... области", prepositional "в ... области")
REGIONS = [
    ("Акмолинской", "Акмолинской"),
    ("Карагандинской", "Карагандинской"),
    ("Костанайской", "Костанайской"),
    ("Павлодарской", "Павлодарской"),
    ("Атырауской", "Атырауской"),
    ("Жамбылской", "Жамбылской"),
    ("Актюбинской", "Актюбинской"),
    ("Кызылординской", "Кызылординской"),
    ("Мангистауской", "Мангистауской"),
    ("Туркестанской", "Туркестанской"),
]
FILLER = [
    "В большинстве случаев миграция носит вынужденный характер из-за снижения качества "
    "инфраструктуры регионов, условий жизнеобеспечения и отсутствия возможностей постоянной занятости.",
    "Большинство трудовых мигрантов из Казахстана — это специалисты в области технологий, экономики "
    "и педагогики. С увеличением дефицита специалистов ситуация становится более напряженной.",
    "Для легализации трудовых мигрантов проводится определенная работа в рамках концепции "
    "миграционной политики, разрабатываются двусторонние соглашения с рядом стран.",
]


def new_pdf() -> FPDF:
    pdf = FPDF(format="A4")
    pdf.add_font("dv", "", str(FONT_DIR / "DejaVuSans.ttf"))
    pdf.add_font("dv", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    pdf.set_font("dv", size=11)
    pdf.set_auto_page_break(True, margin=15)
    return pdf


def _thousands(n: float) -> str:
    return f"{n:.1f}".replace(".", ",")


def _prose(rng: random.Random, k: int) -> list[str]:
    """Paragraphs with figures the extractor finds: population of a region on a date, labour
    force in a year, departures in a year. Key combinations vary with k."""
    gen, prep = REGIONS[k % len(REGIONS)]
    month = MONTHS_GENT[(k // len(REGIONS)) % 12]
    year = 2019 + (k // (len(REGIONS) * 12)) % 6
    pop = rng.randint(5000, 25000) / 10
    urban = round(pop * rng.uniform(0.4, 0.7), 1)
    lf = rng.randint(2000, 9000) / 10
    out = rng.randint(200, 900) / 10
    return [
        f"Согласно данным Бюро национальной статистики, численность населения {gen} области на 1 "
        f"{month} {year}г. составила {_thousands(pop)} тыс. человек, в том числе {_thousands(urban)} тыс. "
        f"человек – городских, {_thousands(round(pop - urban, 1))} тыс. человек – сельских жителей.",
        rng.choice(FILLER),
        f"При этом, численность рабочей силы в {prep} области в {year - 1} году составляла "
        f"{_thousands(lf)} тыс.человек.",
        f"Уровень миграции по {prep} области показывает, что выбытие населения в {year - 1} году "
        f"составило {_thousands(out)} тыс. человек.",
        rng.choice(FILLER),
    ]


def document(path: Path, k: int, pages: int = 2) -> Path:
    """A short analytical note (number k of a series) with a handful of figures."""
    rng = random.Random(k)
    pdf = new_pdf()
    for p in range(pages):
        pdf.add_page()
        for para in _prose(rng, k * pages + p):
            pdf.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
    pdf.output(str(path))
    return path


def _table(pdf: FPDF, rng: random.Random, caption: str) -> None:
    pdf.set_font("dv", "B", 11)
    pdf.multi_cell(0, 6, caption, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.set_font("dv", "", 10)
    pdf.ln(2)
    years = [2021, 2022, 2023, 2024]
    with pdf.table(first_row_as_headings=False, text_align="LEFT", line_height=6) as table:
        r = table.row()
        for h in ["", *[str(y) for y in years]]:
            r.cell(h, style=FontFace(emphasis="BOLD"))
        for gen, _ in REGIONS[:6]:
            r = table.row()
            name = gen[:-2] + "ая" if gen.endswith("ой") else gen
            r.cell(name)
            for _ in years:
                r.cell(f"{rng.randint(100_000, 2_000_000):,}".replace(",", " "))
    pdf.set_font("dv", "", 11)
    pdf.ln(4)


def bulletin(path: Path, pages: int = 200, seed: int = 1) -> Path:
    """A long statistical bulletin: every page prose with figures, every other page a ruled
    bureau-style table (regions x years) under a caption."""
    rng = random.Random(seed)
    pdf = new_pdf()
    for p in range(pages):
        pdf.add_page()
        for para in _prose(rng, p)[:3]:
            pdf.multi_cell(0, 6, para, new_x="LMARGIN", new_y="NEXT")
            pdf.ln(3)
        if p % 2 == 0:
            _table(pdf, rng, "Численность населения по регионам на начало года, человек")
    pdf.output(str(path))
    return path


# ------------------------------------------------------------------------------------------ CSV


def _read(path: Path) -> tuple[list[str], list[list[str]], bytes]:
    data = path.read_bytes()
    bom = b"\xef\xbb\xbf" if data.startswith(b"\xef\xbb\xbf") else b""
    text = data[len(bom) :].decode("utf-8")
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter="\t"))
    return rows[0], [r for r in rows[1:] if r], bom


def _num(s: str) -> int | None:
    t = s.replace(" ", "").replace("\u00a0", "")
    return int(t) if re.fullmatch(r"-?\d+", t) else None


def _fmt(n: int) -> str:
    sign, n = ("-", -n) if n < 0 else ("", n)
    return sign + f"{n:,}".replace(",", " ")


_REGION_LIKE = re.compile(r"ОБЛАСТЬ|^Г\.(АСТАНА|АЛМАТЫ|ШЫМКЕНТ)$")


def perturbed_csv(src: Path, dst: Path, seed: int) -> Path:
    """A new vintage of a bureau CSV with different values that still add up: within each slice
    (every column but the territory), some value moves from one region to another. Where the
    table splits urban/rural, the same move goes the other way in the other split, so every
    region's total stays the sum of its parts."""
    header, rows, bom = _read(src)
    idx = {h: i for i, h in enumerate(header)}
    reg, val = idx["КАТО(по каталогу)"], idx["VAL"]
    split = idx.get("СПТМ (по каталогу)")
    rng = random.Random(seed)
    slices: dict[tuple, dict[str, int]] = {}
    for n, r in enumerate(rows):
        if not _REGION_LIKE.search(r[reg]) or _num(r[val]) is None:
            continue
        key = tuple(c for i, c in enumerate(r) if i not in (reg, val) and not header[i].startswith("L"))
        slices.setdefault(key, {})[r[reg]] = n
    done: set[tuple] = set()
    for key, members in slices.items():
        if key in done or len(members) < 2:
            continue
        a, b = rng.sample(sorted(members), 2)
        ra, rb = rows[members[a]], rows[members[b]]
        partner = None
        if split is not None:
            kind = ra[split]
            if kind == "Всего":
                continue  # totals follow from the parts
            other = "сельская местность" if kind == "городская местность" else "городская местность"
            pkey = tuple(other if c == kind else c for c in key)
            partner = slices.get(pkey)
            if not partner or a not in partner or b not in partner:
                continue
            done.add(pkey)
        lo = min(abs(_num(ra[val])), abs(_num(rb[val])))
        if partner:
            lo = min(lo, abs(_num(rows[partner[a]][val])), abs(_num(rows[partner[b]][val])))
        d = rng.randint(0, max(0, lo // 50))
        if d == 0:
            continue
        ra[val], rb[val] = _fmt(_num(ra[val]) + d), _fmt(_num(rb[val]) - d)
        if partner:
            pa, pb = rows[partner[a]], rows[partner[b]]
            pa[val], pb[val] = _fmt(_num(pa[val]) - d), _fmt(_num(pb[val]) + d)
        done.add(key)
    lines = ["\t".join(f'"{c}"' for c in r) for r in [header, *rows]]
    dst.write_bytes(bom + ("\r\n".join(lines) + "\r\n").encode("utf-8"))
    return dst
