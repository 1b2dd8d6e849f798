"""Resource files of key-value strings: i18next/JSON, Flutter ARB, Rails/Symfony YAML.

Keys, their order and the file's layout stay; only string values are translated. i18next plural keys
(`key_one`, `key_other`, ...) and Rails plural maps (`one:`, `other:`) are rewritten to the target language's
CLDR categories (Polish: one, few, many, other), each filled, where the source's were. ARB: `@key` metadata
untouched, `@@locale` set, every message read as ICU MessageFormat. YAML (ruamel.yaml, round trip: comments,
quoting and order kept): the top-level locale key (`en:`) renamed to the target's.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..language.names import Language, bcp47
from ..textio import decode_utf8
from .icu import is_icu, still_valid
from .model import fail
from .plurals import CATEGORY_ORDER, cldr_categories, source_option
from .slots import Message, PlainMessage
from .strings import StringsDocument, Tally

_PLURAL_SUFFIX = re.compile(
    r"^(?P<base>.+?)_(?:(?P<ordinal>ordinal)_)?(?P<category>zero|one|two|few|many|other)$"
)
_LETTERS = re.compile(r"[^\W\d_]")
_COUNTS = re.compile(r"\{\{-?\s*count\s*\}\}|%\{count\}")


@dataclass
class _Value:
    """A string value: where it is (the mapping or list and the key) and its message."""

    container: Any
    key: Any
    message: Message
    path: tuple[str, ...] = ()
    source: str = ""


@dataclass
class _PluralGroup:
    """i18next `base_one`/`base_other` siblings (or a Rails `one:`/`other:` map), rewritten for the target."""

    container: Any
    keys: list[str]
    """The source's keys, in order; the target's replace them where the first one was."""
    path: tuple[str, ...]
    """Where the container is in the tree."""
    new_keys: list[str]
    messages: list[Message]


Changes = list[tuple[_Value, str]]
"""Each translated value with its new text."""
Plurals = list[tuple[_PluralGroup, dict[str, str]]]
"""Each plural group with its new keys and texts."""


class ResourceDocument(StringsDocument):
    """A tree of mappings, lists and strings from JSON or YAML."""

    def __init__(self, path: Path | None, tree: Any, kind: str) -> None:
        super().__init__(path)
        self.format = kind
        self.tree = tree
        self.values: list[_Value] = []
        self.groups: list[_PluralGroup] = []
        self.tally = Tally()

    def plan(self, target: Language) -> None:
        self.values, self.groups, self.tally = [], [], Tally()
        self._walk(self.tree, [], target, set())

    def _walk(self, node: Any, path: list[str], target: Language, seen: set[int]) -> None:
        if isinstance(node, (dict, list)):
            if id(node) in seen:
                raise fail(self.path, _where(node), "an anchor refers to itself (an alias loop)")
            seen = seen | {id(node)}
        if isinstance(node, dict):
            self._mapping(node, path, target, seen)
        elif isinstance(node, list):
            for index, item in enumerate(node):
                self._entry(node, index, item, [*path, str(index)], target, seen)

    def _mapping(self, node: dict[Any, Any], path: list[str], target: Language, seen: set[int]) -> None:
        handled: set[Any] = set()
        for keys, base in self._plural_groups(node):
            handled.update(keys)
            self._plural(node, keys, base, [*path, base], target)
        for key in list(_own_keys(node)):
            if key in handled or self._metadata(key):
                continue
            self._entry(node, key, node[key], [*path, str(key)], target, seen)

    def _entry(
        self, container: Any, key: Any, value: Any, path: list[str], target: Language, seen: set[int]
    ) -> None:
        if isinstance(value, str):
            if not _LETTERS.search(value):
                self.tally.skipped += 1
                return
            if self.format == "arb" and "{" in value:
                self._check_icu(value, path)
            message = self.add_message(value, "key " + ".".join(path), target)
            self.values.append(_Value(container, key, message, tuple(path), value))
        else:
            self._walk(value, path, target, seen)

    def _check_icu(self, value: str, path: list[str]) -> None:
        """Every ARB message is ICU MessageFormat: one that does not parse is a broken file (exit 2)."""
        from pyicumessageformat import Parser

        try:
            Parser({"allow_tags": False}).parse(value)
        except Exception as exc:  # noqa: BLE001 - the parser's own error, reported with the place
            text = getattr(self, "text", "")
            line = text.count("\n", 0, _span(value)[0]) + 1 if isinstance(value, _Spanned) else None
            place = f"line {line}" if line else f"key {'.'.join(path)}"
            raise fail(self.path, place, f"key {'.'.join(path)} is not a valid ICU message ({exc})") from None

    def _metadata(self, key: Any) -> bool:
        return self.format == "arb" and isinstance(key, str) and key.startswith("@")

    def _plural_groups(self, node: dict[Any, Any]) -> list[tuple[list[str], str]]:
        """i18next plural siblings (`count_one`, `count_other`) sharing a base with an `_other`; in YAML, a
        map whose keys are all plural categories (Rails)."""
        keys = [key for key in _own_keys(node) if isinstance(key, str)]
        if self.format == "yaml":
            if (
                keys
                and set(keys) <= set(CATEGORY_ORDER)
                and "other" in keys
                and all(isinstance(node[k], str) for k in keys)
            ):
                return [(keys, "")]
            return []
        groups: dict[str, list[str]] = {}
        for key in keys:
            found = _PLURAL_SUFFIX.match(key)
            if found and not found.group("ordinal") and isinstance(node[key], str):
                groups.setdefault(found.group("base"), []).append(key)
        # `reason_other` alone is a key that happens to end so; a plural has two forms or counts something.
        return [
            (members, base)
            for base, members in groups.items()
            if f"{base}_other" in members and (len(members) > 1 or _COUNTS.search(node[f"{base}_other"]))
        ]

    def _plural(
        self, node: dict[Any, Any], keys: list[str], base: str, path: list[str], target: Language
    ) -> None:
        by_category = {(key.rsplit("_", 1)[-1] if base else key): node[key] for key in keys}
        new_keys: list[str] = []
        messages: list[Message] = []
        categories = list(cldr_categories(target))
        if "zero" in by_category and all(c != "zero" for c, _n in categories):
            categories.insert(0, ("zero", 0))  # Rails and i18next use `zero` for a count of 0 in any language
        for category, number in categories:
            source = (
                by_category["zero"]
                if category == "zero" and "zero" in by_category
                else source_option(category, by_category, target)
            )
            new_keys.append(f"{base}_{category}" if base else category)
            where = "key " + ".".join(p for p in path if p) + (f"_{category}" if base else f".{category}")
            messages.append(PlainMessage(self.add_string(source, where, number)))
        self.groups.append(_PluralGroup(node, keys, tuple(path[:-1]), new_keys, messages))

    def render(self, translations: Sequence[str], target: Language) -> bytes:
        self.failures.clear()
        changes: Changes = []
        for value in self.values:
            text = value.message.text(self, translations)
            if text is None:
                self.fail("key " + ".".join(value.path))
                continue  # the source text stays
            changes.append((value, text))
            self.tally.translated += 1
        plurals: Plurals = []
        for group in self.groups:
            texts = [message.text(self, translations) for message in group.messages]
            if any(text is None for text in texts):
                self.fail("key " + ".".join([*group.path, group.keys[0]]))
                continue
            plurals.append(
                (group, {k: t for k, t in zip(group.new_keys, texts, strict=True) if t is not None})
            )
            self.tally.translated += len(texts)
        data = self._write(changes, plurals, target)
        broken = self._verify(data, changes, target)
        if broken:  # never expected: the strings whose placeholders did not survive writing stay as they were
            self.failures.extend(
                f"key {'.'.join(v.path)}: placeholders changed in the file as written" for v in broken
            )
            self.tally.failed.extend(f"key {'.'.join(v.path)}" for v in broken)
            self.tally.translated -= len(broken)
            data = self._without(broken, changes, plurals, target)
        return data

    def _verify(self, data: bytes, changes: Changes, target: Language) -> list[_Value]:
        """The final check, on the file as written: each translated value read back from it, and its
        placeholders (for ICU messages: its arguments) compared with the source's."""
        from .placeholders import missing

        written = self._reread(data)
        broken = []
        for value, _text in changes:
            found = _lookup(written, value.path, bcp47(target) if self.format == "yaml" else None)
            ok = isinstance(found, str) and (
                still_valid(value.source, found) if is_icu(value.source) else not missing(value.source, found)
            )
            if not ok:
                broken.append(value)
        return broken

    def _reread(self, data: bytes) -> Any:
        raise NotImplementedError

    def _without(self, broken: list[_Value], changes: Changes, plurals: Plurals, target: Language) -> bytes:
        """The file written again with the `broken` values as they were in the source."""
        return self._write([(v, t) for v, t in changes if v not in broken], plurals, target)

    def _write(
        self,
        changes: Changes,
        plurals: Plurals,
        target: Language,
    ) -> bytes:
        raise NotImplementedError

    def summary(self) -> str:
        return self.tally.line()


class JsonDocument(ResourceDocument):
    """JSON written back by replacing each changed string where it stands in the source text: indentation,
    spacing, escapes and everything else stay byte for byte."""

    def __init__(self, path: Path | None, text: str, kind: str) -> None:
        super().__init__(path, _load_json(path, text), kind)
        self.text = text
        self.icu_quoting = kind != "arb"

    def _write(
        self,
        changes: Changes,
        plurals: Plurals,
        target: Language,
    ) -> bytes:
        if any(len(group.keys) < 2 or not _adjacent(group.container, group.keys) for group, _new in plurals):
            return self._redump(changes, plurals, target)
        edits = [(*_span(value.container[value.key]), _json(text)) for value, text in changes]
        for group, new in plurals:
            edits.append(self._plural_edit(group, new))
        if self.format == "arb" and isinstance(self.tree, dict):
            edits.append(self._locale_edit(bcp47(target).replace("-", "_")))
        if any(start < 0 for start, _end, _text in edits):  # a key written with escapes: not found as such
            return self._redump(changes, plurals, target)
        text = self.text
        for start, end, replacement in sorted(edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text.encode("utf-8")

    def _reread(self, data: bytes) -> Any:
        return _load_json(self.path, data.decode("utf-8"))

    def _redump(
        self,
        changes: Changes,
        plurals: Plurals,
        target: Language,
    ) -> bytes:
        """Plural keys scattered among others: the tree written anew (valid, indented as the source was),
        the target's plural keys where the first source one was."""
        import copy

        tree = copy.deepcopy(self.tree)
        for value, text in changes:
            _at(tree, value.path[:-1])[value.key] = text
        for group, new in plurals:
            _replace_keys(_at(tree, group.path), group.keys, dict(new))
        if self.format == "arb" and isinstance(tree, dict):
            tree["@@locale"] = bcp47(target).replace("-", "_")
        indent = re.search(r"\n([ \t]+)\S", self.text)
        text = json.dumps(tree, ensure_ascii=False, indent=len(indent.group(1)) if indent else None)
        return (text + ("\n" if self.text.endswith("\n") else "")).encode("utf-8")

    def _plural_edit(self, group: _PluralGroup, new: dict[str, str]) -> tuple[int, int, str]:
        """The source's plural keys (adjacent, as i18next writes them) replaced by the target's."""
        starts = [self._key_start(key, group.container[key]) for key in group.keys]
        ends = [_span(group.container[key])[1] for key in group.keys]
        gap = (
            self.text[ends[0] : starts[1]]
            if len(starts) > 1
            else ",\n" + _indent_before(self.text, starts[0])
        )
        pairs = gap.join(f"{_json(key)}: {_json(text)}" for key, text in new.items())
        return min(starts), max(ends), pairs

    def _key_start(self, key: str, value: Any) -> int:
        return self.text.rfind(_json(key), 0, _span(value)[0])

    def _locale_edit(self, locale: str) -> tuple[int, int, str]:
        assert isinstance(self.tree, dict)
        if "@@locale" in self.tree and isinstance(self.tree["@@locale"], _Spanned):
            return (*_span(self.tree["@@locale"]), _json(locale))
        opening = self.text.index("{") + 1
        space = re.match(r"\s*", self.text[opening:])
        gap = space.group(0) if space else ""
        comma = "," if self.tree else ""  # an empty object gets its only key
        return (
            opening + len(gap),
            opening + len(gap),
            f'"@@locale": {_json(locale)}{comma}{gap if comma else ""}',
        )


class YamlDocument(ResourceDocument):
    def __init__(self, path: Path | None, text: str) -> None:
        self.yaml = _yaml()
        super().__init__(path, _load_yaml(path, text, self.yaml), "yaml")
        self.source_text = text

    def _reread(self, data: bytes) -> Any:
        return _load_yaml(self.path, data.decode("utf-8"), _yaml())

    def _without(self, broken: list[_Value], changes: Changes, plurals: Plurals, target: Language) -> bytes:
        # `_write` changed the tree in place (plural keys renamed, the root renamed): writing it again from
        # the start would find neither; only the broken values go back to their source text.
        for value in broken:
            value.container[value.key] = _same_style(value.container[value.key], value.source)
        return self._dump()

    def _write(
        self,
        changes: Changes,
        plurals: Plurals,
        target: Language,
    ) -> bytes:
        for value, text in changes:
            value.container[value.key] = _same_style(value.container[value.key], text)
        for group, new in plurals:
            last = group.container[group.keys[-1]]
            styled = {key: _same_style(group.container.get(key, last), text) for key, text in new.items()}
            _replace_keys(group.container, group.keys, styled)
        tree = self.tree
        if tree is None:  # empty, or only comments: nothing to translate, nothing to change
            return self.source_text.encode("utf-8")
        if isinstance(tree, dict) and len(tree) == 1:
            (locale,) = tree.keys()
            if _locale_key(locale):
                _replace_keys(tree, [locale], {bcp47(target): tree[locale]})
        return self._dump()

    def _dump(self) -> bytes:
        buffer = io.StringIO()
        self.yaml.dump(self.tree, buffer)
        return buffer.getvalue().encode("utf-8")


def _lookup(tree: Any, path: tuple[str, ...], locale: str | None) -> Any:
    """The value at `path` (the top-level locale key renamed in YAML)."""
    node = tree
    for depth, part in enumerate(path):
        if (
            depth == 0
            and locale is not None
            and isinstance(node, dict)
            and len(node) == 1
            and part not in node
        ):
            part = locale
        if isinstance(node, list):
            node = node[int(part)] if part.isdigit() and int(part) < len(node) else None
        elif isinstance(node, dict):
            node = node.get(part)
        else:
            return None
    return node


class _Spanned(str):
    """A JSON string value that knows where it stands in the source text."""

    span: tuple[int, int]


def _span(value: Any) -> tuple[int, int]:
    assert isinstance(value, _Spanned)
    return value.span


def _json(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _indent_before(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    return text[line_start:position]


def _locale_key(key: Any) -> bool:
    """A top-level YAML key that names the file's locale (`en:`, `pt-BR:`, `zh_TW:`), not an app's root
    (`app:`, `messages:`)."""
    from ..language.names import find_language

    return (
        isinstance(key, str)
        and re.fullmatch(r"[a-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*", key) is not None
        and find_language(key.replace("_", "-")) is not None
    )


def _adjacent(container: dict[Any, Any], keys: list[str]) -> bool:
    order = list(container)
    places = [order.index(key) for key in keys]
    return places == list(range(places[0], places[0] + len(places)))


def _at(tree: Any, path: tuple[str, ...]) -> Any:
    """The container at `path` (the parent of a value whose path is `path` + its key)."""
    node = tree
    for part in path:
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def _own_keys(node: dict[Any, Any]) -> list[Any]:
    """A mapping's own keys: in YAML, not those merged in from an anchor (`<<: *defaults`)."""
    own = getattr(node, "non_merged_items", None)
    return [key for key, _value in own()] if own is not None else list(node)


def _replace_keys(container: Any, old: list[str], new: dict[str, Any]) -> None:
    """Put `new` where the first of `old` was, keeping every other key where it is."""
    keys = list(container.keys())
    position = keys.index(old[0])
    items = [(k, container[k]) for k in keys]
    kept_before = [(k, v) for k, v in items[:position] if k not in old]
    kept_after = [(k, v) for k, v in items[position:] if k not in old]
    if hasattr(container, "insert"):  # ruamel's CommentedMap: keep its comments by moving keys in place
        for key in old:
            del container[key]
        for offset, (key, value) in enumerate(new.items()):
            container.insert(len(kept_before) + offset, key, value)
        return
    container.clear()
    container.update([*kept_before, *new.items(), *kept_after])


def _same_style(old: Any, text: str) -> Any:
    """YAML keeps a value's quoting (ruamel's string types); plain strings stay plain."""
    kind = type(old)
    return text if kind is str else kind(text)


class _Duplicate(Exception):
    def __init__(self, key: str) -> None:
        self.key = key


def _load_json(path: Path | None, text: str) -> Any:
    import json.decoder
    import json.scanner

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        found: dict[str, Any] = {}
        for key, value in items:
            if key in found:
                raise _Duplicate(key)
            found[key] = value
        return found

    def spanned(string: str, end: int, strict: bool = True) -> tuple[str, int]:
        value, after = json.decoder.scanstring(string, end, strict)  # type: ignore[attr-defined]
        marked = _Spanned(value)
        marked.span = (end - 1, after)
        return marked, after

    # The pure-Python scanner calls `parse_string` for every string value (keys are read apart), so each
    # value can carry its place in the text; the C scanner would not.
    decoder = json.JSONDecoder(object_pairs_hook=pairs)
    decoder.parse_string = spanned  # type: ignore[attr-defined]
    decoder.scan_once = json.scanner.py_make_scanner(decoder)  # type: ignore[attr-defined]
    try:
        return decoder.decode(text)
    except _Duplicate as duplicate:
        line = _second_key_line(text, duplicate.key)
        raise fail(path, f"line {line}", f"duplicate key {duplicate.key!r}") from None
    except json.JSONDecodeError as exc:
        raise fail(path, f"line {exc.lineno}, column {exc.colno}", f"not valid JSON: {exc.msg}") from None


def _second_key_line(text: str, key: str) -> int:
    """Where a key appears as a key the second time (the first duplicate a reader meets)."""
    hits = [m.start() for m in re.finditer(re.escape(json.dumps(key, ensure_ascii=False)) + r"\s*:", text)]
    position = hits[1] if len(hits) > 1 else (hits[0] if hits else 0)
    return text.count("\n", 0, position) + 1


def _yaml() -> Any:
    from ruamel.yaml import YAML

    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.width = 4096  # never re-wrap a long string
    yaml.allow_unicode = True
    return yaml


def _load_yaml(path: Path | None, text: str, yaml: Any) -> Any:
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    try:
        _check_aliases(path, yaml.compose(text))
        return yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        place = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        raise fail(path, place, f"not valid YAML: {exc.problem or exc.context}") from None
    except YAMLError as exc:
        raise fail(path, "", f"not valid YAML: {exc}") from None


MAX_EXPANDED_NODES = 1_000_000
"""Aliases may repeat a subtree; past this many nodes with them expanded, the file is refused (an "alias
bomb" grows exponentially)."""


def _check_aliases(path: Path | None, root: Any) -> None:
    """Refuse an anchor that contains an alias of itself, and alias bombs (ruamel would give `None` for the
    first and take all memory for the second)."""
    seen = 0

    def walk(node: Any, ancestors: frozenset[int]) -> None:
        nonlocal seen
        seen += 1
        if seen > MAX_EXPANDED_NODES:
            raise fail(
                path, "", f"its aliases expand to more than {MAX_EXPANDED_NODES} nodes (an alias bomb?)"
            )
        if id(node) in ancestors:
            line = node.start_mark.line + 1
            raise fail(path, f"line {line}", "an anchor contains an alias of itself (an alias loop)")
        children = node.value if isinstance(node.value, list) else []
        inside = ancestors | {id(node)}
        for child in children:
            for part in child if isinstance(child, tuple) else (child,):
                walk(part, inside)

    if root is not None:
        walk(root, frozenset())


def _where(node: Any) -> str:
    line = getattr(getattr(node, "lc", None), "line", None)
    return f"line {line + 1}" if isinstance(line, int) else ""


def read_resource(data: bytes, path: Path | None, name: str) -> ResourceDocument:
    text = decode_utf8(data, str(path) if path else "the input")
    if name == "yaml":
        return YamlDocument(path, text)
    return JsonDocument(path, text, name)
