"""SFT on a tiny random Llama with tokenizers trained here, on a tiny mixture built from FLORES (CPU)."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from sft_helpers import byte_tokenizer, flores_archive, sp_tokenizer, tiny_llama

from bayling_local.cli import cli
from bayling_local.errors import UsageError
from bayling_local.prompts.formats import BAYLING, BAYLING3, Message
from training.data import BuildConfig, build
from training.data.readers import read_parallel
from training.data.schema import Turn
from training.sft import load_config, train
from training.sft.encode import IGNORE, encode

torch = pytest.importorskip("torch")
pytest.importorskip("peft")
pytest.importorskip("accelerate")

FLORES_ARCHIVE = flores_archive()
LANGS = {"eng_Latn", "fra_Latn", "deu_Latn"}
CONVERSATION = (
    Turn("user", "Translate into French: Good morning."),
    Turn("assistant", "Bonjour."),
    Turn("user", "And into German?"),
    Turn("assistant", "Guten Morgne.", weight=0),  # a flawed draft: context only
    Turn("user", "Please correct it."),
    Turn("assistant", "Guten Morgen."),
)


@pytest.fixture(autouse=True, scope="module")
def one_thread() -> Any:
    """Tiny matmuls are fastest on one thread, and a busy 2-core CI box punishes oversubscription 6x."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def _corpus() -> list[str]:
    rows = read_parallel(str(FLORES_ARCHIVE), LANGS)
    texts = [t for r in rows for t in r.texts.values()]
    messages = [Message(t.role, t.content) for t in CONVERSATION]
    return texts + [BAYLING.render(messages, False), BAYLING3.render(messages, False)] * 20


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    if not FLORES_ARCHIVE.exists():
        pytest.skip("FLORES archive not available")
    root = tmp_path_factory.mktemp("sft")
    corpus = _corpus()
    tokenizer = sp_tokenizer(corpus)
    model_dir = tiny_llama(root / "tiny-llama", tokenizer)
    config = BuildConfig(
        parallel=[str(FLORES_ARCHIVE)],
        languages=sorted(LANGS),
        total=16,
        heldout_examples=8,
        heldout_fraction=0.05,
        mixture={"translation": 1.0},
        pivots=["eng_Latn"],
        max_chars=160,
        out=str(root / "data"),
        seed=3,
    )
    build(config)
    return {"root": root, "model": model_dir, "tokenizer": tokenizer, "corpus": corpus, "data": root / "data"}


def _config(ws: dict[str, Any], out: Path, *extra: str) -> Any:
    overrides = [
        f"model.name_or_path={ws['model']}",
        "model.template=bayling",
        f"data.train_file={ws['data'] / 'train.jsonl'}",
        f"data.eval_file={ws['data'] / 'heldout.jsonl'}",
        "data.max_length=256",
        f"train.output_dir={out}",
        "train.micro_batch_size=2",
        "train.max_steps=30",
        "train.learning_rate=0.01",
        "train.warmup_steps=2",
        "train.log_every=5",
        "train.progress=false",
        "lora.r=8",
        "lora.alpha=16",
        "lora.dropout=0.1",
        *extra,
    ]
    return load_config(None, overrides)


def test_lora_steps_lower_the_loss_and_write_a_peft_adapter(
    workspace: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "adapter"
    result = train(_config(workspace, out), log=lambda _: None)
    losses = [result.losses[s] for s in sorted(result.losses)]
    assert len(losses) == 30
    first, last = sum(losses[:5]) / 5, sum(losses[-5:]) / 5
    assert last < 0.8 * first, (first, last)
    names = {p.name for p in out.iterdir()}
    assert {
        "adapter_config.json",
        "adapter_model.safetensors",
        "bayling_base.json",
        "training.config.json",
        "log.jsonl",
    } <= names
    adapter_config = json.loads((out / "adapter_config.json").read_text())
    assert adapter_config["base_model_name_or_path"] == str(workspace["model"])
    assert adapter_config["r"] == 8 and adapter_config["lora_alpha"] == 16
    logged = [json.loads(line) for line in (out / "log.jsonl").read_text().splitlines()]
    assert any("tokens_per_s" in e and e["tokens_per_s"] > 0 for e in logged)
    assert any("eval_loss" in e for e in logged) and math.isfinite(result.eval_losses[30])
    resolved = json.loads((out / "training.config.json").read_text())
    assert resolved["TrainSettings"]["learning_rate"] == 0.01

    from peft import PeftModel
    from transformers import AutoModelForCausalLM

    model = PeftModel.from_pretrained(AutoModelForCausalLM.from_pretrained(workspace["model"]), out)
    assert any("lora_A" in name for name, _ in model.named_parameters())
    # The converter (`bayling-local convert BASE --lora OUT`) accepts the folder as it is.
    convert_lora = pytest.importorskip("convert.lora")
    from convert.hf_loader import open_checkpoint

    adapter = convert_lora.load_adapter(out)
    assert len(adapter.deltas) == 2 * 7  # 2 layers x q/k/v/o/gate/up/down
    convert_lora.check_fits(adapter, open_checkpoint(workspace["model"]))


def _check_labels(turns: tuple[Turn, ...], tokenizer: Any, fmt: Any, close: str) -> None:
    """Token by token: every labelled run decodes to exactly one trained answer + its closing token."""
    enc = encode(turns, tokenizer, fmt, 4096)
    assert enc is not None
    assert enc.input_ids[0] == tokenizer.bos_token_id and enc.labels[0] == IGNORE
    runs: list[list[int]] = []
    previous = False
    for token, label in zip(enc.input_ids, enc.labels, strict=True):
        labelled = label != IGNORE
        if labelled:
            assert label == token  # unshifted: the loss does the shift
            if not previous:
                runs.append([])
            runs[-1].append(token)
        previous = labelled
    trained = [t.content for t in turns if t.role == "assistant" and t.weight]
    assert [tokenizer.decode(run) for run in runs] == [f"{answer}{close}" for answer in trained]
    assert [run[-1] for run in runs] == [tokenizer.convert_tokens_to_ids(close)] * len(trained)
    # Everything else is prompt: the template text, the user turns and the weight-0 draft.
    prompt = [tok for tok, label in zip(enc.input_ids, enc.labels, strict=True) if label == IGNORE]
    assert "Guten Morgne" in tokenizer.decode(prompt) and "Guten Morgen" not in tokenizer.decode(prompt)


def test_labels_cover_exactly_the_assistant_tokens_llama2_template(workspace: dict[str, Any]) -> None:
    _check_labels(CONVERSATION, workspace["tokenizer"], BAYLING, "</s>")


def test_labels_cover_exactly_the_assistant_tokens_llama3_template(workspace: dict[str, Any]) -> None:
    tokenizer = byte_tokenizer(workspace["corpus"][:400] + workspace["corpus"][-40:])
    _check_labels(CONVERSATION, tokenizer, BAYLING3, "<|eot_id|>")


def test_resume_continues_the_same_loss_curve(workspace: dict[str, Any], tmp_path: Path) -> None:
    common = ("train.max_steps=10", "train.save_every=5", "data.packing=false", "train.grad_accum=2")
    whole = train(_config(workspace, tmp_path / "whole", *common), log=lambda _: None)
    first = train(_config(workspace, tmp_path / "split", *common, "train.stop_after=5"), log=lambda _: None)
    assert sorted(first.losses) == [1, 2, 3, 4, 5]
    assert (tmp_path / "split" / "checkpoints" / "step-0000005").is_dir()
    second = train(_config(workspace, tmp_path / "split", *common, "train.resume=auto"), log=lambda _: None)
    assert sorted(second.losses) == [6, 7, 8, 9, 10]
    for step in range(1, 11):
        resumed = (first.losses | second.losses)[step]
        assert resumed == pytest.approx(whole.losses[step], rel=1e-5, abs=1e-6), step


def test_full_finetuning_with_checkpointing_runs_through_the_cli(
    workspace: dict[str, Any], tmp_path: Path
) -> None:
    out = tmp_path / "full"
    recipe = tmp_path / "recipe.yaml"
    recipe.write_text(
        f"model:\n  name_or_path: {workspace['model']}\n  template: bayling\n"
        f"lora:\n  method: full\n"
        f"data:\n  train_file: {workspace['data'] / 'train.jsonl'}\n  max_length: 256\n"
        f"train:\n  output_dir: {out}\n  max_steps: 3\n  micro_batch_size: 2\n  learning_rate: 1.0e-3\n"
        f"  progress: false\n  log_every: 1\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(
        cli,
        ["train", str(recipe), "--set", "train.max_steps=4", "--set", "model.gradient_checkpointing=true"],
    )
    assert result.exit_code == 0, result.output
    assert "step=4" in result.output and "loss=" in result.output
    names = {p.name for p in out.iterdir()}
    assert {"config.json", "model.safetensors", "tokenizer.json", "bayling_base.json"} <= names
    from transformers import AutoModelForCausalLM

    AutoModelForCausalLM.from_pretrained(out)


def test_recipe_and_overrides_precedence(tmp_path: Path) -> None:
    recipe = tmp_path / "r.yaml"
    recipe.write_text(
        "model:\n  name_or_path: base\ndata:\n  train_file: t.jsonl\n"
        "train:\n  output_dir: o\n  learning_rate: 0.5\n  seed: 3\n",
        encoding="utf-8",
    )
    config = load_config(recipe, ["train.learning_rate=1e-4", "lora.target_modules=[q_proj, v_proj]"])
    assert config.train.learning_rate == 1e-4 and config.train.seed == 3
    assert config.lora.target_modules == ["q_proj", "v_proj"] and config.lora.r == 16
    with pytest.raises(UsageError, match="unknown setting"):
        load_config(recipe, ["train.learning_rat=1"])
    recipe.write_text("model:\n  name_or_path: base\n  colour: red\n", encoding="utf-8")
    with pytest.raises(UsageError, match="colour"):
        load_config(recipe, [])


def test_shipped_recipes_resolve() -> None:
    root = Path(__file__).resolve().parents[2] / "training" / "recipes"
    recipes = sorted(root.glob("*.yaml"))
    assert {p.stem for p in recipes} >= {"bayling2-7b", "bayling2-13b", "bayling2-8b"}
    for recipe in recipes:
        config = load_config(recipe, [])
        assert config.model.template in ("bayling", "bayling3", "fewshot")
    assert load_config(root / "bayling2-8b.yaml").model.template == "bayling3"


@pytest.mark.gpu
def test_cuda_lora_run_is_bf16_and_learns(workspace: dict[str, Any], tmp_path: Path) -> None:
    from training.sft.model import torch_dtype

    assert torch_dtype("auto") == torch.bfloat16
    result = train(_config(workspace, tmp_path / "cuda", "train.max_steps=20"), log=lambda _: None)
    losses = [result.losses[s] for s in sorted(result.losses)]
    assert sum(losses[-5:]) < sum(losses[:5])
