"""ICU MessageFormat strings with `plural`, `selectordinal` and `select` blocks, parsed with
`pyicumessageformat` (never with regexes): the texts are translated, the structure is kept.

Each piece of text is one slot: its simple arguments (`{name}`, `{n, number}`), `#` inside plural options
and any nested block are placeholders it must keep. A `plural` block gets the target language's CLDR
categories (Polish: one, few, many, other), each option translated for an example number of its category
from the source's option of that name, else its `other`; explicit `=N` options stay. `select` keys and
`selectordinal` categories stay as they are (they name app values, not the language's grammar).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..language.names import Language
from .placeholders import WITH_HASH
from .plurals import cldr_categories, source_option

if TYPE_CHECKING:
    from .slots import Slot, StringTable

_BLOCK = re.compile(r"\{\s*[\w.-]+\s*,\s*(?:plural|selectordinal|select)\s*,", re.IGNORECASE)
_LITERALS = str.maketrans({"{": "\ue000", "}": "\ue001", "#": "\ue002"})
"""Braces and `#` the message quotes ('{'): kept apart from placeholders while translated, quoted again."""
_QUOTED = {"\ue000": "'{'", "\ue001": "'}'", "\ue002": "'#'"}
_PLAIN = {"\ue000": "{", "\ue001": "}", "\ue002": "#"}
_NESTED = "{__block%d}"
"""What a nested block is in its parent's text while that is translated (a placeholder like any other)."""


def is_icu(text: str) -> bool:
    return bool(_BLOCK.search(text))


def parse(text: str) -> list[Any] | None:
    from pyicumessageformat import Parser

    try:
        return list(Parser({"allow_tags": False}).parse(text))
    except Exception:  # noqa: BLE001 - not a valid message: translated as a plain string
        return None


@dataclass
class _Piece:
    """A run of content (a whole message, or one option of a block) translated as one slot."""

    slot: Slot
    blocks: list[_Block] = field(default_factory=list)
    numbered: bool = False
    """An option of a plural or selectordinal block, where `#` is the number (and a literal one is quoted)."""


@dataclass
class _Block:
    node: dict[str, Any]
    options: list[tuple[str, _Piece]] = field(default_factory=list)


@dataclass
class IcuMessage:
    source: str
    top: _Piece

    def text(self, document: StringTable, translations: Sequence[str]) -> str | None:
        return _render_piece(self.top, document, translations)


def icu_message(document: StringTable, source: str, location: str, target: Language) -> IcuMessage | None:
    """Queue an ICU message's texts; None when it does not parse (then it is a plain string)."""
    tree = parse(source)
    if tree is None:
        return None
    return IcuMessage(source, _piece(document, tree, location, target, None, False))


def _piece(
    document: StringTable,
    content: list[Any],
    location: str,
    target: Language,
    example: int | float | None,
    in_plural: bool,
    argument: str | None = None,
) -> _Piece:
    blocks: list[_Block] = []
    parts: list[str] = []
    for node in content:
        if isinstance(node, str):
            parts.append(node.translate(_LITERALS))
        elif node.get("hash"):
            parts.append("#")
        elif "options" in node:
            parts.append(_NESTED % len(blocks))
            blocks.append(_block(document, node, f"{location} {{{node['name']}}}", target))
        else:
            parts.append(_simple(node))
    text = "".join(parts)
    # The option's number: `#`, or the block's own argument written out (`{count} files`).
    count = None if example is None else "#" if "#" in text else f"{{{argument}}}" if argument else None
    slot = document.add_string(text, location, example, count=count, hash_count=in_plural)
    return _Piece(slot, blocks, numbered=in_plural)


def _block(document: StringTable, node: dict[str, Any], location: str, target: Language) -> _Block:
    block = _Block(node)
    options: dict[str, list[Any]] = node["options"]
    plural = node.get("type") == "plural"
    if not plural:
        numbered = node.get("type") == "selectordinal"
        for key, content in options.items():
            block.options.append(
                (key, _piece(document, content, f"{location} {key}", target, None, numbered))
            )
        return block
    for key, content in options.items():
        if key.startswith("="):  # an exact number: kept, translated as it is
            block.options.append((key, _piece(document, content, f"{location} {key}", target, None, True)))
    for category, number in cldr_categories(target):
        content = (
            source_option(category, options, target) if "other" in options else options.get(category, [])
        )
        block.options.append(
            (
                category,
                _piece(document, content, f"{location} {category}", target, number, True, node["name"]),
            )
        )
    return block


def _render_piece(piece: _Piece, document: StringTable, translations: Sequence[str]) -> str | None:
    text = document.translated(piece.slot, translations)
    if text is None:
        return None
    rendered = []
    for block in piece.blocks:
        shown = _render_block(block, document, translations)
        if shown is None:
            return None
        rendered.append(shown)
    # Text between the placeholders is ICU-escaped; the placeholders are ICU already.
    out, last = [], 0
    for found in WITH_HASH.finditer(text):
        token = found.group(0)
        out.append(_escape(text[last : found.start()], token[0], piece.numbered, document.icu_quoting))
        nested = re.fullmatch(r"\{__block(\d+)\}", token)
        out.append(rendered[int(nested.group(1))] if nested else token)
        last = found.end()
    out.append(_escape(text[last:], "", piece.numbered, document.icu_quoting))
    return "".join(out)


def _render_block(block: _Block, document: StringTable, translations: Sequence[str]) -> str | None:
    node = block.node
    head = f"{node['name']}, {node['type']},"
    if node.get("offset"):
        head += f" offset:{node['offset']}"
    options = []
    for key, piece in block.options:
        text = _render_piece(piece, document, translations)
        if text is None:
            return None
        options.append(f"{key} {{{text}}}")
    return "{" + head + " " + " ".join(options) + "}"


def _simple(node: dict[str, Any]) -> str:
    parts = [node["name"]]
    if node.get("type"):
        parts.append(node["type"])
    if node.get("format"):
        parts.append(str(node["format"]))
    return "{" + ", ".join(parts) + "}"


def _escape(text: str, following: str, numbered: bool, quoting: bool) -> str:
    """Text in ICU syntax: literal braces quoted (`'{'`), a literal `#` quoted where it would be the number
    (a plural option), an apostrophe doubled where ICU would read it as the start of a quotation (before a
    brace, `#`, `|` or another apostrophe, the next placeholder's first character counting). Without
    `quoting` (Flutter's ARB, whose gen-l10n takes apostrophes literally by default) apostrophes stay as
    they are."""
    out = []
    for index, char in enumerate(text):
        if char in _QUOTED:
            out.append(_QUOTED[char] if quoting and (char != "\ue002" or numbered) else _PLAIN[char])
        elif char in "{}":
            out.append(f"'{char}'" if quoting else char)
        elif char == "'" and quoting:
            after = text[index + 1] if index + 1 < len(text) else following
            out.append("''" if after and (after in "{}#|'" or after in _QUOTED) else "'")
        else:
            out.append(char)
    return "".join(out)


def names_in(tree: list[Any]) -> set[str]:
    """The argument names a message uses, at every level (for the final check)."""
    found: set[str] = set()
    for node in tree:
        if isinstance(node, dict):
            found.add(node["name"])
            for content in node.get("options", {}).values():
                found |= names_in(content)
    return found


def still_valid(source: str, output: str) -> bool:
    """The final check for a message as written: it parses, and uses exactly the source's arguments."""
    before, after = parse(source), parse(output)
    return before is not None and after is not None and names_in(before) == names_in(after)
