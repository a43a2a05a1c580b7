"""One JSON line per figure, then a short table."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict, dataclass


@dataclass
class Figure:
    name: str
    value: float
    unit: str
    goal: str
    passed: bool | None  # None: informational, no goal
    note: str = ""

    def line(self) -> str:
        data = asdict(self)
        data["pass"] = data.pop("passed")
        data["value"] = round(self.value, 4)
        return json.dumps(data, sort_keys=False)


class Report:
    def __init__(self, stream=sys.stdout):
        self.stream = stream
        self.figures: list[Figure] = []

    def add(self, figure: Figure) -> Figure:
        self.figures.append(figure)
        print(figure.line(), file=self.stream, flush=True)
        return figure

    def table(self) -> str:
        rows = [("figure", "value", "unit", "goal", "pass")]
        for f in self.figures:
            verdict = "-" if f.passed is None else ("yes" if f.passed else "NO")
            rows.append((f.name, f"{f.value:.4g}", f.unit, f.goal or "-", verdict))
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        return "\n".join(
            "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) for r in rows
        )
