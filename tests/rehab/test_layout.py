"""The layout's import rules that import-linter's contracts do not state: no import cycle among
the modules of the rules engine (``protocols.engine``), and every criterion kind registered.

A cycle exists exactly when some module imports a module that leads back to it, so each direct
import inside the engine is checked for a chain back to its importer.
"""

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
)

ENGINE = "protocols.engine"


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("protocols", cache_dir=None)


def engine_cycles(graph: grimp.ImportGraph) -> list[tuple[str, ...]]:
    """Every cycle through a direct import between two engine modules, as the chain of modules
    from the importer back to itself."""
    modules = graph.find_descendants(ENGINE) | {ENGINE}
    cycles = []
    for importer in sorted(modules):
        for imported in sorted(graph.find_modules_directly_imported_by(importer) & modules):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                cycles.append((importer, *back))
    return cycles


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
        for module in (phase, pain, pain_trend, impact, symptoms, assessments, load, case_facts)
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
