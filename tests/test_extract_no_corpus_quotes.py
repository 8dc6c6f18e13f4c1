"""The extractor's rules are about languages and layouts: no comment or docstring of
pipelines/sources/documents quotes a figure-bearing stretch of a corpus document (a phrase with a
number in it), which would be a rule fitted to that document."""

from __future__ import annotations

import io
import re
import tokenize

from conftest import REPO, shared_dir
from pipelines.sources.documents.pdf import read_pages

QUOTED = re.compile(r'"([^"\n]{10,})"|«([^»\n]{10,})»|\(([^()\n]{10,})\)|\'([^\'\n]{10,})\'')


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.lower().replace("\u00a0", " ")).strip(" .,;:")


def test_no_comment_quotes_a_figure_of_the_corpus():
    corpus = shared_dir("extraction", "KAZMIG_EXTRACTION")
    text = " ".join(
        _norm(" ".join(w.text for w in page.words)) for pdf in sorted(corpus.glob("*.pdf")) for page in read_pages(pdf)
    )
    found = []
    extractor = sorted((REPO / "pipelines" / "sources" / "documents").glob("*.py"))
    assert len(extractor) > 10, "the extractor's modules were not found"
    for path in extractor:
        src = path.read_text()
        for tok in tokenize.generate_tokens(io.StringIO(src).readline):
            is_doc = tok.type == tokenize.STRING and tok.string.startswith(('"""', "'''"))
            if tok.type != tokenize.COMMENT and not is_doc:
                continue
            body = tok.string[3:-3] if is_doc else tok.string  # a docstring's own quotes are not a quote
            for groups in QUOTED.findall(body):
                quote = _norm(next(g for g in groups if g))
                pieces = [p.strip() for p in re.split(r"\.\.\.|…", quote)]
                if any(len(p) >= 10 and re.search(r"\d{2}", p) and p in text for p in pieces):
                    found.append(f"{path.name}:{tok.start[0]}: {quote[:80]}")
    assert not found, "comments quoting the corpus:\n" + "\n".join(found)
