"""Reading a report's figures back out of its page, and comparing them with the snapshot."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.utils import translation
from django.utils.translation import gettext

from petitions.states import State
from reports.sections import leaf_paths

# Not figures: what the report is, and the codes that identify villages and categories.
NOT_SHOWN = re.compile(r"^(kind|version)$|\.code$")
INT = re.compile(r"^[+-]?\d+$")
DECIMAL = re.compile(r"^[+-]?\d+\.\d+$")


class FigureCells(HTMLParser):
    """Collects the text of every element carrying ``data-figure`` (path → [texts])."""

    def __init__(self):
        super().__init__()
        self.found: dict[str, list[str]] = {}
        self._open: list[tuple[str, int]] = []  # (path, depth)
        self._depth = 0
        self._text: dict[int, list[str]] = {}

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "input", "meta", "link"):
            return
        self._depth += 1
        path = dict(attrs).get("data-figure")
        if path:
            self._open.append((path, self._depth))
            self._text[self._depth] = []

    def handle_endtag(self, tag):
        if self._open and self._open[-1][1] == self._depth:
            path, depth = self._open.pop()
            self.found.setdefault(path, []).append("".join(self._text.pop(depth)).strip())
        self._depth -= 1

    def handle_data(self, data):
        for _path, depth in self._open:
            self._text[depth].append(data)


def figures_on_page(html: str) -> dict[str, list[str]]:
    parser = FigureCells()
    parser.feed(html)
    return parser.found


def parse(text: str):
    """A shown figure back to the value the snapshot holds."""
    if text == "—":
        return None
    if text.endswith("%"):
        return round(float(text[:-1]) / 100, 4)
    if INT.match(text):
        return int(text)
    if DECIMAL.match(text):
        return float(text)
    return text


def assert_matches(path: str, value, text: str) -> None:
    if isinstance(value, bool):
        with translation.override("zh-hans"):
            assert text == gettext("yes" if value else "no"), path
    elif path.endswith(".state") and path.startswith("overdue."):
        with translation.override("zh-hans"):
            assert text == str(State(value).label), path
    elif isinstance(value, float):
        assert parse(text) == pytest.approx(value, abs=5e-5), (path, value, text)
    else:
        assert parse(text) == value, (path, value, text)


def assert_every_figure_shown(figures: dict, html: str) -> dict[str, list[str]]:
    shown = figures_on_page(html)
    leaves = {path: value for path, value in leaf_paths(figures).items() if not NOT_SHOWN.search(path)}
    missing = sorted(set(leaves) - set(shown))
    assert not missing, f"figures not on the page: {missing}"
    for path, texts in shown.items():
        for text in texts:
            assert_matches(path, leaves[path], text)
    return shown
