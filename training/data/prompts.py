"""Instruction templates written in several languages, and language names as each of them writes them.

Every template language has: `translate` (plain translation requests), `cross` (requests to say in another
language what a text says), `third` (multi-turn: translate on into a third language), `refine` (multi-turn:
the previous translation has errors, correct it), `register` (multi-turn: rewrite in a colloquial variety)
and `answer_in` (an instruction followed by "answer in {target}", for aligned instruction sets).
Placeholders: {source} {target} {third} {variety} (language names) and {text}.

The English set includes BayLing's own translation instruction from `bayling_local.prompts.formats`, so models
trained on this data also answer the runtime's `translate` prompt well.
"""

from __future__ import annotations

import functools

from bayling_local.prompts.formats import TRANSLATION_INSTRUCTION

TEMPLATES: dict[str, dict[str, tuple[str, ...]]] = {
    "eng_Latn": {
        "translate": (
            TRANSLATION_INSTRUCTION,
            "Translate the following {source} sentence into {target}.\n{text}",
            "{text}\n\nTranslate the text above into {target}.",
        ),
        "cross": (
            "What does this {source} sentence say? Answer in {target}.\n{text}",
            "Rewrite the following text in {target}, keeping its meaning:\n{text}",
        ),
        "third": ("Now translate it into {third}.", "Please give it in {third} as well."),
        "refine": ("That translation leaves out or misplaces some words. Please correct it.",),
        "register": ("Now rewrite it in colloquial {variety}.",),
        "answer_in": ("{text}\n\nPlease answer in {target}.", "Answer in {target}.\n{text}"),
    },
    "zho_Hans": {
        "translate": (
            "请把下面的{source}句子翻译成{target}：\n{text}",
            "将以下文本译为{target}：{text}",
            "{text}\n\n请将上面这段话翻译成{target}。",
        ),
        "cross": (
            "这句{source}是什么意思？请用{target}回答。\n{text}",
            "请用{target}改写下面这段文字，保持原意：\n{text}",
        ),
        "third": ("现在请把它翻译成{third}。", "再给出{third}的译文。"),
        "refine": ("这个译文漏掉或放错了一些词，请改正。",),
        "register": ("请改写成口语化的{variety}。",),
        "answer_in": ("{text}\n\n请用{target}回答。",),
    },
    "fra_Latn": {
        "translate": (
            "Traduis ce texte en {target} :\n{text}",
            "{text}\n\nTraduis le texte ci-dessus en {target}.",
        ),
        "cross": (
            "Que dit cette phrase ? Réponds en {target}.\n{text}",
            "Réécris le texte suivant en {target} en conservant son sens :\n{text}",
        ),
        "third": ("Maintenant, traduis-le en {third}.",),
        "refine": ("Cette traduction omet ou déplace certains mots. Corrige-la, s'il te plaît.",),
        "register": ("Réécris-le maintenant dans la variante parlée : {variety}.",),
        "answer_in": ("{text}\n\nRéponds en {target}.",),
    },
    "deu_Latn": {
        "translate": (
            "Übersetze den folgenden Text. Zielsprache: {target}.\n{text}",
            "{text}\n\nÜbersetze den obigen Text. Zielsprache: {target}.",
        ),
        "cross": (
            "Was sagt dieser Satz? Antworte auf {target}.\n{text}",
            "Formuliere den folgenden Text sinngemäß auf {target}:\n{text}",
        ),
        "third": ("Und jetzt bitte auf {third}.",),
        "refine": (
            "In dieser Übersetzung fehlen Wörter oder stehen an der falschen Stelle. Bitte korrigiere sie.",
        ),
        "register": ("Formuliere es jetzt umgangssprachlich, in dieser Varietät: {variety}.",),
        "answer_in": ("{text}\n\nAntworte auf {target}.",),
    },
    "spa_Latn": {
        "translate": (
            "Traduce la siguiente oración al {target}:\n{text}",
            "{text}\n\nTraduce el texto anterior al {target}.",
        ),
        "cross": (
            "¿Qué dice esta oración? Responde en {target}.\n{text}",
            "Reescribe el siguiente texto en {target} conservando su significado:\n{text}",
        ),
        "third": ("Ahora tradúcelo al {third}.",),
        "refine": (
            "A esa traducción le faltan palabras o tiene algunas fuera de lugar. Corrígela, por favor.",
        ),
        "register": ("Ahora reescríbelo en la variedad coloquial: {variety}.",),
        "answer_in": ("{text}\n\nResponde en {target}.",),
    },
    "rus_Cyrl": {
        "translate": ("Переведи следующий текст. Язык перевода: {target}.\n{text}",),
        "cross": ("Что говорится в этом предложении? Ответь на языке: {target}.\n{text}",),
        "third": ("Теперь переведи его. Язык перевода: {third}.",),
        "refine": ("В этом переводе пропущены или переставлены слова. Исправь его, пожалуйста.",),
        "register": ("Теперь перепиши его в разговорном варианте: {variety}.",),
        "answer_in": ("{text}\n\nОтветь на языке: {target}.",),
    },
    "jpn_Jpan": {
        "translate": (
            "次の文を{target}に翻訳してください。\n{text}",
            "{text}\n\n上の文章を{target}に訳してください。",
        ),
        "cross": (
            "この文は何と言っていますか？{target}で答えてください。\n{text}",
            "次の文章を意味を保ったまま{target}で書き直してください。\n{text}",
        ),
        "third": ("では、それを{third}に翻訳してください。",),
        "refine": ("この翻訳には抜けている語や位置の誤った語があります。修正してください。",),
        "register": ("次に、口語的な{variety}で書き直してください。",),
        "answer_in": ("{text}\n\n{target}で答えてください。",),
    },
    "por_Latn": {
        "translate": ("Traduza a frase a seguir para o {target}:\n{text}",),
        "cross": ("O que diz esta frase? Responda em {target}.\n{text}",),
        "third": ("Agora traduza para o {third}.",),
        "refine": ("Essa tradução omite ou troca de lugar algumas palavras. Corrija-a, por favor.",),
        "register": ("Agora reescreva na variante coloquial: {variety}.",),
        "answer_in": ("{text}\n\nResponda em {target}.",),
    },
}
TEMPLATE_LANGUAGES = tuple(TEMPLATES)

# How each template language names the major languages; every other language falls back to its English name.
LOCAL_NAMES: dict[str, dict[str, str]] = {
    "zho_Hans": {
        "eng_Latn": "英语",
        "zho_Hans": "简体中文",
        "zho_Hant": "繁体中文",
        "fra_Latn": "法语",
        "deu_Latn": "德语",
        "spa_Latn": "西班牙语",
        "rus_Cyrl": "俄语",
        "jpn_Jpan": "日语",
        "por_Latn": "葡萄牙语",
        "arb_Arab": "阿拉伯语",
    },
    "fra_Latn": {
        "eng_Latn": "anglais",
        "zho_Hans": "chinois",
        "fra_Latn": "français",
        "deu_Latn": "allemand",
        "spa_Latn": "espagnol",
        "rus_Cyrl": "russe",
        "jpn_Jpan": "japonais",
        "por_Latn": "portugais",
        "arb_Arab": "arabe",
    },
    "deu_Latn": {
        "eng_Latn": "Englisch",
        "zho_Hans": "Chinesisch",
        "fra_Latn": "Französisch",
        "deu_Latn": "Deutsch",
        "spa_Latn": "Spanisch",
        "rus_Cyrl": "Russisch",
        "jpn_Jpan": "Japanisch",
        "por_Latn": "Portugiesisch",
        "arb_Arab": "Arabisch",
    },
    "spa_Latn": {
        "eng_Latn": "inglés",
        "zho_Hans": "chino",
        "fra_Latn": "francés",
        "deu_Latn": "alemán",
        "spa_Latn": "español",
        "rus_Cyrl": "ruso",
        "jpn_Jpan": "japonés",
        "por_Latn": "portugués",
        "arb_Arab": "árabe",
    },
    "rus_Cyrl": {
        "eng_Latn": "английский",
        "zho_Hans": "китайский",
        "fra_Latn": "французский",
        "deu_Latn": "немецкий",
        "spa_Latn": "испанский",
        "rus_Cyrl": "русский",
        "jpn_Jpan": "японский",
        "por_Latn": "португальский",
        "arb_Arab": "арабский",
    },
    "jpn_Jpan": {
        "eng_Latn": "英語",
        "zho_Hans": "中国語",
        "fra_Latn": "フランス語",
        "deu_Latn": "ドイツ語",
        "spa_Latn": "スペイン語",
        "rus_Cyrl": "ロシア語",
        "jpn_Jpan": "日本語",
        "por_Latn": "ポルトガル語",
        "arb_Arab": "アラビア語",
    },
    "por_Latn": {
        "eng_Latn": "inglês",
        "zho_Hans": "chinês",
        "fra_Latn": "francês",
        "deu_Latn": "alemão",
        "spa_Latn": "espanhol",
        "rus_Cyrl": "russo",
        "jpn_Jpan": "japonês",
        "por_Latn": "português",
        "arb_Arab": "árabe",
    },
}

# Standard -> colloquial varieties that FLORES-200 carries as separate aligned languages: the data behind
# the "change register" turn (a rewrite from Modern Standard Arabic into a spoken Arabic).
REGISTER_SHIFTS: dict[str, tuple[str, ...]] = {
    "arb_Arab": (
        "arz_Arab",
        "ary_Arab",
        "apc_Arab",
        "ajp_Arab",
        "acm_Arab",
        "aeb_Arab",
        "ars_Arab",
        "acq_Arab",
    ),
}


@functools.cache
def _english_names() -> dict[str, str]:
    try:
        from bayling_local.language.table import LANGUAGE_ROWS
    except ImportError:  # the table is optional for the builder: codes are a usable fallback
        return {}
    return {row[0]: row[1] for row in LANGUAGE_ROWS}


def language_name(code: str, in_language: str) -> str:
    """The name of `code` as written in a template of language `in_language`."""
    local = LOCAL_NAMES.get(in_language, {}).get(code)
    return local or _english_names().get(code, code)


def fill(template: str, in_language: str, text: str = "", **codes: str) -> str:
    """Fill a template: keyword arguments are language codes, turned into names of `in_language`."""
    names = {key: language_name(code, in_language) for key, code in codes.items()}
    return template.format(text=text, **names)
