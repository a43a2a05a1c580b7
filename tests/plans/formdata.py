"""Submit a page's form as a browser without JavaScript would: read its inputs from the HTML.

``form_data(html, "plan-form")`` returns what the form would send (hidden inputs, typed values,
the selected option of each select, checked boxes), ready for the test client's ``post``.
"""

from __future__ import annotations

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.depth = 0
        self.data: dict[str, list[str]] = {}
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.option: dict | None = None
        self.textarea: str | None = None
        self.text: list[str] = []

    def _add(self, name: str, value: str) -> None:
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            if a.get("id") == self.form_id:
                self.inside = True
            return
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = a.get("type", "text")
            if kind in {"submit", "button", "image", "reset"}:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in a:
                    self._add(name, a.get("value", "on"))
                return
            self._add(name, a.get("value", ""))
        elif tag == "select" and name:
            self.select, self.options = name, []
        elif tag == "option" and self.select is not None:
            self.option = {"value": a.get("value"), "selected": "selected" in a, "text": ""}
        elif tag == "textarea" and name:
            self.textarea, self.text = name, []

    def handle_data(self, data):
        if self.option is not None:
            self.option["text"] += data
        if self.textarea is not None:
            self.text.append(data)

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "option" and self.option is not None:
            value = self.option["value"]
            self.options.append(
                (value if value is not None else self.option["text"], self.option["selected"])
            )
            self.option = None
        elif tag == "select" and self.select is not None:
            chosen = [v for v, selected in self.options if selected]
            if chosen or self.options:
                self._add(self.select, (chosen or [self.options[0][0]])[0])
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            text = "".join(self.text)
            self._add(self.textarea, text[1:] if text.startswith("\n") else text)
            self.textarea = None


def form_data(html: str | bytes, form_id: str) -> dict[str, str | list[str]]:
    reader = _FormReader(form_id)
    reader.feed(html.decode() if isinstance(html, bytes) else html)
    if not reader.data:
        raise AssertionError(f"No form with id {form_id!r} (or it has no inputs).")
    return {k: v[0] if len(v) == 1 else v for k, v in reader.data.items()}
