"""Prompt formats: the one source of truth for how a conversation becomes model input.

Formats:
- `bayling`: BayLing-2-7B/13B (Llama-2 based), Alpaca-style turns, stops at EOS `</s>`.
- `bayling3`: BayLing-2-8B (Llama-3 based), Llama-3 headers, stops at `<|eot_id|>` / `<|end_of_text|>`.
- `gguf`: the `tokenizer.chat_template` embedded in the GGUF, rendered in a sandboxed Jinja environment.
- `fewshot`: a base model without a chat template (the built-in Gemma-3-270M): plain completion prompts.

Renderers return text *without* the BOS token: the engine adds BOS when the model's metadata asks for it.
The Jinja versions of the BayLing formats (written into converted GGUFs) include `{{ bos_token }}` as other
llama.cpp tools expect; tests check that both render the same text.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from ..errors import UsageError

BAYLING_SYSTEM = (
    "I am an intelligent language assistant developed by the NLP Group of ICT/CAS.\n"
    "Below is a dialog consisting of instructions and responses. "
    "Write a response that completes the request.\n"
)
BAYLING3_SYSTEM = "I am BayLing developed by the NLP Group of ICT/CAS."
TRANSLATION_INSTRUCTION = "Provide the {target} translation for this sentence: {text}"
# The retry after a failed check: the same request, spelled out (whole text, translation only).
STRICT_TRANSLATION_INSTRUCTION = (
    "Translate all of the following text into {target}. Answer with the {target} translation only: "
    "every sentence, no notes, no quotes, nothing left in the original language.\n\n{text}"
)

FORMAT_NAMES = ("bayling", "bayling3", "gguf", "fewshot")


@dataclass(frozen=True)
class Message:
    """One turn of a conversation."""

    role: str
    """`system`, `user` or `assistant`."""
    content: str
    """The text of the turn."""


Renderer = Callable[[Sequence[Message], bool], str]


@dataclass(frozen=True)
class PromptFormat:
    """How to render messages for one family of models, and where generation stops."""

    name: str
    """One of FORMAT_NAMES."""
    render: Renderer = field(repr=False)
    """(messages, add_generation_prompt) -> prompt text without BOS."""
    stop_tokens: tuple[str, ...] = ()
    """Special-token texts that end an answer (besides the model's own end-of-generation tokens)."""
    stop_strings: tuple[str, ...] = ()
    """Plain-text sequences that end an answer (used by completion-style formats)."""
    default_system: str | None = None
    """System prompt used when the conversation brings none."""
    is_chat: bool = True
    """False for completion-style formats, which translate with a few-shot prompt instead of an instruction."""


def _split_system(messages: Sequence[Message], default: str | None) -> tuple[str | None, list[Message]]:
    if messages and messages[0].role == "system":
        return messages[0].content, list(messages[1:])
    return default, list(messages)


def render_bayling(messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
    """BayLing-2-7B/13B: system, then `\\n### Instruction:\\n{user}\\n### Response:\\n{assistant}</s>`."""
    system, turns = _split_system(messages, BAYLING_SYSTEM)
    parts = [system or ""]
    for message in turns:
        if message.role == "user":
            parts.append(f"\n### Instruction:\n{message.content}\n### Response:\n")
        elif message.role == "assistant":
            parts.append(f"{message.content}</s>")
    text = "".join(parts)
    if not add_generation_prompt and text.endswith("\n### Response:\n"):
        text = text[: -len("\n### Response:\n")]
    return text


def render_bayling3(messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
    """BayLing-2-8B: Llama-3 headers, every message stripped and closed by `<|eot_id|>`."""
    system, turns = _split_system(messages, BAYLING3_SYSTEM)
    parts = []
    if system is not None:
        parts.append(_llama3_block("system", system))
    parts.extend(_llama3_block(m.role, m.content) for m in turns)
    if add_generation_prompt:
        parts.append("<|start_header_id|>assistant<|end_header_id|>\n\n")
    return "".join(parts)


def _llama3_block(role: str, content: str) -> str:
    return f"<|start_header_id|>{role}<|end_header_id|>\n\n{content.strip()}<|eot_id|>"


# A base model continues text: shown a bare `User: ...` line it repeats it. Two example exchanges first (as
# `fewshot` does for translation) show it that an answer is something new, in the user's language.
PLAIN_CHAT_EXAMPLES = (
    "A conversation between a user and a helpful assistant. The assistant answers the request in a few "
    "sentences of its own and never repeats the user's words.\n\n"
    "User: What is the capital of France?\n"
    "Assistant: The capital of France is Paris, a city on the river Seine.\n"
    "User: Write one short sentence about autumn.\n"
    "Assistant: In autumn the leaves turn red and gold before they fall.\n"
)


def render_plain_chat(messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
    """Completion-style chat for base models: example exchanges, then `User:` / `Assistant:` lines."""
    system, turns = _split_system(messages, None)
    parts = [f"{system.strip()}\n\n"] if system else []
    parts.append(PLAIN_CHAT_EXAMPLES)
    for message in turns:
        speaker = "User" if message.role == "user" else "Assistant"
        parts.append(f"{speaker}: {message.content.strip()}\n")
    if add_generation_prompt:
        parts.append("Assistant:")
    return "".join(parts)


# Jinja versions written into converted GGUFs as `tokenizer.chat_template`.
BAYLING_JINJA = (
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set system = messages[0]['content'] -%}{%- set turns = messages[1:] -%}"
    "{%- else -%}"
    "{%- set system = " + repr(BAYLING_SYSTEM).replace("\\n", "\\n") + " -%}{%- set turns = messages -%}"
    "{%- endif -%}"
    "{{- bos_token + system -}}"
    "{%- for message in turns -%}"
    "{%- if message['role'] == 'user' -%}"
    "{{- '\\n### Instruction:\\n' + message['content'] + '\\n### Response:\\n' -}}"
    "{%- elif message['role'] == 'assistant' -%}"
    "{{- message['content'] + eos_token -}}"
    "{%- endif -%}"
    "{%- endfor -%}"
)

BAYLING3_JINJA = (
    "{{- bos_token -}}"
    "{%- if messages[0]['role'] == 'system' -%}"
    "{%- set turns = messages -%}"
    "{%- else -%}"
    "{{- '<|start_header_id|>system<|end_header_id|>\\n\\n" + BAYLING3_SYSTEM + "<|eot_id|>' -}}"
    "{%- set turns = messages -%}"
    "{%- endif -%}"
    "{%- for message in turns -%}"
    "{{- '<|start_header_id|>' + message['role'] + '<|end_header_id|>\\n\\n' + message['content'] | trim"
    " + '<|eot_id|>' -}}"
    "{%- endfor -%}"
    "{%- if add_generation_prompt -%}{{- '<|start_header_id|>assistant<|end_header_id|>\\n\\n' -}}{%- endif -%}"
)


def render_jinja(
    template: str,
    messages: Sequence[Message],
    add_generation_prompt: bool = True,
    bos_token: str = "",
    eos_token: str = "",
) -> str:
    """Render a chat template in a sandbox (a GGUF's template is untrusted input)."""
    from jinja2 import TemplateError
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    def raise_exception(message: str) -> None:
        raise UsageError(f"the model's chat template refused the conversation: {message}")

    env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    try:
        compiled = env.from_string(template)
        text = compiled.render(
            messages=[{"role": m.role, "content": m.content} for m in messages],
            add_generation_prompt=add_generation_prompt,
            bos_token=bos_token,
            eos_token=eos_token,
        )
    except TemplateError as exc:
        raise UsageError(f"the model's chat template cannot be rendered ({exc}); try --template") from exc
    if bos_token and text.startswith(bos_token):
        text = text[len(bos_token) :]
    return text


# `</s>` is Llama-2's end-of-sequence token; a model of another vocabulary tuned on this format (the
# built-in Gemma, training/examples/align_builtin.py) writes it as text, so it is a stop string as well.
BAYLING = PromptFormat(
    "bayling", render_bayling, stop_tokens=("</s>",), stop_strings=("</s>",), default_system=BAYLING_SYSTEM
)
BAYLING3 = PromptFormat(
    "bayling3",
    render_bayling3,
    stop_tokens=("<|eot_id|>", "<|end_of_text|>"),
    default_system=BAYLING3_SYSTEM,
)
FEWSHOT = PromptFormat("fewshot", render_plain_chat, stop_strings=("\nUser:", "\n\n"), is_chat=False)


def gguf_format(template: str, bos_token: str = "", eos_token: str = "") -> PromptFormat:
    """A format backed by a GGUF's embedded chat template."""

    def render(messages: Sequence[Message], add_generation_prompt: bool = True) -> str:
        return render_jinja(template, messages, add_generation_prompt, bos_token, eos_token)

    return PromptFormat("gguf", render)


MARKERS_NOTE = " Keep every tag such as <m1>, </m1> and <m2/> exactly as it is, around the same words."


CONSTRAINT_INSTRUCTION = "Make sure to include these words: {terms}"
"""BayLing's own form for lexically constrained translation (its `scripts/constrained_translate.py`)."""


def translation_message(
    text: str, target_name: str, strict: bool = False, marked: bool = False, terms: Sequence[str] = ()
) -> str:
    """BayLing's own translation instruction (`strict`: the spelled-out one a retry uses; `marked`: the text
    holds protected markers, and the instruction says to keep them; `terms`: target words the translation
    must contain, in BayLing's constrained-translation form)."""
    instruction = STRICT_TRANSLATION_INSTRUCTION if strict else TRANSLATION_INSTRUCTION
    message = instruction.format(target=target_name, text=text)
    if marked:
        message += MARKERS_NOTE
    if terms:
        message += "\n" + CONSTRAINT_INSTRUCTION.format(terms=", ".join(dict.fromkeys(terms)))
    return message


@dataclass(frozen=True)
class ModelFacts:
    """What format detection needs to know about a model file."""

    file_name: str
    architecture: str | None = None
    model_name: str | None = None
    chat_template: str | None = None
    vocab_size: int | None = None
    bos_token: str = ""
    eos_token: str = ""


def choose_format(facts: ModelFacts, override: str | None = None) -> PromptFormat:
    """Pick the prompt format from the override, else the GGUF metadata and file name."""
    if override:
        return _format_by_name(override, facts)
    names = f"{facts.file_name} {facts.model_name or ''}".lower()
    if "bayling" in names:
        # BayLing-2-8B is Llama-3: its 128k vocabulary tells it apart from the Llama-2 models.
        if "llama-3" in names or "llama3" in names or (facts.vocab_size or 0) > 100_000:
            return BAYLING3
        return BAYLING
    template = facts.chat_template or ""
    if "### Instruction:" in template and "ICT/CAS" in template:
        return BAYLING
    if "<|start_header_id|>" in template and "BayLing" in template:
        return BAYLING3
    if template and not _looks_like_base_model(names):
        return gguf_format(template, facts.bos_token, facts.eos_token)
    return FEWSHOT


def _looks_like_base_model(names: str) -> bool:
    """Base checkpoints often ship a chat template they were never tuned on; don't trust it for them."""
    if any(tag in names for tag in ("-it", "instruct", "chat", "bayling")):
        return False
    return "gemma" in names or "base" in names


def _format_by_name(name: str, facts: ModelFacts) -> PromptFormat:
    key = name.strip().lower()
    if key == "bayling":
        return BAYLING
    if key == "bayling3":
        return BAYLING3
    if key == "fewshot":
        return FEWSHOT
    if key == "gguf":
        if not facts.chat_template:
            raise UsageError(
                f"{facts.file_name} has no embedded chat template; use --template bayling, bayling3 or fewshot"
            )
        return gguf_format(facts.chat_template, facts.bos_token, facts.eos_token)
    raise UsageError(f"unknown template {name!r}; choose one of: {', '.join(FORMAT_NAMES)}")
