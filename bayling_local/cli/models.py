"""`bayling-local models`: list the installed models."""

from __future__ import annotations

import json
from typing import Any

import click

from ..store import StoredModel, list_models


def model_rows(models: list[StoredModel]) -> list[dict[str, Any]]:
    """One JSON-ready dict per model: what `models` shows."""
    rows = []
    for model in models:
        manifest = model.manifest
        source = manifest.get("source") or {}
        rows.append(
            {
                "name": model.name,
                "quantization": manifest.get("quantization"),
                "size": manifest.get("size") or model.path.stat().st_size,
                "template": model.template or manifest.get("prompt_format"),
                "source": source.get("repo") or source.get("path"),
                "revision": source.get("revision"),
                "created": manifest.get("created"),
                "path": str(model.path),
            }
        )
    return rows


def builtin_rows() -> list[dict[str, Any]]:
    """The built-in demo model, marked as such (it lives in its PyPI package, not in the store)."""
    from ..store.resolve import BUILTIN_NAME, builtin_model_path

    try:
        path = builtin_model_path()
    except Exception:  # noqa: BLE001 - a broken package only hides this row; `doctor` says why
        return []
    return [
        {
            "name": "builtin",
            "quantization": "q4_k_m",
            "size": path.stat().st_size,
            "template": "fewshot",
            "source": f"{BUILTIN_NAME}: small demo model",
            "revision": None,
            "created": None,
            "path": str(path),
        }
    ]


def format_table(rows: list[dict[str, Any]]) -> str:
    """Aligned columns: name, quantization, size, format, source, added."""
    from ..store.show import human_bytes

    header = ("NAME", "QUANT", "SIZE", "FORMAT", "SOURCE", "ADDED")
    table = [header] + [
        (
            r["name"],
            r["quantization"] or "-",
            human_bytes(r["size"]),
            r["template"] or "auto",
            r["source"] or "-",
            (r["created"] or "-")[:10],
        )
        for r in rows
    ]
    widths = [max(len(str(row[i])) for row in table) for i in range(len(header))]
    return "\n".join(
        "  ".join(str(v).ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in table
    )


@click.command("models")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per model.")
def models_command(as_json: bool) -> None:
    """List the installed models (pull one with `bayling-local pull bayling-2-8b`)."""
    rows = model_rows(list_models()) + builtin_rows()
    if as_json:
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    click.echo(format_table(rows))
    if len(rows) <= 1:
        click.echo(
            "Only the built-in demo model is here; `bayling-local pull bayling-2-8b` gets BayLing 2 8B "
            "(`bayling-local pull --list` shows the others).",
            err=True,
        )
