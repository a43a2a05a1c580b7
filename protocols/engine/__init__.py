"""The rules engine: pure Python, no Django (an import-linter contract in pyproject.toml).

``records`` (what the engine reads), ``criteria`` (the criterion kinds by family and their
registry), ``gating`` (a phase's evaluation on a day), ``series`` (arithmetic on dated values),
``projection`` and ``replay``.
"""
