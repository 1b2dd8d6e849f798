"""The one stop-condition implementation: end tokens, stop strings (held back while they may be starting) and
the token limit. The scheduler feeds it every sampled token of every request."""

from __future__ import annotations

import codecs
from collections.abc import Callable, Collection, Sequence

from ..engine.loops import LoopWatch
from ..engine.requests import TextCallback


class StopStream:
    """Decodes token bytes incrementally and holds back text that might begin a stop string."""

    def __init__(self, stops: Sequence[str], on_text: TextCallback | None) -> None:
        self.stops = [s for s in stops if s]
        self.on_text = on_text
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self.text = ""
        self.emitted = 0

    def feed(self, data: bytes) -> bool:
        """Add bytes; return True when a stop string has appeared (the text is cut before it)."""
        self.text += self.decoder.decode(data)
        for stop in self.stops:
            # The model may lead with the stop string (a blank line); only a stop after content counts.
            position = self.text.find(stop, 1 if self.text.startswith(stop) else 0)
            if position >= 0:
                self.text = self.text[:position]
                self._emit(len(self.text))
                return True
        self._emit(len(self.text) - self._held_back())
        return False

    def _held_back(self) -> int:
        """Length of the longest tail of the text that is a prefix of some stop string."""
        longest = 0
        for stop in self.stops:
            for size in range(min(len(stop) - 1, len(self.text)), 0, -1):
                if stop.startswith(self.text[-size:]):
                    longest = max(longest, size)
                    break
        return longest

    def _emit(self, upto: int) -> None:
        if upto > self.emitted:
            if self.on_text is not None:
                self.on_text(self.text[self.emitted : upto])
            self.emitted = upto

    def finish(self) -> str:
        self.text += self.decoder.decode(b"", final=True)
        self._emit(len(self.text))
        return self.text


class StopCondition:
    """Decides, token by token, whether an answer is finished, and why: `stop`, `length`, `loop` (asked to
    stop on a repetition loop) or `too-long` (past the characters it may have)."""

    def __init__(
        self,
        is_end: Callable[[int], bool],
        token_bytes: Callable[[int], bytes],
        stop_strings: Sequence[str],
        max_tokens: int,
        on_text: TextCallback | None = None,
        end_tokens: Collection[int] = (),
        stop_on_loop: bool = False,
        max_chars: int | None = None,
    ) -> None:
        self.is_end = is_end
        self.token_bytes = token_bytes
        self.end_tokens = end_tokens
        self.stream = StopStream(stop_strings, on_text)
        self.max_tokens = max_tokens
        self.generated = 0
        self.loops = LoopWatch() if stop_on_loop else None
        self.max_chars = max_chars

    def take(self, token: int) -> str | None:
        """Account for one sampled token; the stop reason when the answer is complete, else None."""
        if token in self.end_tokens or self.is_end(token):
            return "stop"
        self.generated += 1
        if self.stream.feed(self.token_bytes(token)):
            return "stop"
        if self.loops is not None and self.loops.add(token):
            return "loop"
        if self.max_chars is not None and len(self.stream.text) > self.max_chars:
            return "too-long"
        if self.generated >= self.max_tokens:
            return "length"
        return None

    def finish(self) -> str:
        """The answer's whole text (anything held back is released)."""
        return self.stream.finish()
