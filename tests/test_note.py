"""`kazmig note`: the regional note drafted from the marts, for every region with data, and the
round trip: the note printed to PDF (headless Chromium), read back by the extractor, landed as a
document and checked by marts.note_claims against the bureau."""

from __future__ import annotations

import functools
import json
import re
import shutil
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import duckdb
import pytest
import yaml
from test_bns_parse import MIG_HEADER, mig, write_csv

from conftest import NOTE, kazmig
from test_report import chromium_path, visible_text

pytestmark = pytest.mark.slow  # real builds or services: `make test` starts them first

AKMOLA = "110000000"


def _key(f) -> tuple:
    if isinstance(f, dict):
        return (f["indicator"], f["value"], f["period"], f["region"], f["country"])
    return (f.indicator, f.value, f.period, f.region, f.country)


def _annex_key(claim: dict, region: str) -> tuple:
    """An annex row as the figure it prints: the document's value, in the note's region."""
    v = float(claim["claimed_value"])
    return (claim["indicator"], int(v) if v.is_integer() else v, claim["period"], region, claim["country"])


@pytest.fixture(scope="module")
def drafts(built_home, tmp_path_factory) -> dict:
    """Every region's note: Akmola's by the real CLI (with --pdf), the others by the same code in
    this process; each printed to PDF. {region: (NoteResult or None, pdf path)}."""
    chromium_path()
    from pipelines.outputs.note.data import regions
    from pipelines.outputs.note.pdf import print_pdf
    from pipelines.outputs.note.render import write_note

    out = tmp_path_factory.mktemp("notes")
    proc = kazmig(built_home, "note", "--region", AKMOLA, "--out", str(out), "--pdf")
    assert str(out / f"note-{AKMOLA}-2024.docx") in proc.stdout
    db = built_home / "warehouse" / "kazmig.duckdb"
    with duckdb.connect(str(db), read_only=True) as con:
        every = list(regions(con))
    results = {r: write_note(r, out=out, db=db) for r in every}
    others = [r for r in every if r != AKMOLA]
    with ThreadPoolExecutor(max_workers=2) as pool:  # a Chromium start is most of a print
        pdfs = dict(
            zip(others, pool.map(lambda r: print_pdf(results[r].html, results[r].html.with_suffix(".pdf")), others))
        )
    pdfs[AKMOLA] = out / f"note-{AKMOLA}-2024.pdf"
    return {r: (results[r], pdfs[r]) for r in every}


def test_words_agree_with_numbers():
    from pipelines.outputs.note import russian as ru

    assert [f"{n} {ru.agree('человек', n)}" for n in (1, 2, 5, 11, 21, 22, 25, 369, 3679)] == [
        "1 человек",
        "2 человека",
        "5 человек",
        "11 человек",
        "21 человек",
        "22 человека",
        "25 человек",
        "369 человек",
        "3679 человек",
    ]
    assert ru.agree("казахстанец", 140521) == "казахстанец" and ru.agree("казахстанец", 191000) == "казахстанцев"
    assert ru.agree("казахстанец", 101622) == "казахстанца" and ru.agree("раз", 1.4) == "раза"
    assert ru.verb_agree("уехали", "уехал", 140521) == "уехал" and ru.verb_agree("уехали", "уехал", 140511) == "уехали"
    nb = ru.NBSP
    assert ru.thousands(787263) == f"787,3{nb}тыс." and ru.thousands(452000) == f"452,0{nb}тыс."
    assert ru.thousands(421250) == f"421,3{nb}тыс."  # half up, as people round
    assert ru.count(140521) == f"140{nb}521" and ru.count(3000) == f"3{nb}000" and ru.decimal(57.194) == "57,2"
    assert ru.inflect_name("Акмолинская область", "gent") == "Акмолинской области"
    assert ru.inflect_name("Западно-Казахстанская область", "loct") == "Западно-Казахстанской области"
    assert ru.inflect_name("город Астана", "gent") == "города Астаны"
    assert ru.inflect_name("область Жетісу", "gent") == "области Жетісу"  # not in the dictionary: as written
    assert ru.inflect_name("Южная Корея", "accs") == "Южную Корею" and ru.inflect_name("ОАЭ", "accs") == "ОАЭ"
    assert ru.months("2025-01/2025-03") == "январе–марте 2025\u00a0г."
    assert ru.months("2025-05") == "мае 2025\u00a0г." and ru.months("2025-13") is None
    from datetime import date

    assert ru.day_month(date(2025, 1, 1)) == "1 января 2025\u00a0г." and ru.short_date(date(2026, 8, 1)) == "01.08.2026"
    assert ru.number(1.401) == "1,401" and ru.number(1.4) == "1,4" and ru.number(140521.0) == f"140{nb}521"
    assert ru.decimal(-0.04) == "0,0" and ru.count(-1234) == f"-1{nb}234"  # no "-0"
    # the six oblasts pymorphy3 does not know, and the cities, agree in every case
    assert ru.inflect_name("Костанайская область", "gent") == "Костанайской области"
    assert ru.inflect_name("Атырауская область", "loct") == "Атырауской области"  # a gerund in its first guess
    assert ru.inflect_name("город Шымкент", "gent") == "города Шымкента"  # the seeds' form
    assert ru.inflect_name("город Шымкент", "accs") == "город Шымкент" and ru.inflect_name("Кыргызстан", "accs") == (
        "Кыргызстан"
    )
    assert ru.inflect_name("Республика Казахстан", "gent") == "Республики Казахстан"
    typeset = ru.typography("При этом, в 2024 году - 140 521, за 2019-2024 годы, 2025г.")
    assert typeset == "При этом в\u00a02024\u00a0году\u00a0— 140 521, за 2019–2024\u00a0годы, 2025\u00a0г."


def test_note_of_akmola_docx_and_html(drafts, published):
    from docx import Document

    result, pdf = drafts[AKMOLA]
    note = result.note
    html = result.html.read_text(encoding="utf-8")
    assert "<script" not in html and "http" not in html  # self-contained, offline
    doc = Document(str(result.docx))
    text = "\n".join(p.text for p in doc.paragraphs).replace("\u00a0", " ")
    page = re.sub(r" \[\d+\]", "", visible_text(html))  # as read in a browser, without the footnote marks
    # the note's genre, its figures in its style, each with a footnote mark, in both files
    for words in (
        "на работу за границу уехали",
        "Основные направления — Россия",
        "Численность населения Акмолинской области на 1 января 2025 г. составила 787,3 тыс. человек",
        "— городских",
        "— сельских жителей",
        "Численность рабочей силы в Акмолинской области",
        "Естественный прирост населения в январе–марте 2025 г.",
        "Миграционная убыль населения",
        "место среди регионов страны",
        "Число выбывших из Акмолинской области по годам, тыс. человек",
        "Основные направления трудовых мигрантов из Казахстана в 2024 году, человек",
    ):
        assert words in text and words in page, words
    for f in note.figures:
        assert f.text.replace("\u00a0", " ") in text
    assert len(note.footnotes) == len(note.figures) and [f.number for f in note.figures] == list(
        range(1, len(note.figures) + 1)
    )
    # real Word footnotes, one per figure, numbered by Word (no bracketed marks in the text)
    assert _footnote_texts(result.docx) == [f" {t}" for t in note.footnotes] and "[1]" not in text
    # footnotes an analyst can follow: the bureau's table, element id and release; a document's name, date, page
    sources = {f.indicator: note.footnotes[f.number - 1] for f in note.figures}
    assert sources["population"] == (
        "БНС, таблица «Численность населения на начало периода» (эл. 6584), выпуск от 11.08.2026."
    )
    # the document by its title (the PDF's metadata title), then its file, date and page
    assert (
        sources["labour_emigration"] == "Документ «Трудовая миграция» (labour_migration_note.pdf) от 24.11.2026, с. 1."
    )
    assert sources["population_urban_share"].startswith("Расчёт по данным БНС")
    # the region first, the country after it and shorter; no claim the warehouse cannot check
    regional, national = text.index("Численность населения"), text.index("В целом по стране")
    assert regional < national and "раза больше" not in text
    # the two charts as pictures; the annex lists the documents' figures about the region with their checks
    assert len(doc.inline_shapes) == 2 and html.count('src="data:image/png;base64,') == 2
    # A4 and the look in named styles
    section = doc.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert {p.style.name for p in doc.paragraphs} >= {"Heading 1", "Body Text", "Caption"}
    claims = published.execute("select count(*) from marts.note_claims where region = ?", [AKMOLA]).fetchone()[0]
    [annex] = doc.tables
    assert len(annex.rows) == claims + 1 and claims > 0
    assert {c.text for row in annex.rows[1:] for c in row.cells[-1:]} <= {
        "подтверждено",
        "расхождение в пределах округления",
        "расхождение",
        "нет данных БНС",
    }
    # each row names its document by title and file, in the DOCX and the HTML alike
    assert {row.cells[0].text for row in annex.rows[1:]} == {"«Трудовая миграция» (labour_migration_note.pdf)"}
    assert "<td>«Трудовая миграция» (labour_migration_note.pdf), с.&nbsp;" in html
    # every value stands for the marts' own, rounded as written
    current = {
        (i, p, r, c): v
        for i, p, r, c, v in published.execute(
            "select indicator, period, region, country, value from marts.observations where sex = 'total'"
        ).fetchall()
    }
    for f in note.figures:
        if f.source_kind != "derived":
            assert abs(current[(f.indicator, f.period, f.region, f.country)] - f.value) <= 50, f


def _footnote_texts(docx_path) -> list[str]:
    """The texts of a DOCX's Word footnotes (word/footnotes.xml), the separators left out; the
    document part must reference each exactly once."""
    import zipfile
    from xml.etree import ElementTree

    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    with zipfile.ZipFile(docx_path) as z:
        assert "word/footnotes.xml" in z.namelist(), f"{docx_path.name}: no Word footnotes (word/footnotes.xml)"
        notes = ElementTree.fromstring(z.read("word/footnotes.xml"))
        body = ElementTree.fromstring(z.read("word/document.xml"))
        assert "footnotes.xml" in z.read("word/_rels/document.xml.rels").decode()
        assert "footnotes+xml" in z.read("[Content_Types].xml").decode()
    numbered = [n for n in notes.iter(f"{w}footnote") if int(n.get(f"{w}id")) > 0]
    refs = [int(r.get(f"{w}id")) for r in body.iter(f"{w}footnoteReference")]
    assert refs == list(range(1, len(numbered) + 1)), refs
    return ["".join(t.text or "" for t in n.iter(f"{w}t")) for n in numbered]


# the case each construction governs in the note's sentences
_GOVERNS = {
    "из": "gent",
    "населения": "gent",
    "по": "datv",
    "в": "loct",
    "составила": "nomn",
    "выбывших": "gent",
    "состава": "gent",  # the border caveat: "из состава Восточно-Казахстанской области"
    "выделена": "nomn",
    "выделен": "nomn",
}


@functools.cache
def _parses(token: str) -> tuple:
    """pymorphy3's parses of a token (of its last part after a hyphen), once per token."""
    from pipelines.outputs.note.russian import morph

    return tuple(morph().parse(token.rpartition("-")[2].lower()))


def _name_cases(text: str, name: str) -> list[str]:
    """Every occurrence of a region's name in the text, checked by pymorphy3: its words must share a
    case and number (an oblast's adjective agrees with "области"; "города Шымкента", not "Шымкент");
    a preposition before it must govern that case. Returns the faults."""
    words = name.split(" ")
    lemmas = [{p.normal_form for p in _parses(w)} for w in words]
    tokens = re.findall(r"[\w-]+", text)
    faults = []
    for i in range(len(tokens) - len(words) + 1):
        window = tokens[i : i + len(words)]
        if not all(lem & {p.normal_form for p in _parses(t)} for lem, t in zip(lemmas, window)):
            continue
        shared = None
        for j, t in enumerate(window):
            if (
                re.search("[әғқңөұүһі]", t.lower())
                or t.isupper()
                or (j and window[j - 1].lower() in ("область", "области", "республика", "республики"))
            ):
                continue  # a Kazakh word, an abbreviation or a name in apposition keeps its form
            forms = {(p.tag.case, p.tag.number) for p in _parses(t) if p.tag.case}
            shared = forms if shared is None else shared & forms
        before = tokens[i - 1].lower() if i else ""
        if not shared:
            faults.append(f"{' '.join(window)}: its words agree in no case")
        elif (
            before in _GOVERNS
            and _GOVERNS[before] not in {c for c, _ in shared}
            and not (before == "в" and "accs" in {c for c, _ in shared})
        ):
            faults.append(f"{before} {' '.join(window)}: not in the {_GOVERNS[before]} case")
    return faults


_CAVEAT = "относятся к разной территории"


def _span(period: str):
    """The days a period covers: '2024' → the year, '2025-01/2025-03' → January to March, '2025-01-01' → the day."""
    import calendar
    from datetime import date

    first, _, last = period.partition("/")
    last = last or first
    start = date(int(first[:4]), int(first[5:7] or 1), int(first[8:10] or 1))
    if len(last) == 4:
        return start, date(int(last), 12, 31)
    if len(last) == 7:
        y, m = int(last[:4]), int(last[5:7])
        return start, date(y, m, calendar.monthrange(y, m)[1])
    return start, date.fromisoformat(last)


def test_every_note_reads_as_russian_a_ministry_accepts(drafts, published):
    """Every region's note: its name agrees in every case (pymorphy3's parse), every sentence has its
    verb, typography (no hyphen between spaces, no "г." glued to a year, no comma after "При этом"),
    no word about the tool, no hash in the text or its footnotes, A4 with real footnotes, and a
    caveat on every series that crosses a border change of the region (the seeds' 2018 and 2022
    changes)."""
    import csv
    import zipfile
    from datetime import date

    from docx import Document

    from conftest import REPO
    from pipelines.outputs.note.russian import morph
    from pipelines.reference import regions as ref_regions

    changes = [r for r in csv.DictReader(open(REPO / "sql/seeds/ref_region_changes.csv", encoding="utf-8"))]
    changes = [r for r in changes if r["change"] == "separated_from"]
    names = {k: r.name_ru for k, r in ref_regions().items()}
    faults, crossings = [], 0
    for region, (result, _pdf) in drafts.items():
        note = result.note
        doc = Document(str(result.docx))
        body = "\n".join(p.text for p in doc.paragraphs).replace("\u00a0", " ")
        footnotes = _footnote_texts(result.docx)
        page = visible_text(result.html.read_text(encoding="utf-8"))
        with zipfile.ZipFile(result.docx) as z:
            xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.endswith(".xml"))
        for where, text in (("docx", body), ("html", page)):
            if re.search(r"[\s\u00a0]-[\s\u00a0]", text):
                faults.append(f"{region} {where}: a hyphen between spaces")
            if re.search(r"\dг\.", text):
                faults.append(f"{region} {where}: 'г.' glued to a year")
            if re.search(r"При этом,|kazmig|витрин|хранилищ", text, re.I):
                faults.append(f"{region} {where}: a comma after 'При этом' or a word about the tool")
            for name in set(names.values()):  # the region's own name and any other the note names
                faults += [f"{region} {where}: {f}" for f in _name_cases(text.replace("\u00a0", " "), name)]
        # every sentence has its verb (or the dash that stands for it: "Основные направления — Россия")
        for block in note.blocks:
            if getattr(block, "kind", None) != "body":
                continue
            for sentence in re.split(r"(?<=\.) (?=[А-ЯЁ])", block.plain(marks=False).replace("\u00a0", " ")):
                words = re.findall(r"[А-Яа-яЁё]+", sentence)
                if "—" not in sentence and not any(
                    morph().parse(w)[0].tag.POS in ("VERB", "PRTS", "ADJS") for w in words
                ):
                    faults.append(f"{region}: a sentence without its verb: {sentence}")
        if re.search(r"[0-9a-f]{64}|sha256|позиция|строка \d", xml + page):
            faults.append(f"{region}: a hash, a file position or a row number in the text or its footnotes")
        if len(footnotes) != len(note.figures):
            faults.append(f"{region}: {len(footnotes)} Word footnotes for {len(note.figures)} figures")
        section = doc.sections[0]
        if (round(section.page_width.mm), round(section.page_height.mm)) != (210, 297):
            faults.append(f"{region}: not A4")
        # a series of the region's own figures across a border change carries the caveat in its own
        # paragraph; the departures chart, every year of the region's departures, in its caption
        crossed = [date.fromisoformat(c["change_date"]) for c in changes if region in (c["kato"], c["related_kato"])]
        for block in note.blocks:
            if isinstance(block, str) or block.kind != "body":
                continue
            spans: dict = {}
            for f in block.parts:
                if not isinstance(f, str) and f.region == region and f.period:
                    spans.setdefault(f.indicator, []).append(_span(f.period))
            for indicator, series in spans.items():
                first, last = min(a for a, _ in series), max(b for _, b in series)
                for when in crossed:
                    if len(series) > 1 and first < when <= last:
                        crossings += 1
                        if _CAVEAT not in block.plain().replace("\u00a0", " "):
                            faults.append(f"{region}: {indicator} {first}..{last} crosses {when} without a caveat")
        if "departures" in note.blocks:
            caption = note.blocks[note.blocks.index("departures") + 1].plain().replace("\u00a0", " ")
            years = [
                y
                for (y,) in published.execute(
                    "select year from marts.outflow_trend where region = ? and year <= ? and departures is not null",
                    [region, note.year],
                ).fetchall()
            ]
            for when in crossed:
                if len(years) > 1 and date(min(years), 1, 1) < when <= date(max(years), 12, 31):
                    if _CAVEAT not in caption:
                        faults.append(f"{region}: the departures chart crosses {when} without a caveat")
        if region == "630000000" and "выделена Абайская область" not in body:  # 715.0 thousand in 2019, 384.5 in 2024
            faults.append(f"{region}: no word of Abai Region, formed from East Kazakhstan in 2022")
    assert not faults, "\n".join(faults)
    assert crossings, "no note states a series across a border change: the caveat check checked nothing"


def test_every_region_with_data_has_a_note(drafts, published):
    regions = {
        r
        for (r,) in published.execute("""select distinct region from marts.region_profile
                                                  where region <> 'KZ' and population_jan1 is not null""").fetchall()
    }
    assert regions and regions <= set(drafts)
    for region, (result, pdf) in drafts.items():
        note = result.note
        html = visible_text(result.html.read_text(encoding="utf-8"))
        assert note.figures and result.docx.stat().st_size > 10_000 and pdf.stat().st_size > 10_000, region
        assert not re.search(r"\b(None|nan|null)\b", html), region
        # a sentence whose data is missing is left out: only Akmola has departures in the marts
        departures = published.execute(
            "select count(*) from marts.outflow_trend where region = ?", [region]
        ).fetchone()[0]
        assert ("Число выбывших из" in html) == (departures > 0) == ("выбыло" in html or "Выбытие" in html), region
        assert ("Естественн" in html) == any(f.indicator == "natural_increase" for f in note.figures), region


def test_note_bad_region_or_year(built_home, tmp_path):
    bad = kazmig(built_home, "note", "--region", "999", "--out", str(tmp_path / "x"), check=False)
    assert bad.returncode == 2 and "no figures for region '999'" in bad.stderr and AKMOLA in bad.stderr
    bad = kazmig(built_home, "note", "--region", AKMOLA, "--year", "1990", "--out", str(tmp_path / "y"), check=False)
    assert bad.returncode == 2 and "in 1990" in bad.stderr and "2024" in bad.stderr
    assert not (tmp_path / "x").exists() and not (tmp_path / "y").exists()


@pytest.fixture(scope="module")
def round_trip(built_home, drafts, tmp_path_factory):
    """A copy of the warehouse with every drafted note landed as a document, rebuilt."""
    home = tmp_path_factory.mktemp("round_trip")
    shutil.copytree(built_home, home, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".lock", "*.tmp", "report"))
    for _result, pdf in drafts.values():
        shutil.copyfile(pdf, home / "raw" / "documents" / pdf.name)
    kazmig(home, "build", "--offline")
    return home


@pytest.fixture(scope="module")
def official_departures(built_home, tmp_path_factory):
    """The warehouse with a bureau departures table for Akmola, 2023 and 2024 (synthetic test values,
    not the bureau's: 56 040 / 40 000 = 1.401), rebuilt."""
    home = tmp_path_factory.mktemp("departures")
    shutil.copytree(built_home, home, dirs_exist_ok=True, ignore=shutil.ignore_patterns(".lock", "*.tmp", "report"))
    from pipelines.sources.bns.catalogue import DEFAULT_CATALOGUE

    catalogue = yaml.safe_load(DEFAULT_CATALOGUE.read_text(encoding="utf-8"))
    catalogue["sources"].append(
        {
            "id": "departures_csv",
            "title": "Число выбывших (человек)",
            "element_id": 9999,
            "format": "bns_csv",
            "period": "year",
            "region": "КАТО(по каталогу)",
            "indicator": "departures",
        }
    )
    (home / "catalogue.yaml").write_text(yaml.safe_dump(catalogue, allow_unicode=True), encoding="utf-8")
    bundle = home / "bundle"
    bundle.mkdir()
    write_csv(
        bundle / "9999-departures-2026-10-01.csv",
        MIG_HEADER,
        [mig(2023, "АКМОЛИНСКАЯ ОБЛАСТЬ", "40 000"), mig(2024, "АКМОЛИНСКАЯ ОБЛАСТЬ", "56 040")],
    )
    env = {"KAZMIG_CATALOGUE": str(home / "catalogue.yaml")}
    kazmig(home, "fetch", "departures_csv", "--from", str(bundle), env=env)
    kazmig(home, "build", "--offline", env=env)
    return home


def test_round_trip_every_figure_read_back_and_confirmed(drafts, round_trip):
    from pipelines.sources.documents.extract import extract_figures

    with duckdb.connect(str(round_trip / "warehouse" / "kazmig.duckdb"), read_only=True) as con:
        claims = con.execute("""select document_name, indicator, claimed_value, period, region, country, status
                                from marts.note_claims""").fetchall()
    original = {(i, v, p, r, c): s for d, i, v, p, r, c, s in claims if d == NOTE.name}
    failures = []
    for region, (result, pdf) in drafts.items():
        if region == AKMOLA:  # read back by the command itself
            read = [json.loads(line) for line in kazmig(round_trip, "extract", str(pdf)).stdout.splitlines()]
        else:
            read = [f.to_dict() for f in extract_figures(pdf)]
        written = Counter(_key(f) for f in result.note.figures)
        # the annex prints the documents' figures about the region ("В документе"): figures of this
        # PDF too, each under its own key; one the text also states is the same figure, read once
        annex = {_annex_key(c, result.note.region): c for c in result.note.annex}
        # a ratio stands in the annex only (the text leaves out what the bureau's data cannot check);
        # the extractor reads a ratio in prose ("выбыло в 1,4 раза больше"), not from a table row
        unread = {k for k, c in annex.items() if c["unit"] == "ratio" and k not in written}
        written.update(k for k in annex if k not in written and k not in unread)
        got = Counter(_key(f) for f in read if _key(f) not in unread)
        if written != got:
            failures.append(
                f"{pdf.name}: not read back {dict(written - got)}; read but not written {dict(got - written)}"
            )
        # landed as a document, every figure is checked: the bureau's confirmed, a document's (an
        # annex row's too) as that document's
        by_key = {
            k: SimpleNamespace(source_kind="document", text=f"{c['indicator']} {c['claimed_value']}")
            for k, c in annex.items()
        }
        by_key.update({_key(f): f for f in result.note.figures})
        mine = [(i, v, p, r, c, s) for d, i, v, p, r, c, s in claims if d == pdf.name]
        for i, v, p, r, c, s in mine:
            f = by_key.get((i, v, p, r, c))
            if f is None:
                continue  # read but not written: listed above
            if f.source_kind in ("official", "derived"):
                if s != "confirmed":
                    failures.append(f"{pdf.name}: {f.text} ({i} {p} {r or ''} {c or ''}) is {s}")
            elif original.get((i, v, p, r, c), s) != s:
                failures.append(
                    f"{pdf.name}: {f.text} ({i} {p}) is {s}, its source document's claim is "
                    f"{original.get((i, v, p, r, c))}"
                )
    assert not failures, "\n".join(failures)


def test_departures_growth_ratio_checked_against_official_departures(official_departures):
    """The note's "в 1,4 раза" (2024 vs 2023) against the ratio of the bureau's departures (1.401)."""
    with duckdb.connect(str(official_departures / "warehouse" / "kazmig.duckdb"), read_only=True) as con:
        ratio = con.execute(f"""select ratio_to_previous_year from marts.outflow_trend
                                where region = '{AKMOLA}' and year = 2024""").fetchone()[0]
        row = con.execute(f"""select claimed_value, round(official_value, 3), official_source_id, status
                              from marts.note_claims where document_name = '{NOTE.name}'
                              and indicator = 'departures_growth_ratio'""").fetchone()
    assert ratio == 1.401
    assert row == (1.4, 1.401, "derived from departures_csv", "confirmed")


def test_note_reads_marts_only():
    import re

    from conftest import REPO

    src = (REPO / "pipelines" / "outputs" / "note" / "data.py").read_text(encoding="utf-8")
    relations = [
        r
        for r in re.findall(r"\b(?:from|join)\s+([a-z_][a-z0-9_]*\.[a-z0-9_]+)", src, re.I)
        if not r.startswith("pipelines")
    ]
    assert relations and all(r.startswith("marts.") for r in relations), relations


def test_note_charts_carry_units_axes_and_the_rest(built_home):
    """The destinations chart: persons on a labelled axis, and a "Другие страны" bar exactly when
    the named countries fall short of the national total; departures: a labelled y-axis in
    thousands on a labelled time axis, each bar's value as drawn."""
    from pipelines.outputs.charts import pyplot
    from pipelines.outputs.note import render as charts
    from pipelines.outputs.note.data import load

    with duckdb.connect(str(built_home / "warehouse" / "kazmig.duckdb"), read_only=True) as con:
        d = load(con, AKMOLA)
    named = [r for r in d.destinations if not r["is_remainder"]]
    total = named[0]["national_total"]
    fig = charts.destinations_figure(d)
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert ax.get_xlabel() == "человек" and ax.get_ylabel() and ax.xaxis.get_visible()
    short = total - sum(float(r["emigrants"]) for r in named)
    assert short > 0 and labels[0] == "Другие страны" and len(labels) == len(named) + 1
    widths = sorted(round(b.get_width()) for b in ax.patches)
    assert sum(widths) == round(total) and round(short) in widths  # the bars sum to the national total
    pyplot().close(fig)
    # the top N without the mart's remainder row: the "other" bar is the rest of the national total
    d.destinations = named[:2]
    fig = charts.destinations_figure(d)
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][0] == "Другие страны"
    assert sum(round(b.get_width()) for b in ax.patches) == round(total)
    pyplot().close(fig)
    # where the named countries make the whole total there is no "other" bar
    d.destinations = [{**r, "national_total": sum(float(r["emigrants"]) for r in named)} for r in named]
    fig = charts.destinations_figure(d)
    assert "Другие страны" not in [t.get_text() for t in fig.axes[0].get_yticklabels()]
    pyplot().close(fig)

    fig = charts.departures_figure(d)
    ax = fig.axes[0]
    assert ax.get_ylabel() == "тыс. человек" and ax.get_xlabel() == "год" and ax.yaxis.get_visible()
    drawn = sorted(round(b.get_height() * 1000) for b in ax.patches)
    assert drawn == sorted(round(r["departures"]) for r in d.trend if r["departures"] is not None)
    pyplot().close(fig)
