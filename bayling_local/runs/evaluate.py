"""FLORES-200 evaluation: translate aligned dev sentences, score BLEU and chrF++ per direction with sacrebleu.

The data is a folder of aligned `<code>.txt` files (one sentence a line, same line = same sentence), or the
FLORES-200 dev archive itself, extracted into a temporary folder for the run and deleted afterwards.

Tokenizers, stated in every report: BLEU uses sacrebleu's `13a`, except `zh` for Chinese targets and `char`
for Japanese, Korean, Thai, Lao, Khmer, Burmese and Tibetan targets (sacrebleu's `ja-mecab`/`ko-mecab` need
extra packages, and the FLORES-200 SentencePiece tokenizer is a download). chrF++ is chrF with word_order=2.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

from ..config import GenerationConfig, RuntimeConfig
from ..errors import InputError, UsageError

# Targets written without spaces between words: BLEU over characters.
CHAR_SCRIPTS = ("jpn_", "kor_", "tha_", "lao_", "khm_", "mya_", "bod_", "dzo_")
CHRF_WORD_ORDER = 2


def bleu_tokenizer(target: str) -> str:
    """The sacrebleu BLEU tokenizer used for sentences in the `target` language."""
    if target.startswith(("zho_", "yue_")):
        return "zh"
    if target.startswith(CHAR_SCRIPTS):
        return "char"
    return "13a"


@contextlib.contextmanager
def flores_folder(data: Path) -> Iterator[Path]:
    """The folder of `<code>.txt` files inside `data` (a folder or a .tar/.tar.xz/.tar.gz archive)."""
    data = Path(data)
    if not data.exists():
        raise InputError(
            f"{data} does not exist; give a FLORES-200 folder or the flores200-dev.tar.xz archive"
        )
    if data.is_dir():
        yield _richest_folder(data)
        return
    if not tarfile.is_tarfile(data):
        raise InputError(f"{data} is neither a folder nor a tar archive of FLORES-200 `<code>.txt` files")
    with tempfile.TemporaryDirectory(prefix="bayling-flores-") as tmp:
        with tarfile.open(data) as archive:
            archive.extractall(tmp, filter="data")
        yield _richest_folder(Path(tmp))


def _richest_folder(root: Path) -> Path:
    """The folder under `root` holding the most `<code>.txt` files (dev510 over dev997 in the dev archive)."""
    best, count = root, len(list(root.glob("*_*.txt")))
    for folder in root.rglob("*"):
        if folder.is_dir():
            here = len(list(folder.glob("*_*.txt")))
            if here > count:
                best, count = folder, here
    if count == 0:
        raise InputError(f"no FLORES-style `<code>.txt` files (e.g. eng_Latn.txt) found in {root}")
    return best


def available_codes(folder: Path) -> list[str]:
    return sorted(p.stem for p in folder.glob("*_*.txt"))


def parse_pairs(spec: str, codes: list[str]) -> list[tuple[str, str]]:
    """`eng_Latn-fra_Latn,zho_Hans-eng_Latn`, `all-to-eng_Latn` or `eng_Latn-to-all` into (source, target)."""
    from ..language.names import resolve_language

    def code(text: str) -> str:
        return text if text in codes else resolve_language(text).code

    pairs: list[tuple[str, str]] = []
    for item in (part.strip() for part in spec.split(",")):
        if not item:
            continue
        if item.startswith("all-to-"):
            target = code(item[len("all-to-") :])
            pairs += [(c, target) for c in codes if c != target]
        elif item.endswith("-to-all"):
            source = code(item[: -len("-to-all")])
            pairs += [(source, c) for c in codes if c != source]
        else:
            source, sep, target = item.partition("-")
            if not sep or not target:
                raise UsageError(
                    f"bad pair {item!r}; write SOURCE-TARGET like eng_Latn-fra_Latn, or all-to-eng_Latn"
                )
            pair = (code(source), code(target))
            if pair[0] == pair[1]:
                raise UsageError(
                    f"{item!r} translates {pair[0]} into itself; a direction needs two languages"
                )
            pairs.append(pair)
    missing = sorted({c for pair in pairs for c in pair} - set(codes))
    if missing:
        raise UsageError(
            f"no data for {', '.join(missing)} in the FLORES folder; available: {len(codes)} languages"
        )
    if not pairs:
        raise UsageError("no translation directions given; e.g. --pairs eng_Latn-fra_Latn")
    return list(dict.fromkeys(pairs))


def read_sentences(folder: Path, code: str, limit: int | None) -> list[str]:
    lines = (folder / f"{code}.txt").read_text(encoding="utf-8").splitlines()
    return lines[:limit] if limit else lines


@dataclass
class DirectionScore:
    """One model on one direction."""

    source: str
    target: str
    sentences: int
    bleu: float
    chrf_pp: float
    bleu_tokenizer: str
    seconds: float
    hypotheses: list[str] = field(default_factory=list, repr=False)


@dataclass
class ModelReport:
    """All directions of one model, and their averages."""

    model: str
    directions: list[DirectionScore]

    @property
    def bleu(self) -> float:
        return sum(d.bleu for d in self.directions) / max(1, len(self.directions))

    @property
    def chrf_pp(self) -> float:
        return sum(d.chrf_pp for d in self.directions) / max(1, len(self.directions))


def score(hypotheses: list[str], references: list[str], target: str) -> tuple[float, float]:
    """(BLEU, chrF++) of a whole direction, as sacrebleu computes them on the corpus."""
    from sacrebleu.metrics import BLEU, CHRF

    bleu = BLEU(tokenize=bleu_tokenizer(target)).corpus_score(hypotheses, [references])
    chrf = CHRF(word_order=CHRF_WORD_ORDER).corpus_score(hypotheses, [references])
    return round(bleu.score, 2), round(chrf.score, 2)


TranslateFn = Callable[[list[str], str, str], list[str]]
"""(sentences, source code, target code) -> one translation per sentence."""


def evaluate_model(
    name: str,
    translate: TranslateFn,
    folder: Path,
    pairs: list[tuple[str, str]],
    limit: int | None,
    on_direction: Callable[[DirectionScore], None] | None = None,
) -> ModelReport:
    """Translate and score every direction with one model."""
    directions = []
    for source, target in pairs:
        sources = read_sentences(folder, source, limit)
        references = read_sentences(folder, target, limit)
        started = time.perf_counter()
        hypotheses = translate(sources, source, target)
        bleu, chrf = score(hypotheses, references, target)
        direction = DirectionScore(
            source,
            target,
            len(sources),
            bleu,
            chrf,
            bleu_tokenizer(target),
            round(time.perf_counter() - started, 2),
            hypotheses,
        )
        directions.append(direction)
        if on_direction is not None:
            on_direction(direction)
    return ModelReport(name, directions)


def report_json(reports: list[ModelReport], meta: dict[str, object]) -> dict[str, object]:
    return {
        **meta,
        "metrics": {
            "bleu": "sacrebleu BLEU (tokenizer per direction)",
            "chrf++": f"chrF word_order={CHRF_WORD_ORDER}",
        },
        "models": [
            {
                "model": r.model,
                "average": {"bleu": round(r.bleu, 2), "chrf++": round(r.chrf_pp, 2)},
                "directions": [
                    {k: v for k, v in asdict(d).items() if k != "hypotheses"} for d in r.directions
                ],
            }
            for r in reports
        ],
    }


def report_markdown(reports: list[ModelReport], meta: dict[str, object]) -> str:
    """Side-by-side table: one row per direction, BLEU and chrF++ columns per model."""
    header = ["Direction", "BLEU tok."]
    for r in reports:
        header += [f"{r.model} BLEU", f"{r.model} chrF++"]
    rows = [header, ["---"] * len(header)]
    for i, first in enumerate(reports[0].directions):
        row = [f"{first.source} → {first.target}", first.bleu_tokenizer]
        for r in reports:
            d = r.directions[i]
            row += [f"{d.bleu:.2f}", f"{d.chrf_pp:.2f}"]
        rows.append(row)
    average = ["**Average**", ""]
    for r in reports:
        average += [f"**{r.bleu:.2f}**", f"**{r.chrf_pp:.2f}**"]
    rows.append(average)
    lines = ["# FLORES-200 evaluation", ""]
    lines += [f"- {key}: {value}" for key, value in meta.items()]
    lines += [
        "- BLEU: sacrebleu, tokenizer `13a` (`zh` for Chinese targets, `char` for Japanese/Korean/Thai/Lao/"
        "Khmer/Burmese/Tibetan targets); chrF++: sacrebleu chrF with word_order=2.",
        "",
    ]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


def write_reports(stem: Path, reports: list[ModelReport], meta: dict[str, object]) -> tuple[Path, Path]:
    """Write `<stem>.md` and `<stem>.json` atomically; return both paths."""
    from ..atomic import atomic_write

    md_path, json_path = Path(f"{stem}.md"), Path(f"{stem}.json")
    with atomic_write(json_path) as handle:
        json.dump(report_json(reports, meta), handle, indent=2, ensure_ascii=False)
        handle.write("\n")
    with atomic_write(md_path) as handle:
        handle.write(report_markdown(reports, meta))
    return md_path, json_path


@dataclass
class EvalJob:
    """One `eval flores` run, resolved."""

    data: Path
    """A FLORES-200-style folder of `<code>.txt` files, or the dev archive."""
    pairs: str
    """Directions: `eng_Latn-fra_Latn,...`, `all-to-eng_Latn` or `eng_Latn-to-all`."""
    models: list[str | None]
    """Models to compare (None: the default model)."""
    runtime: RuntimeConfig
    generation: GenerationConfig
    limit: int | None = 100
    """First N sentences of each file (None: all)."""
    output: Path = Path("flores-eval")
    """Reports go to `<output>.md` and `<output>.json`."""
    parallel: int | None = None
    """Segments decoded at once (None: from model size and threads)."""
    log: Callable[[str], None] = field(default=lambda line: None)
    """Progress lines (stderr in the CLI)."""


def run_eval(job: EvalJob) -> list[ModelReport]:
    """Evaluate every model on every direction; write the Markdown and JSON reports."""
    from ..config import save_beside

    reports: list[ModelReport] = []
    with flores_folder(job.data) as folder:
        pairs = parse_pairs(job.pairs, available_codes(folder))
        for model in job.models:
            runtime = dataclasses.replace(job.runtime, model=model)
            reports.append(_evaluate_one(job, runtime, folder, pairs, evaluate_model))
    meta: dict[str, object] = {
        "data": str(job.data),
        "sentences per direction": job.limit or "all",
        "directions": len(pairs),
        "decoding": "greedy"
        if job.generation.temperature <= 0
        else f"temperature {job.generation.temperature}",
        "max_retries": job.generation.max_retries,
        "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
    }
    _, json_path = write_reports(job.output, reports, meta)
    save_beside(json_path, job.runtime, job.generation, extra={"models": [r.model for r in reports]})
    return reports


def _evaluate_one(
    job: EvalJob,
    runtime: RuntimeConfig,
    folder: Path,
    pairs: list[tuple[str, str]],
    evaluate_model: Callable[..., ModelReport],
) -> ModelReport:
    from ..language.names import resolve_language
    from ..store.opening import open_engine
    from ..translation.batch import translate_segments
    from ..translation.translator import make_translator

    engine = open_engine(runtime, slots=job.parallel)
    if engine.notice:
        job.log(engine.notice)

    def translate(sentences: list[str], source: str, target: str) -> list[str]:
        translator = make_translator(
            engine, resolve_language(target), resolve_language(source), job.generation
        )
        return [r.translation for r in translate_segments(translator, sentences)]

    def progress(d: DirectionScore) -> None:
        job.log(
            f"{engine.name}: {d.source} -> {d.target}: BLEU {d.bleu:.2f}, chrF++ {d.chrf_pp:.2f} ({d.seconds:.0f} s)"
        )

    try:
        return evaluate_model(engine.name, translate, folder, pairs, job.limit, progress)
    finally:
        engine.close()
