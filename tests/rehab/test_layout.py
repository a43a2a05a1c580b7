"""The layout's import rules that import-linter's contracts do not state: no import cycle among
the modules of the rules engine (``protocols.engine``), and every criterion kind registered.

A cycle exists exactly when some module imports a module that leads back to it, so each direct
import inside the engine is checked for a chain back to its importer.
"""

import ast
import inspect
from pathlib import Path

import grimp
import pytest

from protocols.engine import criteria
from protocols.engine.criteria import (
    assessments,
    case_facts,
    impact,
    load,
    pain,
    pain_trend,
    phase,
    symptoms,
    volume,
)

ENGINE = "protocols.engine"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("protocols", cache_dir=None)


def engine_cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Every cycle among the engine's modules (``cycles`` below)."""
    return cycles(graph, graph.find_descendants(ENGINE) | {ENGINE})


def test_the_engine_has_no_import_cycle(graph):
    assert engine_cycles(graph) == []


def test_a_cycle_in_the_engine_is_found():
    graph = grimp.build_graph("protocols", cache_dir=None)  # its own: it gets an import added
    records, gating = "protocols.engine.records", "protocols.engine.gating"
    graph.add_import(importer=records, imported=gating)
    assert (records, gating, records) in engine_cycles(graph)


def test_every_kind_of_the_criteria_families_is_registered():
    """The package registers the kinds by name, in one list: a kind class left out of it would
    never be offered or evaluated."""
    defined = {
        cls.kind
        for module in (
            phase,
            pain,
            pain_trend,
            impact,
            symptoms,
            assessments,
            load,
            case_facts,
            volume,
        )
        for name, cls in inspect.getmembers(module, inspect.isclass)
        if issubclass(cls, criteria.Kind) and cls.__module__ == module.__name__
        if not name.startswith("_")
    }
    assert defined == set(criteria.REGISTRY)


# --- the whole code base -------------------------------------------------------------------------

APPS = ("rehab", "athletes", "protocols", "monitoring")
ROOT = Path(__file__).resolve().parents[2]
MAX_LINES = 500


def app_modules() -> list[Path]:
    """Every Python module of the apps, migrations aside."""
    return sorted(
        path
        for app in APPS
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.relative_to(ROOT).parts
    )


@pytest.fixture(scope="module")
def app_graph() -> grimp.ImportGraph:
    return grimp.build_graph(*APPS, cache_dir=None)


def cycles(graph: grimp.ImportGraph, modules: set[str]) -> list[tuple[str, ...]]:
    """Every cycle through a direct import between two of ``modules``, as the chain of modules
    from the importer back to itself."""
    found = []
    for importer in sorted(modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & modules):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                found.append((importer, *back))
    return found


def test_no_module_of_the_apps_is_in_an_import_cycle(app_graph):
    modules = {m for m in app_graph.modules if m.split(".")[0] in APPS and ".migrations" not in m}
    assert cycles(app_graph, modules) == []


def test_no_app_module_is_over_500_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in app_modules()
        if (n := len(path.read_text().splitlines())) > MAX_LINES
    }
    assert long == {}


def is_module(dotted: str) -> bool:
    path = ROOT.joinpath(*dotted.split("."))
    return path.with_suffix(".py").exists() or (path / "__init__.py").exists()


def private_imports(path: Path) -> list[str]:
    """``from a.b import _name`` and ``b._name`` where ``b`` is an imported app module: uses of
    another module's private names."""
    tree = ast.parse(path.read_text())
    modules, found = set(), []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.split(".")[0] not in APPS:
                continue
            for alias in node.names:
                if alias.name.startswith("_") and not alias.name.startswith("__"):
                    found.append(f"{node.module}.{alias.name}")
                elif is_module(f"{node.module}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name.split(".")[0] in APPS)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            found.append(f"{node.value.id}.{node.attr}")
    return found


def test_no_module_uses_another_modules_private_names():
    used = {
        str(path.relative_to(ROOT)): names
        for path in app_modules()
        if (names := private_imports(path))
    }
    assert used == {}


def test_a_private_import_is_found(tmp_path):
    module = tmp_path / "m.py"
    module.write_text(
        "from monitoring.evaluation.services import _enqueue\n"
        "from monitoring.care import rules\n"
        "rules._hidden\n"
    )
    assert private_imports(module) == [
        "monitoring.evaluation.services._enqueue",
        "rules._hidden",
    ]
