"""Every user-facing string in bokmål and English, and number formatting per language.

Pages call `t(<key>, lang, **values)`. The texts live in ui/texts/ (one module per area) and are merged here;
a key defined twice, or missing a language, fails the tests (tests/test_i18n.py).
"""
from __future__ import annotations

import math

from ui.texts import core, pages, scores

TEXT_MODULES = [core, scores, pages]

LANGS = ("nb", "en")
DEFAULT_LANG = "nb"

TEXTS: dict[str, dict[str, str]] = {}
for _module in TEXT_MODULES:
    for _key, _value in _module.TEXTS.items():
        if _key in TEXTS:
            raise KeyError(f"text key {_key!r} is defined twice ({_module.__name__})")
        TEXTS[_key] = _value


def t(key: str, lang: str, **values: object) -> str:
    text = TEXTS[key][lang if lang in LANGS else DEFAULT_LANG]
    return text.format(**values) if values else text


def geo_name(code: str, lang: str) -> str:
    key = f"geo_{code}"
    return t(key, lang) if key in TEXTS else code


def flag_names(flags: str, lang: str) -> str:
    names = [t(f"flag_{flag}", lang) if f"flag_{flag}" in TEXTS else flag for flag in flags.split(";") if flag]
    return ", ".join(names)


def format_number(value: float | None, lang: str, decimals: int | None = None) -> str:
    """92.4 → '92,4' (nb) / '92.4' (en); thousands grouped with a narrow space (nb) or a comma (en)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if decimals is None:
        decimals = 0 if float(value).is_integer() else min(_decimals_needed(value), 4)
    text = f"{value:,.{decimals}f}"
    if lang == "nb":
        text = text.replace(",", "\u202f").replace(".", ",").replace("-", "\u2212")
    return text


def format_value(value: float | None, unit_kind: str, lang: str, decimals: int | None = None) -> str:
    number = format_number(value, lang, decimals)
    if number == "–":
        return number
    if unit_kind == "percent":
        return f"{number}\u00a0%" if lang == "nb" else f"{number}%"
    if unit_kind == "rank":
        return f"{number}." if lang == "nb" else f"#{number}"
    return number


def format_change(delta: float | None, unit_kind: str, lang: str) -> str:
    if delta is None or (isinstance(delta, float) and math.isnan(delta)):
        return "–"
    sign = "+" if delta > 0 else ("\u2212" if delta < 0 else "±")
    number = format_number(abs(delta), lang)
    if unit_kind == "percent":
        return f"{sign}{number}\u00a0{'prosentpoeng' if lang == 'nb' else 'pp'}"
    if unit_kind == "rank":
        places = "plasser" if lang == "nb" else "places"
        return f"{sign}{number} {places}"
    return f"{sign}{number}"


def _decimals_needed(value: float) -> int:
    text = f"{value:.6f}".rstrip("0")
    return len(text.split(".")[1]) if "." in text else 0
