"""One yml beside each model: sql/models/<layer>/<model>.yml holds that model's properties
(description, columns, contract, tests) and nothing else's, every model has one, and everything in
it is documented. What the built tables hold is compared with the ymls in test_marts.py."""

from __future__ import annotations

import yaml

from pipelines.dbt.manifest import MODELS_DIR, model_properties

SQL = sorted(MODELS_DIR.rglob("*.sql"))
# the one yml that is no model's: the raw tables the staging views read
SHARED = {MODELS_DIR / "staging" / "sources.yml"}


def test_every_model_has_its_own_yml_with_a_description_and_every_column_documented():
    assert len(SQL) >= 20  # the project's models were found
    undocumented = []
    for sql in SQL:
        model = model_properties(sql)  # a missing yml, or one not naming the model, fails here
        name = sql.relative_to(MODELS_DIR).with_suffix("").as_posix()
        if not str(model.get("description") or "").strip():
            undocumented.append(name)
        if not model.get("columns"):
            undocumented.append(f"{name}: no columns")
        for col in model.get("columns") or []:
            if not str(col.get("description") or "").strip():
                undocumented.append(f"{name}.{col['name']}")
    assert undocumented == []


def test_a_models_yml_declares_that_model_only():
    ymls = sorted(set(MODELS_DIR.rglob("*.yml")) | set(MODELS_DIR.rglob("*.yaml")))
    strays = []
    for yml in ymls:
        if yml in SHARED:
            assert "models" not in yaml.safe_load(yml.read_text(encoding="utf-8"))
            continue
        doc = yaml.safe_load(yml.read_text(encoding="utf-8")) or {}
        declared = [m.get("name") for m in doc.get("models") or []]
        tested = {t.get("model") for t in doc.get("unit_tests") or []}
        if not yml.with_suffix(".sql").exists() or declared != [yml.stem] or tested - {yml.stem}:
            strays.append((yml.relative_to(MODELS_DIR).as_posix(), declared, sorted(tested)))
    assert strays == []
