"""Write bayling_local/language/data/han_forms.json: the Chinese characters only Simplified (or only Traditional)
Chinese writes, which let `language/detect.py` tell the two forms apart from a few characters.

From OpenCC's character tables (Apache-2.0; the `opencc-python-reimplemented` wheel carries them, needed
only here): a character is Simplified-only when Simplified-to-Traditional conversion never keeps it
(这 -> 這; 后 is not, as Traditional also writes 后), Traditional-only when Traditional-to-Simplified never
keeps it (這 -> 这; 乾 is not).

    pip download --no-deps opencc-python-reimplemented && unzip -o opencc_python_reimplemented-*.whl
    python scripts/make_han_forms.py --dictionary opencc/dictionary
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

OUTPUT = Path(__file__).resolve().parents[1] / "bayling_local" / "language" / "data" / "han_forms.json"


def changed_by(table: Path) -> set[str]:
    """The characters a conversion table never maps to themselves."""
    found = set()
    for line in table.read_text(encoding="utf-8").splitlines():
        source, _, targets = line.partition("\t")
        if len(source) == 1 and source not in targets.split():
            found.add(source)
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dictionary", type=Path, required=True, help="OpenCC's dictionary folder")
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    simplified = changed_by(args.dictionary / "STCharacters.txt")
    traditional = changed_by(args.dictionary / "TSCharacters.txt")
    both = simplified & traditional  # written differently by each form: says nothing of which
    simplified, traditional = simplified - both, traditional - both
    data = {
        "simplified": "".join(sorted(simplified)),
        "traditional": "".join(sorted(traditional)),
        "about": "characters only Simplified / only Traditional Chinese writes, from OpenCC's STCharacters "
        "and TSCharacters tables (Apache-2.0); made by scripts/make_han_forms.py",
    }
    args.output.write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    print(f"wrote {args.output}: {len(simplified)} simplified-only, {len(traditional)} traditional-only")


if __name__ == "__main__":
    main()
