"""A tiny Llama-3 plus a LoRA adapter, through one `convert --lora --quant q4_k_m`, then `translate`."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from convert_builders import train_answer_lora

from bayling_local.cli import cli
from bayling_local.language.names import language_label, resolve_language
from bayling_local.prompts.formats import BAYLING3_SYSTEM, Message, render_bayling3, translation_message

ANSWER = "Bonjour le monde."


def _training_prompts() -> list[str]:
    """BayLing-3 translation prompts for a few sentences and targets (not the one translated below)."""
    texts = ["Good morning, my friend.", "Where is the station?"]
    targets = [language_label(resolve_language(code)) for code in ("fra_Latn", "deu_Latn", "spa_Latn")]
    return [
        render_bayling3(
            [Message("system", BAYLING3_SYSTEM), Message("user", translation_message(t, target))], True
        )
        for t in texts
        for target in targets
    ]


def test_lora_merged_q4_k_m_translates_and_stops_by_itself(llama3_dir: Path, tmp_path: Path) -> None:
    import gguf

    adapter = train_answer_lora(llama3_dir, tmp_path / "adapter", _training_prompts(), ANSWER)
    out = tmp_path / "tiny-llama3-lora.Q4_K_M.gguf"
    args = [
        "convert",
        str(llama3_dir),
        "-o",
        str(out),
        "--lora",
        str(adapter),
        "--quant",
        "q4_k_m",
        "--no-progress",
    ]
    converted = CliRunner().invoke(cli, args)
    assert converted.exit_code == 0, converted.output
    file_type = gguf.GGUFReader(out).fields["general.file_type"].contents()
    assert file_type == gguf.LlamaFileType.MOSTLY_Q4_K_M
    assert sorted(p.name for p in tmp_path.iterdir()) == ["adapter", out.name, out.name + ".config.json"]

    args = ["translate", "The cat sleeps on the sofa.", "--to", "fra_Latn", "--from", "eng_Latn"]
    translated = CliRunner().invoke(cli, [*args, "--model", str(out), "--json", "--max-tokens", "64"])
    assert translated.exit_code == 0, translated.output
    result = json.loads(translated.stdout.strip().splitlines()[-1])
    assert result["translation"] == ANSWER
    # It ended on <|eot_id|> by itself: far below the token limit, not cut.
    assert not result["truncated"] and result["completion_tokens"] < 20
