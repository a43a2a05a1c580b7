"""The data migrations install a frozen snapshot stored next to them, never the library's code:
later edits to the library do not change what an old migration installs."""

from __future__ import annotations

import ast
import importlib
import json
from pathlib import Path

import pytest

from protocols.models import PhaseTemplate, ProtocolTemplate

MIGRATIONS = Path(__file__).resolve().parents[2] / "protocols" / "migrations"
FIXTURE = json.loads((Path(__file__).parent / "fixtures" / "shipped_library.json").read_text())


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
    return names | {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}


@pytest.mark.parametrize("path", sorted(MIGRATIONS.glob("0*.py")), ids=lambda p: p.name)
def test_no_migration_imports_app_code(path):
    assert not {m for m in _imports(path) if m.split(".")[0] in {"protocols", "monitoring"}}


def test_the_snapshot_is_the_library_of_0007_with_references_in_full():
    snapshot = json.loads((MIGRATIONS / "shipped_templates_0007.json").read_text())
    cite = FIXTURE["citations"]
    assert [t["slug"] for t in snapshot] == [t["slug"] for t in FIXTURE["templates"]]
    for frozen, shipped in zip(snapshot, FIXTURE["templates"], strict=True):
        assert frozen["citations"] == [cite[c] for c in shipped["citations"]]
        assert frozen["version"] == shipped["version"]
        for fp, sp in zip(frozen["phases"], shipped["phases"], strict=True):
            assert fp["citations"] == [cite[c] for c in sp["citations"]]
            assert {k: v for k, v in fp.items() if k != "citations"} == {
                k: v for k, v in sp.items() if k != "citations"
            }


@pytest.mark.django_db
def test_the_frozen_install_fills_an_empty_library_once():
    migration = importlib.import_module("protocols.migrations.0002_shipped_templates")
    ProtocolTemplate.objects.all().delete()
    migration.install_snapshot(ProtocolTemplate, PhaseTemplate)
    migration.install_snapshot(ProtocolTemplate, PhaseTemplate)
    assert ProtocolTemplate.objects.filter(shipped=True, status="published").count() == len(
        FIXTURE["templates"]
    )
    assert PhaseTemplate.objects.count() == sum(len(t["phases"]) for t in FIXTURE["templates"])
