"""A tiny supervised fastText model written in fastText's own binary format (version 12), so GlotLID's
code path runs through the real fasttext-predict library without a 1.7 GB download or a training library.

Each label has a few words of its own; a word's vector points at its label, so a line of those words is
that label's with high probability, and a line of none of them is even between all labels.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

MAGIC, VERSION = 793712314, 12
SOFTMAX, SUPERVISED = 3, 3
NEGATIVE_SAMPLING, SKIPGRAM = 2, 2
EOS = "</s>"


def write_fasttext(
    path: Path, words_by_label: dict[str, list[str]], strength: float = 6.0, supervised: bool = True
) -> bytes:
    """Write the model to `path` (labels without their `__label__` prefix) and return its bytes.
    `supervised=False` writes a word-vector model of the same words instead (no labels, skip-gram)."""
    labels = list(words_by_label)
    words = [EOS] + [word for label in labels for word in words_by_label[label]]
    vectors = np.zeros((len(words), len(labels)), dtype="<f4")
    row = 1
    for column, label in enumerate(labels):
        for _ in words_by_label[label]:
            vectors[row, column] = strength
            row += 1
    data = bytearray(struct.pack("<ii", MAGIC, VERSION))
    # dim ws epoch minCount neg wordNgrams loss model bucket minn maxn lrUpdateRate, then t: no char
    # n-grams (maxn 0) and no hash buckets, so only whole words count.
    kind = (SOFTMAX, SUPERVISED) if supervised else (NEGATIVE_SAMPLING, SKIPGRAM)
    data += struct.pack("<12id", len(labels), 5, 1, 1, 5, 1, *kind, 0, 0, 0, 100, 1e-4)
    named = [("__label__" + label, 1) for label in labels] if supervised else []
    entries = [(word, 0) for word in words] + named
    data += struct.pack("<iiiqq", len(entries), len(words), len(named), len(entries), -1)
    for text, kind in entries:
        data += text.encode() + b"\0" + struct.pack("<qb", 1, kind)
    data += struct.pack("<?", False) + struct.pack("<qq", *vectors.shape) + vectors.tobytes()
    output = np.eye(len(labels), dtype="<f4") if supervised else vectors
    data += struct.pack("<?", False) + struct.pack("<qq", *output.shape) + output.tobytes()
    path.write_bytes(bytes(data))
    return bytes(data)


# Labels as GlotLID writes them: FLORES codes, a macrolanguage FLORES has one variety of (Swahili), Chinese
# without its written form, and languages FLORES lacks (Scots, Low German).
GLOTLID_LIKE = {
    "fra_Latn": ["bonjour", "monde", "merci"],
    "deu_Latn": ["hallo", "welt", "danke"],
    "swa_Latn": ["habari", "asante"],
    "cmn_Hani": ["你好"],
    "sco_Latn": ["ken", "bairn", "kirk"],
    "nds_Latn": ["moin", "snacken"],
}
