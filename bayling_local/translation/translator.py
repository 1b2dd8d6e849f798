"""How one segment becomes translation requests: its source language, its prompt, its pieces, its result.

The requests go through the model's scheduler (`translation.batch.translate_segments`), the one path that
`translate`, `eval`, `bench`, the TUI's translation mode and the plain REPL all use. A segment longer than the
context allows is split at sentence boundaries and its pieces translated together; nothing is cut silently.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..config import GenerationConfig
from ..engine.protocol import EngineLike
from ..engine.requests import TextCallback
from ..language.detect import CLOSE_VARIETIES, MIN_CONFIDENCE, Detection, detect_language, document_language
from ..language.names import Language, language_label
from ..prompts.fewshot import EXAMPLES, translation_prompt
from ..prompts.formats import Message, translation_message
from .checks import DEFAULT_CHECKS, Check, normalized
from .glossary import Glossary, Match
from .markers import has_markers, strip_markers
from .memory import TranslationMemory
from .sentences import fit_chunks, split_sentences

# A translation rarely needs more than about 3x the source's tokens; past 4x the model is looping.
RUNAWAY_FACTOR = 4
RUNAWAY_SLACK = 48


@dataclass
class SegmentResult:
    """One translated segment (one input line), with what it cost."""

    source: str
    translation: str
    source_language: str | None
    target_language: str
    model: str
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    detected: bool = False
    """True when the source language was detected rather than given."""
    detection_confidence: float | None = None
    truncated: bool = False
    """True when a piece hit --max-tokens; the CLI warns about it."""
    pieces: int = 1
    cancelled: bool = False
    """True when the translation was stopped before it finished (the text is what was produced)."""
    check: str | None = None
    """The output check a piece still fails after its retries (`echo`, `low-coverage`, ...; see
    `translation.checks`), None when every piece passed."""
    retries: int = 0
    """Extra attempts the checks asked for, over all pieces."""
    source_inherited: bool = False
    """True when the segment was too short to judge and took the language of the text around it."""
    fallback: str | None = None
    """`markers` when a piece's protected markers did not survive its retries and it was translated between
    them (`translation.markers`)."""
    from_memory: bool = False
    """True when the translation came from the translation memory (no model call)."""
    terms: list[dict[str, object]] = field(default_factory=list)
    """Each glossary or keep term found in the source: `source`, `target`, `found`, and the `step` that got
    it into the translation (`prompt`, `retry`, `marker`)."""

    def as_json(self) -> dict[str, object]:
        return {
            "source": self.source,
            "translation": self.translation,
            "source_language": self.source_language,
            "target_language": self.target_language,
            "model": self.model,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "seconds": round(self.seconds, 4),
            "source_detected": self.detected,
            "truncated": self.truncated,
            "pieces": self.pieces,
            "check": self.check,
            "retries": self.retries,
            "source_inherited": self.source_inherited,
            "fallback": self.fallback,
            "terms": self.terms,
            "from_memory": self.from_memory,
        }


@dataclass
class Translator:
    """Translates segments into one target language with a loaded engine."""

    engine: EngineLike
    target: Language
    source: Language | None = None
    generation: GenerationConfig = field(default_factory=GenerationConfig)
    detect: bool = True
    by_sentence: bool = True
    """With a completion (few-shot) prompt, translate a paragraph sentence by sentence: a base model asked
    for a whole paragraph answers with one short sentence (often an example sentence copied back)."""
    checks: tuple[Check, ...] = DEFAULT_CHECKS
    """What every attempt is verified with (`translation.checks`); a failed one is retried."""
    fallback: Language | None = None
    """The language of the whole text (`language.detect.document_language`), for a segment too short to judge on its
    own ("Hello world.", "Guten Morgen")."""
    earlier: list[tuple[str, str]] = field(default_factory=list, repr=False, compare=False)
    """The last `generation.context` segments of this text and their translations (filled by the
    translation core as segments finish, when context is on)."""
    glossary: Glossary | None = None
    """Terms the translations must use, and names they must keep (`--glossary`, `--keep`)."""
    notes: dict[int, str] = field(default_factory=dict, repr=False, compare=False)
    """What a segment is, by its index in the run (a PO entry's `msgctxt` and comments): told to the model
    with it. By index, not text: the same words in two contexts are two questions."""
    memory: TranslationMemory | None = field(default=None, repr=False, compare=False)
    """Finished segments to take instead of translating again (greedy decoding only)."""
    term_cache: dict[tuple[str, str], list[Match]] = field(default_factory=dict, repr=False, compare=False)
    prefixes: dict[str, list[int]] = field(default_factory=dict, repr=False, compare=False)
    """Shared prompt prefix tokens by source language code (filled by the translation core)."""

    def source_for(self, text: str) -> tuple[Language | None, bool, float | None]:
        """The source language to name: the given one, else a confident detection, else None. A short line
        that the text's own language could have written ("Ja, Anna." in a German text) is left unnamed here,
        so it takes that language (`begin`): a word or two say less than the text around them."""
        if self.source is not None:
            return self.source, False, None
        if not self.detect:
            return None, False, None
        plain = strip_markers(text)  # a document's markers say nothing of its language
        detection = detect_language(plain, top=CONTEXT_CANDIDATES)
        if self.fallback is not None and _short(plain) and _plausible(self.fallback, detection):
            return None, True, detection.confidence
        if detection.language is not None and detection.confidence >= MIN_CONFIDENCE:
            return detection.language, True, detection.confidence
        return None, True, detection.confidence

    def prompt(
        self,
        text: str,
        source: Language | None,
        strict: bool = False,
        terms: Sequence[tuple[str, str]] | None = None,
        index: int | None = None,
    ) -> str:
        """The full prompt text (without BOS) that asks for the translation of `text` (`strict`: the
        spelled-out request a retry after a failed check uses). `terms`: (source, target) glossary terms the
        translation must use; None: those the glossary finds in `text`."""
        if terms is None:
            terms = [(match.source, match.target) for match in self.term_matches(text, source)]
        fmt = self.engine.format
        earlier = self.earlier[-self.generation.context :] if self.generation.context else []
        note = self.notes.get(index) if index is not None else None
        if not fmt.is_chat:
            return translation_prompt(
                text,
                self.target.code,
                language_label(self.target),
                source.code if source else None,
                language_label(source) if source else None,
                strict,
                earlier,
                terms,
                note,
            )
        target = language_label(self.target)
        messages = [
            message
            for before, after in earlier
            for message in (Message("user", translation_message(before, target)), Message("assistant", after))
        ]
        request = translation_message(text, target, strict, has_markers(text), [after for _, after in terms])
        if note:
            request = f"Context (do not translate it): {note}\n{request}"
        messages.append(Message("user", request))
        if fmt.default_system is not None:
            messages.insert(0, Message("system", fmt.default_system))
        return fmt.render(messages, True)

    def term_matches(self, text: str, source: Language | None) -> list[Match]:
        """The glossary and keep terms found in `text` (none without a glossary)."""
        if not self.glossary:
            return []
        key = (text, source.code if source else "")
        if key not in self.term_cache:
            self.term_cache[key] = self.glossary.matches(text, source, self.target)
        return self.term_cache[key]

    def remember(self, result: SegmentResult) -> None:
        """Keep a finished segment as context for the next ones (one that failed its checks would teach the
        model its mistake, so it is left out)."""
        if (
            self.generation.context
            and result.source.strip()
            and result.check is None
            and not result.cancelled
        ):
            self.earlier.append((result.source.strip(), result.translation))
            del self.earlier[: -self.generation.context]

    def _stop_strings(self) -> tuple[str, ...]:
        # Completion prompts put one translation on one line: the newline ends it.
        return ("\n",) if not self.engine.format.is_chat else ()

    def begin(self, text: str) -> tuple[SegmentResult, Language | None]:
        """An empty result for `text` with its source language decided, and that language."""
        source, detected, confidence = self.source_for(text)
        inherited = source is None and detected and self.fallback is not None and bool(text.strip())
        if inherited:
            source = self.fallback
        result = SegmentResult(
            source=text,
            translation="",
            source_language=source.code if source else None,
            target_language=self.target.code,
            model=self.engine.name,
            detected=detected,
            detection_confidence=confidence,
            source_inherited=inherited,
        )
        return result, source

    def chunks(self, text: str, source: Language | None) -> list[str]:
        """The pieces `text` is translated in: its sentences with a completion prompt, else as few pieces as
        fit the context (prompt plus answer); `"".join(pieces) == text`."""
        overhead = self.engine.count_tokens(self.prompt("", source)) + 8
        room = self.engine.n_ctx - overhead
        # The answer needs room too: about as long as the input, up to 3x for some scripts.
        budget = max(16, room // 4)
        if self.by_sentence and not self.engine.format.is_chat:
            pieces = [
                chunk
                for part in split_sentences(text)
                for chunk in fit_chunks(part, self.engine.count_tokens, budget)
            ]
            return pieces or [text]
        return fit_chunks(text, self.engine.count_tokens, budget)

    def chunk_request(
        self,
        chunk: str,
        source: Language | None,
        strict: bool = False,
        terms: Sequence[tuple[str, str]] | None = None,
        index: int | None = None,
    ) -> tuple[str, int, tuple[str, ...]]:
        """Prompt, token limit and stop strings for one piece (of segment `index`); the batch engine uses
        the same three."""
        source_tokens = self.engine.count_tokens(chunk)
        limit = min(self.generation.max_tokens, RUNAWAY_FACTOR * source_tokens + RUNAWAY_SLACK)
        return self.prompt(chunk.strip(), source, strict, terms, index), limit, self._stop_strings()

    def example_sentences(self) -> frozenset[str]:
        """The few-shot prompt's example sentences, normalized; none for a chat prompt."""
        if self.engine.format.is_chat:
            return frozenset()
        return frozenset(normalized(text) for pair in EXAMPLES.values() for text in pair)


# A line of fewer letters than this takes the text's language whenever that language could have written it.
SHORT_LINE_LETTERS = 20
CONTEXT_CANDIDATES = 12
"""Languages the detector ranks for a short line; the text's is plausible among them from CONTEXT_MIN."""
CONTEXT_MIN = 0.01


def _short(text: str) -> bool:
    return sum(char.isalpha() for char in text) < SHORT_LINE_LETTERS


def _plausible(language: Language, detection: Detection) -> bool:
    """The detector gives `language`, or a close variety of it, some probability for this line."""
    group = next((g for g in CLOSE_VARIETIES if language.code in g), frozenset({language.code}))
    return any(code in group and p >= CONTEXT_MIN for code, p in detection.candidates)


def make_translator(
    engine: EngineLike,
    target: Language,
    source: Language | None,
    generation: GenerationConfig,
    *,
    lines: Sequence[str] = (),
    glossary: Glossary | None = None,
    notes: Mapping[int, str] | None = None,
    memory: TranslationMemory | None = None,
    checks: tuple[Check, ...] = DEFAULT_CHECKS,
) -> Translator:
    """The one way every front-end and run sets up a translation of `lines` (the whole text, in order):
    with no source language given, the language of the whole text is worked out once (markers left out), so
    a line too short to judge on its own ("Danke!") takes it; `notes` by line index, the glossary, the
    memory (greedy runs only read and write it) and the checks each attempt must pass."""
    fallback = None
    if source is None and sum(1 for line in lines if line.strip()) > 1:  # one line is its own language
        fallback = document_language([strip_markers(line) for line in lines])
    return Translator(
        engine,
        target,
        source,
        generation,
        checks=checks,
        fallback=fallback,
        glossary=glossary,
        notes=dict(notes or {}),
        memory=memory,
    )


def spacing_after(piece: str, last: bool) -> str:
    """The white space that follows a piece of a segment in the source, kept between translated pieces
    (none after the last: the segment's own ending is the line's)."""
    return "" if last else piece[len(piece.rstrip()) :]


def one_line(text: str) -> str:
    """A translation of one line must stay one line: fold any newline the model produced."""
    return " ".join(part.strip() for part in text.strip().splitlines() if part.strip())


class OneLineStream:
    """Streams one segment's translation: no leading blanks, no line breaks (one line in, one line out)."""

    def __init__(self, emit: TextCallback) -> None:
        self.emit = emit
        self.started = False

    def __call__(self, piece: str) -> None:
        piece = piece.replace("\n", " ")
        if not self.started:
            piece = piece.lstrip()
            self.started = bool(piece)
        if piece:
            self.emit(piece)
