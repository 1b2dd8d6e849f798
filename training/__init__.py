"""BayLing-2-style language alignment: the data builder (`training.data`) and SFT (`training.sft`).

Nothing heavy is imported here: torch, transformers, peft and accelerate load only inside `training.sft`
functions, so `bayling-local data build` works without them.
"""
