"""Per-chat settings: what a chat remembers about how it is answered."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from ..config import GenerationConfig, RuntimeConfig


@dataclass
class ChatSettings:
    """Settings saved with each chat; a new chat starts from the command line and config-file values."""

    system_prompt: str = ""
    """Text sent as the system turn; empty uses the model format's own default (if it has one)."""
    model: str | None = None
    """Model name from the store, `builtin`, or a .gguf path; None picks an installed BayLing, else the built-in."""
    temperature: float = 0.0
    """Sampling temperature; 0 is greedy."""
    max_tokens: int = 512
    """Most tokens in one answer."""
    ctx: int = 4096
    """Context window in tokens; older turns are left out when the conversation outgrows it."""
    glossary: str = ""
    """A glossary file (TSV/CSV with a header of languages, or TBX) translation mode enforces; empty: none."""

    @classmethod
    def from_dict(cls, data: dict[str, Any], fallback: ChatSettings | None = None) -> ChatSettings:
        """Settings from a saved dict; unknown keys are ignored, missing ones come from `fallback`."""
        base = dataclasses.asdict(fallback or cls())
        names = {f.name for f in dataclasses.fields(cls)}
        base.update({k: v for k, v in data.items() if k in names})
        return cls(**base)

    def as_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def runtime(self, base: RuntimeConfig) -> RuntimeConfig:
        """The runtime config to load this chat's model: `base` with this chat's model and context size."""
        return dataclasses.replace(base, model=self.model, ctx=self.ctx)

    def generation(self, base: GenerationConfig) -> GenerationConfig:
        return dataclasses.replace(base, temperature=self.temperature, max_tokens=self.max_tokens)

    @classmethod
    def from_configs(cls, runtime: RuntimeConfig, generation: GenerationConfig) -> ChatSettings:
        return cls(
            model=runtime.model,
            temperature=generation.temperature,
            max_tokens=generation.max_tokens,
            ctx=runtime.ctx,
        )
