"""The rules engine: pure Python, no Django (an import-linter contract in pyproject.toml).

``records`` (what the engine reads), ``criteria`` (the criterion kinds by family and their
registry), ``gating`` (a phase's evaluation on a day), ``series`` (arithmetic on dated values),
``projection``, ``replay`` and ``wording`` (each kind's words for the athlete, gathered over a
phase or an evaluation; the clinician reads each kind's sentence).
"""
