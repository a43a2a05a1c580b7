"""The shipped exercise library (protocols/library/data/exercises.yaml), read and validated when
loaded: every exercise with its dose, its 3–5 steps, its cues, its bone load and a diagram that
ships in ``static/exercises/<key>.svg``; and the exercises a shipped template's phase starts
with (``defaults``, chosen by ``default_key``). A file that does not validate raises
``LibraryError`` naming the item. Pure data: the install is
``protocols.services.exercises.install_shipped_exercises``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from protocols.library.loader import DATA, LibraryError, read

PATH = DATA / "exercises.yaml"
STATIC = Path(__file__).resolve().parents[2] / "static"
EXERCISE_FIELDS = ("key", "name", "trains", "dose", "impact", "steps", "cues", "alt")
TRAINS = ("strength", "balance", "mobility", "plyometric")
IMPACTS = ("none", "low", "moderate", "high")  # protocols.models.Impact, in order
DEFAULT_KEYS = ("offloaded", *IMPACTS)
LIMITS = {"sets": (1, 10), "reps": (1, 100), "seconds": (1, 600), "per_week": (1, 14)}
_KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class ShippedExercise:
    key: str
    name: str
    trains: str
    sets: int
    reps: int | None
    seconds: int | None
    per_side: bool
    impact: str
    steps: tuple[str, ...]
    cues: tuple[str, ...]
    alt: str

    @property
    def diagram(self) -> str:
        return f"exercises/{self.key}.svg"

    def fields(self) -> dict[str, Any]:
        """As the ``Exercise`` model stores it."""
        return {
            "key": self.key, "name": self.name, "trains": self.trains, "sets": self.sets,
            "reps": self.reps, "seconds": self.seconds, "per_side": self.per_side,
            "impact": self.impact, "steps": list(self.steps), "cues": list(self.cues),
            "diagram": self.diagram, "alt": self.alt,
        }  # fmt: skip


def _number(value: Any, name: str, where: str) -> int:
    low, high = LIMITS[name]
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise LibraryError(f"{where}: {name} is a whole number from {low} to {high}.")
    return value


def _dose(raw: Any, where: str) -> tuple[int, int | None, int | None, bool]:
    if not isinstance(raw, Mapping) or not set(raw) <= {"sets", "reps", "seconds", "per_side"}:
        raise LibraryError(f"{where}: dose has sets, reps or seconds, and per_side.")
    if ("reps" in raw) == ("seconds" in raw):
        raise LibraryError(f"{where}: a dose gives either reps or seconds, not both.")
    sets = _number(raw.get("sets"), "sets", where)
    reps = _number(raw["reps"], "reps", where) if "reps" in raw else None
    seconds = _number(raw["seconds"], "seconds", where) if "seconds" in raw else None
    per_side = raw.get("per_side", False)
    if not isinstance(per_side, bool):
        raise LibraryError(f"{where}: per_side is true or false.")
    return sets, reps, seconds, per_side


def _texts(raw: Any, name: str, low: int, high: int, where: str) -> tuple[str, ...]:
    ok = isinstance(raw, list) and all(isinstance(s, str) and s.strip() for s in raw)
    if not ok or not low <= len(raw) <= high:
        raise LibraryError(f"{where}: {name} is a list of {low} to {high} plain sentences.")
    return tuple(s.strip() for s in raw)


def _exercise(raw: Any, n: int, static: Path) -> ShippedExercise:
    where = f"exercises.yaml, exercise {n}"
    if not isinstance(raw, Mapping) or sorted(raw) != sorted(EXERCISE_FIELDS):
        raise LibraryError(f"{where}: an exercise has exactly the fields {list(EXERCISE_FIELDS)}.")
    key = raw["key"]
    if not isinstance(key, str) or not _KEY.match(key) or len(key) > 60:
        raise LibraryError(f"{where}: key is lower-case letters, digits and hyphens.")
    where = f"{where} ({key})"
    name, alt = raw["name"], raw["alt"]
    if not (isinstance(name, str) and 0 < len(name) <= 120):
        raise LibraryError(f"{where}: name is text of at most 120 characters.")
    if not (isinstance(alt, str) and 0 < len(alt) <= 300):
        raise LibraryError(f"{where}: alt describes the diagram in at most 300 characters.")
    if raw["trains"] not in TRAINS:
        raise LibraryError(f"{where}: trains is one of {list(TRAINS)}.")
    if raw["impact"] not in IMPACTS:
        raise LibraryError(f"{where}: impact is one of {list(IMPACTS)}.")
    sets, reps, seconds, per_side = _dose(raw["dose"], where)
    exercise = ShippedExercise(
        key, name, raw["trains"], sets, reps, seconds, per_side, raw["impact"],
        _texts(raw["steps"], "steps", 3, 5, where), _texts(raw["cues"], "cues", 1, 5, where), alt,
    )  # fmt: skip
    if not (static / exercise.diagram).is_file():
        raise LibraryError(f"{where}: its diagram static/{exercise.diagram} is missing.")
    return exercise


def _default_row(raw: Any, by_key: Mapping[str, ShippedExercise], where: str) -> dict[str, Any]:
    if not isinstance(raw, Mapping) or not {"exercise", "per_week"} <= set(raw):
        raise LibraryError(f"{where}: a row names an exercise and how often a week.")
    extra = set(raw) - {"exercise", "per_week", "sets", "reps", "seconds", "notes"}
    if extra:
        raise LibraryError(f"{where}: unknown fields {sorted(extra)}.")
    exercise = by_key.get(raw["exercise"])
    if exercise is None:
        raise LibraryError(f"{where}: unknown exercise {raw['exercise']!r}.")
    has_reps = exercise.reps is not None
    row = {
        "exercise": exercise.key,
        "sets": _number(raw.get("sets", exercise.sets), "sets", where),
        "reps": _number(raw.get("reps", exercise.reps), "reps", where) if has_reps else None,
        "seconds": None
        if has_reps
        else _number(raw.get("seconds", exercise.seconds), "seconds", where),
        "per_week": _number(raw["per_week"], "per_week", where),
        "notes": str(raw.get("notes") or "").strip(),
    }
    return row


def _defaults(raw: Any, by_key: Mapping[str, ShippedExercise]) -> dict[str, tuple[dict, ...]]:
    if not isinstance(raw, Mapping) or set(raw) != set(DEFAULT_KEYS):
        raise LibraryError(f"exercises.yaml, defaults: give exactly {list(DEFAULT_KEYS)}.")
    out: dict[str, tuple[dict, ...]] = {}
    for group, rows in raw.items():
        where = f"exercises.yaml, defaults {group}"
        if not isinstance(rows, list):
            raise LibraryError(f"{where}: a list of rows.")
        cleaned = [_default_row(r, by_key, f"{where}, row {n}") for n, r in enumerate(rows, 1)]
        ceiling = "none" if group == "offloaded" else group
        for row in cleaned:
            if IMPACTS.index(by_key[row["exercise"]].impact) > IMPACTS.index(ceiling):
                raise LibraryError(f"{where}: {row['exercise']} is more impact than {ceiling}.")
        if len({r["exercise"] for r in cleaned}) != len(cleaned):
            raise LibraryError(f"{where}: an exercise is listed twice.")
        out[group] = tuple(cleaned)
    return out


def load(
    path: Path = PATH, static: Path = STATIC
) -> tuple[tuple[ShippedExercise, ...], dict[str, tuple[dict, ...]]]:
    """(the shipped exercises, default rows by ``default_key``) read from ``path``."""
    data = read(path)
    if not isinstance(data, Mapping):
        raise LibraryError("exercises.yaml: expected exercises and defaults.")
    raws = data.get("exercises") or []
    exercises = tuple(_exercise(raw, n, static) for n, raw in enumerate(raws, start=1))
    by_key = {e.key: e for e in exercises}
    if len(by_key) != len(exercises):
        raise LibraryError("exercises.yaml: an exercise key is shipped twice.")
    return exercises, _defaults(data.get("defaults"), by_key)


def default_key(*, weight_bearing: str, crutches: bool, impact: str, order: int) -> str:
    """Which default rows a phase starts with: "offloaded" off full weight bearing, else its
    impact ("none" for a first phase, the protected one)."""
    if weight_bearing != "fwb" or crutches:
        return "offloaded"
    if order == 1:
        return "none"
    return impact if impact in IMPACTS else "none"


EXERCISES, DEFAULTS = load()
BY_KEY: dict[str, ShippedExercise] = {e.key: e for e in EXERCISES}
