"""The server's settings, resolved once by `cli/serve.py` and saved nowhere (they hold the API key)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

from ..errors import UsageError

LOOPBACK_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})


@dataclass(frozen=True)
class ServerConfig:
    """How `serve` listens and what it accepts."""

    host: str = "127.0.0.1"
    """Address to bind; anything but loopback needs an API key."""
    port: int = 8080
    """TCP port (0: any free one)."""
    models: tuple[str, ...] = ()
    """Models named on the command line; the first is the default for requests that name none."""
    api_key: str | None = field(default=None, repr=False)
    """Clients must send it (`Authorization: Bearer KEY`, or `api_key` on LibreTranslate routes)."""
    allow_hosts: tuple[str, ...] = ()
    """`Host` header names accepted besides the bound address and localhost (DNS-rebinding guard)."""
    cors_origins: tuple[str, ...] = ()
    """Web origins allowed to call from a browser (no CORS headers at all when empty)."""
    max_body_bytes: int = 1 << 20
    """Largest request body; bigger ones get 413."""
    max_upload_bytes: int = 32 << 20
    """Largest document upload (`/api/files`, `/translate_file`); bigger ones get 413."""
    max_queue: int = 64
    """Requests waiting or running at once, all models together; more get 429 with Retry-After."""
    request_timeout: float = 600.0
    """Seconds one request may take before it is cancelled (504)."""
    max_models: int = 1
    """Models kept loaded at once; the least recently used idle one is unloaded to make room."""
    parallel: int | None = None
    """Sequences each model decodes at once (None: chosen from its size and the hardware)."""
    grace_seconds: float = 10.0
    """On SIGTERM or Ctrl-C, how long running requests may finish before they are cancelled."""

    def __post_init__(self) -> None:
        if not self.api_key and not is_loopback(self.host):
            raise UsageError(
                f"refusing to listen on {self.host} without an API key: anyone who can reach it could use the "
                "model; give --api-key, --api-key-file or BAYLING_API_KEY, or keep the default 127.0.0.1"
            )

    @property
    def wildcard(self) -> bool:
        """Bound to every interface (0.0.0.0, ::): the Host header cannot be checked against it."""
        return self.host in ("0.0.0.0", "::", "")

    def host_allowed(self, header: str) -> bool:
        """Whether a request's `Host` header names this server (not a rebinding attacker's domain)."""
        if self.wildcard:
            return True
        name = _host_name(header)
        return (
            name in LOOPBACK_NAMES
            or name == self.host.lower()
            or name in {h.lower() for h in self.allow_hosts}
        )


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _host_name(header: str) -> str:
    """`example.com:8080` -> `example.com`; `[::1]:8080` -> `::1`."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1:].split("]", 1)[0]
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header
