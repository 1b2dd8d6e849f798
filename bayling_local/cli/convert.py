"""`bayling-local convert`: a thin click wrapper over `convert.api.convert_checkpoint`."""

from __future__ import annotations

from pathlib import Path

import click

OUTTYPE_CHOICES = ("auto", "f32", "f16", "bf16", "q8_0")


@click.command("convert")
@click.argument("src", type=click.Path(path_type=Path))
@click.option("-o", "--out", type=click.Path(path_type=Path), required=True, help="GGUF file to write.")
@click.option(
    "--lora", type=click.Path(path_type=Path), default=None, help="PEFT LoRA adapter folder to merge."
)
@click.option(
    "--outtype",
    type=click.Choice(OUTTYPE_CHOICES, case_sensitive=False),
    default="auto",
    show_default=True,
    help="Tensor type written (vectors stay f32). auto keeps BF16/F16 weights in their own type "
    "(no rounding, no overflow) and writes F32 weights as f16.",
)
@click.option(
    "--quant", default=None, help="Quantize with llama.cpp afterwards: q4_k_m, q5_k_m, q6_k, q8_0, q4_0, ..."
)
@click.option(
    "--threads", type=click.IntRange(min=1), default=None, help="Threads for quantizing and --verify."
)
@click.option("--force", is_flag=True, help="Overwrite an existing output file.")
@click.option("--allow-pickle", is_flag=True, help="Accept pickled .bin weights (only if you trust them).")
@click.option(
    "--verify", is_flag=True, help="Compare tokens and logits with the Hugging Face model (needs torch)."
)
@click.option("--no-progress", is_flag=True, help="Hide the progress bar.")
def convert_command(
    src: Path,
    out: Path,
    lora: Path | None,
    outtype: str,
    quant: str | None,
    threads: int | None,
    force: bool,
    allow_pickle: bool,
    verify: bool,
    no_progress: bool,
) -> None:
    """Convert a Hugging Face checkpoint (+ LoRA) to GGUF.

    SRC is the checkpoint folder (config.json, *.safetensors, tokenizer files). Example:
    `bayling-local convert bayling-2-llama-3-8b -o bayling-2-8b.Q4_K_M.gguf --quant q4_k_m`
    """
    from convert.api import ConvertConfig, convert_checkpoint

    config = ConvertConfig(
        src=src,
        out=out,
        lora=lora,
        outtype=outtype.lower(),
        quant=quant,
        threads=threads,
        force=force,
        allow_pickle=allow_pickle,
        verify=verify,
        progress=not no_progress,
    )
    result = convert_checkpoint(config)
    if result.verification is not None:
        click.echo(f"Verified: {result.verification.summary()}", err=True)
    size_mb = result.bytes_out / 1e6
    written = f"{quant.lower()} from {result.outtype}" if quant else result.outtype
    template = result.template or "none"
    click.echo(
        f"Wrote {result.path} ({size_mb:.1f} MB, {result.architecture}, {written}, "
        f"template {template}) in {result.seconds:.1f} s",
        err=True,
    )
    click.echo(str(result.path))
