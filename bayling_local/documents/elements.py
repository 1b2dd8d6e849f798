"""Elements back from a marked translation (HTML, XLIFF): each marker pair a copy of its element around the
new text, each single marker the element it kept (or its text)."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from ..translation.markers import MarkerTable, unmarked_runs


def build_elements(translation: str, table: MarkerTable, make: Callable[..., Any]) -> Any:
    """A container element (made by `make`, e.g. `lxml.html.Element`) holding the translation's text and
    elements: a pair's element is copied with its attributes, without its old content."""
    container = make("div")
    stack = [container]
    for index, part in enumerate(unmarked_runs(translation)):
        if index % 2 == 0:
            append_text(stack[-1], part)
            continue
        kept = table.kept[int(part.strip("</>m"))]
        if part.startswith("</"):
            stack.pop()
        elif isinstance(kept, str):
            append_text(stack[-1], kept)
        elif part.endswith("/>"):
            element = copy.deepcopy(kept)
            element.tail = None
            stack[-1].append(element)
        else:
            element = make(kept.tag, dict(kept.attrib))
            stack[-1].append(element)
            stack.append(element)
    return container


def append_text(element: Any, text: str) -> None:
    if not text:
        return
    if len(element):
        last = element[-1]
        last.tail = (last.tail or "") + text
    else:
        element.text = (element.text or "") + text
