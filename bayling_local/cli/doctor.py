"""`bayling-local doctor`: a thin click wrapper over `runs.doctor.collect_report`."""

from __future__ import annotations

import json

import click


@click.command("doctor")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def doctor_command(as_json: bool) -> None:
    """Show versions, llama.cpp's CPU/GPU features, threads, the model store and the default model."""
    from ..runs.doctor import collect_report

    report = collect_report()
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    for key, value in report.items():
        if isinstance(value, dict):
            click.echo(f"{key}:")
            for sub, subvalue in value.items():
                click.echo(f"  {sub}: {subvalue}")
        elif isinstance(value, list):
            click.echo(f"{key}: {', '.join(value) if value else 'none'}")
        else:
            click.echo(f"{key}: {value}")
