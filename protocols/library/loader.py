"""Read the shipped library's data files (protocols/library/data), expand their building
blocks and validate every phase's criteria with the criteria registry.

Files: `citations.yaml` (key -> full reference), `returns.yaml` (pooled return-to-sport times by
site), `blocks.yaml` (named building blocks) and `templates/NN-<slug>.yaml` (one template each,
in shipping order). In a template, a string `"@name"` stands for the block `name`: a criteria
set or a citation group is spliced into its list; a whole phase, a prescription line, a goal or
a note fragment takes its place. A phase's notes may be a list of strings, joined without a
separator. The loader adds what every template shares: `min_days_in_phase` (= `min_days`)
leads the advance criteria, phase citations are de-duplicated, and a template's citations are
its own plus every phase's, in first-seen order. A file that does not validate raises
`LibraryError` naming the file and the item.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from protocols.engine import programme
from protocols.engine.criteria import CriterionError, validate_list

DATA = Path(__file__).with_name("data")

PHASE_FIELDS = (
    "name",
    "goal",
    "min_days",
    "typical_days",
    "weight_bearing",
    "crutches",
    "impact",
    "prescriptions",
    "advance_when",
    "regress_when",
    "warn_when",
    "citations",
    "notes",
)
TEMPLATE_FIELDS = ("slug", "version", "name", "summary", "sites", "risk", "conservative")
ROLES = {"advance_when": "advance", "regress_when": "regress", "warn_when": "warning"}


class LibraryError(ValueError):
    """A data file of the shipped library is invalid; the message names the file and item."""


def read(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


class _Blocks:
    """The named building blocks of blocks.yaml, looked up by `"@name"` references."""

    def __init__(self, data: dict[str, dict[str, Any]]):
        self.by_name: dict[str, Any] = {}
        for group in data.values():
            self.by_name.update(group)

    def ref(self, value: Any, where: str) -> Any:
        if isinstance(value, str) and value.startswith("@"):
            try:
                return self.by_name[value[1:]]
            except KeyError:
                raise LibraryError(f"{where}: unknown building block {value!r}.") from None
        return value

    def splice(self, items: Any, where: str) -> list[Any]:
        """A list with its references expanded; a list-valued block is spliced in place."""
        if isinstance(items, str):
            items = [items]
        out: list[Any] = []
        for item in items or []:
            value = self.ref(item, where)
            out.extend(value if isinstance(value, list) else [value])
        return out

    def text(self, value: Any, where: str) -> str:
        if isinstance(value, list):
            return "".join(self.ref(v, where) for v in value)
        return self.ref(value or "", where)


def _phase(raw: dict[str, Any], blocks: _Blocks, where: str) -> dict[str, Any]:
    unknown = set(raw) - set(PHASE_FIELDS)
    if unknown:
        raise LibraryError(f"{where}: unknown fields {sorted(unknown)}.")
    phase = {
        **{k: raw[k] for k in PHASE_FIELDS[:7]},
        "goal": blocks.text(raw["goal"], where),
        "prescriptions": [dict(r) for r in blocks.splice(raw.get("prescriptions"), where)],
        "advance_when": [
            {"kind": "min_days_in_phase", "days": raw["min_days"]},
            *blocks.splice(raw.get("advance_when"), where),
        ],
        "regress_when": blocks.splice(raw.get("regress_when"), where),
        "warn_when": blocks.splice(raw.get("warn_when"), where),
        "citations": list(dict.fromkeys(blocks.splice(raw.get("citations"), where))),
        "notes": blocks.text(raw.get("notes"), where),
    }
    for field, role in ROLES.items():
        try:
            validate_list(phase[field], role)
        except CriterionError as exc:
            raise LibraryError(f"{where}, {field}: {exc.errors}") from exc
    return phase


def _template(path: Path, blocks: _Blocks, citations: dict[str, str]) -> dict[str, Any]:
    raw = read(path)
    missing = [k for k in (*TEMPLATE_FIELDS, "phases") if k not in raw]
    if missing:
        raise LibraryError(f"{path.name}: missing fields {missing}.")
    phases = [
        _phase(p, blocks, f"{path.name}, phase {n} ({p.get('name', '?')})")
        for n, p in enumerate(blocks.splice(raw["phases"], path.name), start=1)
    ]
    keys = [*blocks.splice(raw.get("citations"), path.name)]
    for phase in phases:
        keys.extend(phase["citations"])
    unknown = [k for k in keys if k not in citations]
    if unknown:
        raise LibraryError(f"{path.name}: unknown citation keys {sorted(set(unknown))}.")
    return {
        **{k: raw[k] for k in TEMPLATE_FIELDS},
        "citations": list(dict.fromkeys(keys)),
        "phases": phases,
    }


def load(data: Path = DATA) -> tuple[tuple[dict[str, Any], ...], dict[str, str], dict[str, Any]]:
    """(templates in shipping order, citations, return times by site) read from `data`."""
    citations = read(data / "citations.yaml")
    blocks = _Blocks(read(data / "blocks.yaml"))
    templates = tuple(
        _template(path, blocks, citations) for path in sorted((data / "templates").glob("*.yaml"))
    )
    slugs = [t["slug"] for t in templates]
    if len(set(slugs)) != len(slugs):
        raise LibraryError(f"templates: a slug is shipped twice in {slugs}.")
    return templates, citations, read(data / "returns.yaml")


PROGRAMME_FIELDS = (
    "slug", "version", "name", "summary", "citations", "default_for", "default", "rest_days",
    "pain_limit", "stages", "basis", "notes",
)  # fmt: skip


def load_programmes(data: Path = DATA) -> tuple[dict[str, Any], ...]:
    """The shipped run-walk programmes of ``programmes.yaml``, each validated by the engine
    (``protocols.engine.programme.validate``) and its citations checked; exactly one is the
    default. Each item: slug, version, name, summary, default_for, default and ``data`` (what a
    plan phase copies)."""
    citations = read(data / "citations.yaml")
    out = []
    for n, raw in enumerate(read(data / "programmes.yaml") or [], start=1):
        where = f"programmes.yaml, item {n} ({raw.get('slug', '?')})"
        unknown = set(raw) - set(PROGRAMME_FIELDS)
        missing = [k for k in PROGRAMME_FIELDS if k not in raw]
        if unknown or missing:
            raise LibraryError(f"{where}: unknown {sorted(unknown)}, missing {missing}.")
        wrong = [k for k in raw["citations"] if k not in citations]
        if wrong or not raw["citations"]:
            raise LibraryError(f"{where}: unknown or no citation keys {wrong}.")
        try:
            data_ = programme.validate(
                {**raw, "citations": [citations[k] for k in raw["citations"]]}
            )
        except programme.ProgrammeError as exc:
            raise LibraryError(f"{where}: {exc.errors}") from exc
        out.append(
            {
                **{k: raw[k] for k in ("slug", "version", "name", "summary", "default")},
                "default_for": list(raw["default_for"]),
                "data": data_,
            }
        )
    slugs = [p["slug"] for p in out]
    if len(set(slugs)) != len(slugs) or sum(bool(p["default"]) for p in out) != 1:
        raise LibraryError(f"programmes.yaml: slugs must differ and one be the default: {slugs}.")
    return tuple(out)
