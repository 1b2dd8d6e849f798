"""Completion prompts that make a base model (no chat tuning) translate: a few example pairs, then the text.

The examples are short everyday sentences written for this project in the languages we have them for; a
pair whose languages lack examples falls back to a plain instruction line.
"""

from __future__ import annotations

from collections.abc import Sequence

# FLORES code -> the same two sentences in that language.
EXAMPLES: dict[str, tuple[str, str]] = {
    "eng_Latn": ("I would like a cup of coffee, please.", "The library opens at nine in the morning."),
    "fra_Latn": (
        "Je voudrais une tasse de café, s'il vous plaît.",
        "La bibliothèque ouvre à neuf heures du matin.",
    ),
    "deu_Latn": ("Ich hätte gern eine Tasse Kaffee, bitte.", "Die Bibliothek öffnet um neun Uhr morgens."),
    "spa_Latn": ("Quisiera una taza de café, por favor.", "La biblioteca abre a las nueve de la mañana."),
    "ita_Latn": ("Vorrei una tazza di caffè, per favore.", "La biblioteca apre alle nove del mattino."),
    "por_Latn": ("Eu gostaria de uma xícara de café, por favor.", "A biblioteca abre às nove da manhã."),
    "nld_Latn": (
        "Ik wil graag een kopje koffie, alstublieft.",
        "De bibliotheek gaat om negen uur 's ochtends open.",
    ),
    "rus_Cyrl": ("Я бы хотел чашку кофе, пожалуйста.", "Библиотека открывается в девять утра."),
    "zho_Hans": ("请给我一杯咖啡。", "图书馆早上九点开门。"),
    "zho_Hant": ("請給我一杯咖啡。", "圖書館早上九點開門。"),
    "jpn_Jpan": ("コーヒーを一杯お願いします。", "図書館は朝九時に開きます。"),
    "kor_Hang": ("커피 한 잔 주세요.", "도서관은 아침 아홉 시에 문을 엽니다."),
    "arb_Arab": ("أريد فنجان قهوة من فضلك.", "تفتح المكتبة في الساعة التاسعة صباحًا."),
    "hin_Deva": ("मुझे एक कप कॉफ़ी चाहिए, कृपया।", "पुस्तकालय सुबह नौ बजे खुलता है।"),
    "tur_Latn": ("Bir fincan kahve istiyorum, lütfen.", "Kütüphane sabah dokuzda açılır."),
    "pol_Latn": ("Poproszę filiżankę kawy.", "Biblioteka jest otwierana o dziewiątej rano."),
    "vie_Latn": ("Làm ơn cho tôi một tách cà phê.", "Thư viện mở cửa lúc chín giờ sáng."),
    "ind_Latn": ("Saya mau secangkir kopi, tolong.", "Perpustakaan buka pukul sembilan pagi."),
    "ukr_Cyrl": ("Я б хотів чашку кави, будь ласка.", "Бібліотека відкривається о дев'ятій ранку."),
}


def translation_prompt(
    text: str,
    target_code: str,
    target_label: str,
    source_code: str | None,
    source_label: str | None,
    strict: bool = False,
    earlier: Sequence[tuple[str, str]] = (),
    terms: Sequence[tuple[str, str]] = (),
    note: str | None = None,
) -> str:
    """A few-shot completion prompt that ends where the translation should begin (`strict`: the header also
    says to translate all of it, for the retry after a failed check). `earlier`: the text's own segments
    before this one with their translations, as the last examples (closest to the line asked for). `terms`:
    (source, target) glossary terms, in a line just before the text (after the examples, so every prompt
    keeps the start the scheduler shares). `note`: what the text is (a PO entry's context and comments), a
    line before it that is not to be translated."""
    source_label = source_label or "Original"
    examples_source = EXAMPLES.get(source_code or "eng_Latn", EXAMPLES["eng_Latn"])
    examples_target = EXAMPLES.get(target_code)
    lines: list[str] = []
    pairs: list[tuple[str, str]] = []
    if (source_code in EXAMPLES or source_code is None) and examples_target:
        pairs = list(zip(examples_source, examples_target, strict=True))
    header = (
        f"Translate from {source_label} to {target_label}."
        if source_code
        else f"Translate to {target_label}."
    )
    if strict:
        header += f" Translate every word of the {source_label} line into {target_label}; never copy it."
    lines.append(header)
    for example_source, example_target in [*pairs, *earlier]:
        lines.append(f"{source_label}: {example_source}")
        lines.append(f"{target_label}: {example_target}")
    if note:
        lines.append(f"Note (not to translate): {note}")
    if terms:
        glossary = "; ".join(f"{before} = {after}" for before, after in dict.fromkeys(terms))
        lines.append(f"Glossary ({source_label} = {target_label}): {glossary}")
    lines.append(f"{source_label}: {text}")
    lines.append(f"{target_label}:")
    return "\n".join(lines)
