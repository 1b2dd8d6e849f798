"""Packing and length-grouped batches, with a deterministic, resumable order.

Packing puts several conversations into one row of at most `max_length` tokens. Each keeps its own
`position_ids` (restarting at 0), from which transformers builds a block-diagonal causal mask: a token never
attends across a conversation boundary, and no compute goes to padding. Rows are shuffled per epoch with
(seed, epoch), so a resumed run sees exactly the batches the uninterrupted run would.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .encode import IGNORE, Encoded

OPEN_BINS = 16  # bins kept open while packing: near first-fit quality at O(n) cost


@dataclass(frozen=True)
class Row:
    """One training sequence: one conversation or several packed ones."""

    input_ids: list[int]
    labels: list[int]
    position_ids: list[int]


def pack(items: Sequence[Encoded], max_length: int, seed: int) -> list[Row]:
    """Greedy packing in a seeded order, keeping a few bins open."""
    order = list(range(len(items)))
    random.Random(seed).shuffle(order)
    bins: list[list[Encoded]] = []
    open_bins: list[int] = []
    sizes: list[int] = []
    for index in order:
        item = items[index]
        length = len(item.input_ids)
        target = next((b for b in open_bins if sizes[b] + length <= max_length), None)
        if target is None:
            bins.append([])
            sizes.append(0)
            target = len(bins) - 1
            open_bins.append(target)
            if len(open_bins) > OPEN_BINS:
                open_bins.remove(max(open_bins[:-1], key=lambda b: sizes[b]))
        bins[target].append(item)
        sizes[target] += length
    return [_join(members) for members in bins]


def _join(members: list[Encoded]) -> Row:
    ids: list[int] = []
    labels: list[int] = []
    positions: list[int] = []
    for item in members:
        ids += item.input_ids
        # The first token of a conversation is never a target of the previous one's last token.
        labels += [IGNORE, *item.labels[1:]]
        positions += list(range(len(item.input_ids)))
    return Row(ids, labels, positions)


def unpacked(items: Sequence[Encoded]) -> list[Row]:
    return [Row(i.input_ids, [IGNORE, *i.labels[1:]], list(range(len(i.input_ids)))) for i in items]


class EpochSampler:
    """Indices of rows in a per-epoch seeded order; optionally grouped by length."""

    def __init__(self, lengths: Sequence[int], seed: int, group_size: int | None = None) -> None:
        self.lengths = list(lengths)
        self.seed = seed
        self.group_size = group_size
        self.epoch = 0

    def set_epoch(self, epoch: int) -> None:
        self.epoch = epoch

    def __len__(self) -> int:
        return len(self.lengths)

    def __iter__(self) -> Iterator[int]:
        rng = random.Random(f"{self.seed}:{self.epoch}")
        order = list(range(len(self.lengths)))
        rng.shuffle(order)
        if self.group_size:
            # Sort inside mega-batches (like HF's LengthGroupedSampler), then shuffle the batches.
            size = self.group_size
            chunks = [
                sorted(order[i : i + size * 50], key=lambda j: -self.lengths[j])
                for i in range(0, len(order), size * 50)
            ]
            batches = [chunk[i : i + size] for chunk in chunks for i in range(0, len(chunk), size)]
            rng.shuffle(batches)
            order = [j for batch in batches for j in batch]
        return iter(order)


def collate(rows: Sequence[Row], pad_id: int, packed: bool) -> dict[str, Any]:
    """Pad a batch to its longest row. Packed batches carry position_ids and no attention mask."""
    import torch

    width = max(len(r.input_ids) for r in rows)
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    positions = torch.zeros((len(rows), width), dtype=torch.long)
    mask = torch.zeros((len(rows), width), dtype=torch.long)
    for i, row in enumerate(rows):
        n = len(row.input_ids)
        ids[i, :n] = torch.tensor(row.input_ids)
        labels[i, :n] = torch.tensor(row.labels)
        positions[i, :n] = torch.tensor(row.position_ids)
        mask[i, :n] = 1
    batch: dict[str, Any] = {"input_ids": ids, "labels": labels, "position_ids": positions}
    if not packed:
        batch["attention_mask"] = mask
    return batch
