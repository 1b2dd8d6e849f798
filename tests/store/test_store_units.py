"""Pure functions of the store: names, specs, file choice, catalogue advice, registration and removal."""

from __future__ import annotations

from pathlib import Path

import pytest

from bayling_local import paths
from bayling_local.errors import StoreError, UsageError
from bayling_local.store import catalogue, lookup
from bayling_local.store.choose import checkpoint_files, choose_gguf, parse_spec, quant_label, split_tag
from bayling_local.store.names import check_file_name, check_name, check_revision, model_folder


@pytest.mark.parametrize(
    "name", ["../evil", "..", ".", ".hidden", "a/b", "a\\b", "", "x" * 65, "nul", "con.txt", "a..b"]
)
def test_unsafe_names_are_refused(name: str) -> None:
    with pytest.raises(UsageError, match="invalid model name"):
        check_name(name)


@pytest.mark.parametrize("name", ["bayling-2-8b", "tiny_llama.q4_k_m", "Model7"])
def test_good_names_map_to_a_child_of_the_store(name: str) -> None:
    assert model_folder(name).parent == paths.models_dir().resolve()


@pytest.mark.parametrize("bad", ["../x", "main/..", "/abs", "a/../../b"])
def test_bad_revisions_are_refused(bad: str) -> None:
    with pytest.raises(UsageError):
        check_revision(bad)


@pytest.mark.parametrize("remote", ["../x.gguf", "sub/..", ".hidden.gguf", "a\\b.gguf"])
def test_unsafe_remote_file_names_are_refused(remote: str) -> None:
    with pytest.raises(UsageError):
        check_file_name(remote)


def test_specs_resolve_catalogue_names_revisions_and_tags() -> None:
    spec = parse_spec("bayling-2-8b:Q5_K_M")
    assert (spec.repo_id, spec.revision, spec.tag, spec.alias) == (
        "ICTNLP/bayling-2-llama-3-8b",
        "main",
        "q5_k_m",
        "bayling-2-8b",
    )
    assert parse_spec("bayling-2-7b").repo_id == "ICTNLP/bayling-2-7b"
    assert parse_spec("bayling-2-13b").repo_id == "ICTNLP/bayling-2-13b"
    spec = parse_spec("org/name@v1.0:f16")
    assert (spec.repo_id, spec.revision, spec.tag, spec.alias) == ("org/name", "v1.0", "f16", None)
    with pytest.raises(UsageError, match="unknown model 'llama'"):
        parse_spec("llama")


def test_an_unknown_quantization_is_refused_before_any_network() -> None:
    with pytest.raises(UsageError, match="unknown quantization 'q9_z'"):
        parse_spec("bayling-2-8b:q9_z")
    for tag in ("q4_k_m", "IQ3_XXS", "bf16", "f32", "q8-0"):
        assert parse_spec(f"org/name:{tag}").tag == tag.lower().replace("-", "_")


def test_quant_labels_and_gguf_choice() -> None:
    assert quant_label("Model-7B.Q4_K_M.gguf") == "q4_k_m"
    assert quant_label("sub/model-iq4_xs.gguf") == "iq4_xs"
    assert quant_label("model-f16.gguf") == "f16"
    files = ["m.Q4_K_M.gguf", "m.Q8_0.gguf", "mmproj-m.f16.gguf", "README.md"]
    assert choose_gguf(files, None, "q4_k_m") == ["m.Q4_K_M.gguf"]
    assert choose_gguf(files, "q8_0", "q4_k_m") == ["m.Q8_0.gguf"]
    assert choose_gguf(["only.gguf"], None, "q4_k_m") == ["only.gguf"]
    split = ["m.Q4_K_M-00002-of-00002.gguf", "m.Q4_K_M-00001-of-00002.gguf"]
    assert choose_gguf(split, None, "q4_k_m") == sorted(split)


def test_conversion_tags_quantize_from_the_auto_intermediate() -> None:
    """A BF16 checkpoint is quantized from BF16 (no cast, no f16 overflow); unquantized tags stay explicit."""
    assert split_tag(None, "q5_k_m") == ("auto", "q5_k_m")
    assert split_tag("q4-k-m", "q8_0") == ("auto", "q4_k_m")
    assert split_tag("bf16", "q4_k_m") == ("bf16", None)
    assert split_tag("f16", "q4_k_m") == ("f16", None)


def test_checkpoint_files_skip_pickles_and_extras() -> None:
    files = [
        "config.json",
        "model-00001.safetensors",
        "pytorch_model.bin",
        "tokenizer.json",
        "onnx/model.onnx",
    ]
    assert checkpoint_files(files) == ["config.json", "model-00001.safetensors", "tokenizer.json"]
    with pytest.raises(StoreError, match="only pickled weights"):
        checkpoint_files(["config.json", "pytorch_model.bin"])


@pytest.mark.parametrize(
    ("ram", "quant", "fits"),
    [(64.0, "q8_0", True), (8.0, "q5_k_m", True), (6.5, "q4_k_m", True), (4.0, "q4_k_m", False)],
)
def test_quantization_advice_follows_available_ram(ram: float, quant: str, fits: bool) -> None:
    entry = catalogue.find("bayling-2-8b")
    assert entry is not None and entry.template == "bayling3"
    advice = catalogue.recommend_quant(entry, ram)
    assert (advice.quant, advice.fits) == (quant, fits)


def test_catalogue_templates() -> None:
    assert catalogue.find("bayling-2-7b").template == "bayling"  # type: ignore[union-attr]
    assert catalogue.find("ICTNLP/bayling-2-13b").template == "bayling"  # type: ignore[union-attr]


def test_folder_without_manifest_is_invisible_and_cleaned_by_the_next_registration(
    tmp_path: Path, gguf_repo_files: dict[str, bytes]
) -> None:
    from bayling_local.store import register

    leftover = paths.models_dir() / "tiny"
    leftover.mkdir(parents=True)
    (leftover / "half.gguf.part").write_bytes(b"GGUF")
    assert lookup("tiny") is None  # an interrupted registration never shows
    source = tmp_path / "t.gguf"
    source.write_bytes(gguf_repo_files["tiny-llama.F16.gguf"])
    folder = register.begin("tiny", force=False)
    placed = register.place_file(source, folder, "t.gguf", move=False)
    register.finish(folder, placed, register.Registration(name="tiny", kind="imported"), "0" * 64)
    assert sorted(p.name for p in leftover.iterdir()) == ["manifest.json", "t.gguf"]
    assert lookup("tiny") is not None
