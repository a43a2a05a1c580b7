"""The layout's import rules that import-linter's contracts do not state: no import cycle among
the modules of the rules engine (``protocols.engine``).

A cycle exists exactly when some module imports a module that leads back to it, so each direct
import inside the engine is checked for a chain back to its importer.
"""

import grimp
import pytest

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
