"""What a `translate` run is asked, as one typed object the front-end builds, and the model and memory it
opens from it: the same for lines of text and for documents and folders."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..config import GenerationConfig, RemoteConfig, RuntimeConfig
from ..language.names import Language

if TYPE_CHECKING:
    from ..engine.protocol import EngineLike
    from ..translation.glossary import Glossary
    from ..translation.memory import TranslationMemory
    from ..translation.translator import SegmentResult


@dataclass
class TranslationSettings:
    """Everything that decides how a run translates, already resolved (flag, then config file, then
    default)."""

    target: Language
    source: Language | None
    """None: detected per segment (a segment too short to tell takes the text's language)."""
    runtime: RuntimeConfig = field(default_factory=RuntimeConfig)
    """Which model, and how it is loaded."""
    generation: GenerationConfig = field(default_factory=GenerationConfig)
    """How tokens are sampled, and how many retries a failing piece gets."""
    remote: RemoteConfig = field(default_factory=RemoteConfig)
    """With `server` set, generation happens there; prompts, checks and retries stay here."""
    api_key: str | None = None
    """The server's key, if it wants one."""
    parallel: int | None = None
    """Segments decoded at once (None: chosen from the model size and hardware)."""
    glossary: Glossary | None = None
    """Terms the translations must use and names they must keep."""
    memory: bool = True
    """Take finished segments from the translation memory and add new ones (greedy decoding only)."""

    @property
    def copies(self) -> bool:
        """The source and the target are the same language: the text is copied through, no model loads."""
        return self.source is not None and self.source == self.target


def open_translation_engine(settings: TranslationSettings, segments: int) -> EngineLike:
    """The model the run translates `segments` segments with: the server's (`remote.server`) or a local one,
    whose KV cache holds one sequence when there is only one segment."""
    from ..store.opening import open_engine, open_remote

    if settings.remote.server:
        return open_remote(settings.remote, settings.runtime, settings.api_key, settings.parallel)
    return open_engine(settings.runtime, slots=settings.parallel or (1 if segments < 2 else None))


def open_translation_memory(
    settings: TranslationSettings, notify: Callable[[str], None]
) -> TranslationMemory | None:
    """The user's translation memory, or None when the run does not use one (turned off, or sampling)."""
    from ..translation.memory import open_memory

    return open_memory(settings.memory, settings.generation.temperature, notify)


def memory_notice(results: Sequence[SegmentResult]) -> list[str]:
    """`Translation memory: 97 from memory, 3 translated` when the memory gave any of these results."""
    remembered = sum(1 for result in results if result.from_memory)
    if not remembered:
        return []
    translated = sum(1 for result in results if result.source.strip()) - remembered
    return [f"Translation memory: {remembered} from memory, {translated} translated (--no-memory skips it)."]
