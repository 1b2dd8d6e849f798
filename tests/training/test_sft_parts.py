"""The pieces of the fast path: fused loss, packing isolation, schedule, and the GPU benchmark script."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from training.sft.batching import EpochSampler, collate, pack
from training.sft.encode import IGNORE, Encoded
from training.sft.trainer import cosine_with_warmup

torch = pytest.importorskip("torch")
REPO = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("weight_trainable", [False, True])
def test_fused_loss_matches_the_full_logits_loss_and_gradients(weight_trainable: bool) -> None:
    from training.sft.loss import fused_causal_lm_loss, logits_causal_lm_loss

    torch.manual_seed(0)
    hidden = torch.randn(2, 9, 16, dtype=torch.float64, requires_grad=True)
    weight = torch.randn(50, 16, dtype=torch.float64, requires_grad=weight_trainable)
    labels = torch.randint(0, 50, (2, 9))
    labels[0, :4] = IGNORE  # a prompt
    labels[1, 7:] = IGNORE  # padding
    fused, count = fused_causal_lm_loss(hidden, weight, labels, chunk_tokens=3)
    fused.backward()
    grads = (hidden.grad.clone(), weight.grad.clone() if weight_trainable else None)
    hidden.grad = None
    weight.grad = None
    reference, ref_count = logits_causal_lm_loss(hidden @ weight.t(), labels)
    reference.backward()
    assert count == ref_count == 5 + 6  # next-token targets: row 0 from position 4, row 1 up to 6
    assert fused.item() == pytest.approx(reference.item(), rel=1e-9)
    assert torch.allclose(grads[0], hidden.grad, atol=1e-10)
    if weight_trainable:
        assert torch.allclose(grads[1], weight.grad, atol=1e-10)


def test_packing_keeps_every_token_and_conversations_apart() -> None:
    from transformers import LlamaConfig, LlamaForCausalLM

    items = [Encoded(list(range(1, n + 1)), [IGNORE] + list(range(2, n + 1))) for n in (5, 7, 3, 9, 4)]
    rows = pack(items, max_length=12, seed=0)
    assert all(len(r.input_ids) <= 12 for r in rows)
    assert sorted(len(r.input_ids) for r in rows) != [5, 7, 3, 9, 4]  # something was packed together
    assert sum(len(r.input_ids) for r in rows) == sum(len(i.input_ids) for i in items)
    torch.manual_seed(0)
    model = LlamaForCausalLM(
        LlamaConfig(
            vocab_size=32,
            hidden_size=32,
            intermediate_size=64,
            num_hidden_layers=2,
            num_attention_heads=4,
            num_key_value_heads=4,
        )
    ).eval()
    batch = collate(rows, pad_id=0, packed=True)
    assert "attention_mask" not in batch
    with torch.no_grad():
        # No KV cache, as in training: transformers then reads the packing from position_ids.
        packed = model(
            input_ids=batch["input_ids"], position_ids=batch["position_ids"], use_cache=False
        ).logits
        for r, row in enumerate(rows):
            start = 0
            while start < len(row.input_ids):
                end = start + 1
                while end < len(row.input_ids) and row.position_ids[end] != 0:
                    end += 1
                alone = model(input_ids=torch.tensor([row.input_ids[start:end]])).logits[0]
                # A conversation sees only itself: packing changes nothing about its logits.
                assert torch.allclose(packed[r, start:end], alone, atol=1e-5)
                start = end


def test_epoch_order_is_seeded_and_length_grouping_groups() -> None:
    lengths = [5, 100, 6, 98, 7, 97, 8, 99]
    sampler = EpochSampler(lengths, seed=1, group_size=2)
    sampler.set_epoch(0)
    first = list(sampler)
    assert first == list(sampler) and sorted(first) == list(range(8))
    sampler.set_epoch(1)
    assert list(sampler) != first
    pairs = [first[i : i + 2] for i in range(0, 8, 2)]
    assert all(abs(lengths[a] - lengths[b]) < 10 for a, b in pairs)


def test_warmup_then_cosine_to_the_floor() -> None:
    factor = cosine_with_warmup(warmup=4, total=20, min_ratio=0.1)
    assert [round(factor(s), 2) for s in range(4)] == [0.25, 0.5, 0.75, 1.0]
    assert factor(12) == pytest.approx(0.55)
    assert factor(20) == pytest.approx(0.1) and factor(25) == pytest.approx(0.1)


def test_gpu_bench_script_runs_on_cpu_with_the_tiny_shape(tmp_path: Path) -> None:
    sys.path.insert(0, str(REPO / "training" / "scripts"))
    import gpu_lora_bench

    torch.set_num_threads(1)
    out = tmp_path / "bench.json"
    results = gpu_lora_bench.main(
        [
            "--shape",
            "tiny",
            "--device",
            "cpu",
            "--seq",
            "64",
            "--steps",
            "2",
            "--warmup",
            "1",
            "--batch",
            "2",
            "--baseline-batch",
            "2",
            "--json",
            str(out),
        ]
    )
    assert results["baseline"]["tokens_per_s"] > 0 and results["ours"]["tokens_per_s"] > 0
    assert results["ratio"] > 0 and out.exists()
    # Both runs start from the same random model and data: their first losses agree.
    assert abs(results["ours"]["final_loss"] - results["baseline"]["final_loss"]) < 1.0


@pytest.mark.gpu
def test_gpu_lora_bench_7b_shape_prints_tokens_per_second_mfu_and_ratio(tmp_path: Path) -> None:
    """On a CUDA machine: the real benchmark, short (figures go to docs/training.md by hand)."""
    sys.path.insert(0, str(REPO / "training" / "scripts"))
    import gpu_lora_bench

    results = gpu_lora_bench.main(["--steps", "4", "--warmup", "2", "--json", str(tmp_path / "bench.json")])
    assert results["ours"]["tokens_per_s"] > 0 and results["baseline"]["tokens_per_s"] > 0
    assert results["ours"].get("mfu", 1.0) > 0
    assert results["ratio"] > 0


@pytest.mark.parametrize("name", ["fsdp.yaml", "deepspeed_zero3.yaml"])
def test_accelerate_config_files_use_only_keys_accelerate_launch_knows(name: str) -> None:
    from accelerate.commands.config.config_args import ClusterConfig
    from accelerate.commands.launch import launch_command_parser

    config = ClusterConfig.from_yaml_file(str(REPO / "training" / "accelerate" / name))
    known = {action.dest for action in launch_command_parser()._actions}
    section = config.fsdp_config if name.startswith("fsdp") else config.deepspeed_config
    assert section and set(section) <= known, set(section) - known
    assert config.mixed_precision == "bf16"


def test_the_completion_template_trains_exactly_the_continuation_of_the_fewshot_prompt() -> None:
    from bayling_local.prompts.fewshot import translation_prompt
    from training.data.schema import Turn
    from training.sft.encode import assistant_spans, prompt_format

    prompt = translation_prompt("Good morning.", "fra_Latn", "French", "eng_Latn", "English")
    text, spans = assistant_spans(
        (Turn("user", prompt), Turn("assistant", "Bonjour.")), prompt_format("completion")
    )
    assert text == prompt + " Bonjour.\n"  # what a base model run by bayling-local sees, then writes
    assert [text[start:end] for start, end in spans] == [" Bonjour.\n"]
    assert text.startswith(prompt) and prompt.endswith("French:")
