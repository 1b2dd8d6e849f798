"""Prompt formats: BayLing's and BayLing-3's templates, a GGUF's own chat template, and the few-shot prompt a
base model is driven with (`formats`, `fewshot`)."""
