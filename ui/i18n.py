"""Every user-facing string in bokmål and English, and number and date formatting per language.

Pages call `t(<key>, lang, **values)`. The texts are data: ui/texts/nb.toml and ui/texts/en.toml, one key set with
the same `{placeholders}` per key (tests/test_i18n.py checks both), read once at import.

Numbers and dates are formatted with Babel's locale data for `nb` and `en`: decimal mark, grouping (a no-break
space in bokmål, a comma in English), the percent pattern (`92,4 %` / `92.4%`) and the minus sign (U+2212 in
bokmål). Every number is rounded by the one rule, half up from its exact decimal (etl.schema.round_half_up: a text
as written, a float's shortest repr), before Babel sees it: Babel's own rounding is half to even (2.125 → 2.12).
How many decimals an observed figure gets is ui.precision's rule.
"""
from __future__ import annotations

import datetime as _dt
import math
import tomllib
from pathlib import Path

from babel.dates import format_datetime as _babel_datetime
from babel.numbers import (format_decimal, format_percent, get_decimal_symbol, get_group_symbol,
                           get_minus_sign_symbol)
from babel import Locale

from etl.schema import round_half_up

LANGS = ("nb", "en")
DEFAULT_LANG = "nb"
TEXT_DIR = Path(__file__).resolve().parent / "texts"


def _load(lang: str) -> dict[str, str]:
    with (TEXT_DIR / f"{lang}.toml").open("rb") as handle:
        return tomllib.load(handle)


TEXTS: dict[str, dict[str, str]] = {lang: _load(lang) for lang in LANGS}  # language → key → text


def _lang(lang: str) -> str:
    return lang if lang in LANGS else DEFAULT_LANG


def t(key: str, lang: str, **values: object) -> str:
    text = TEXTS[_lang(lang)][key]
    return text.format(**values) if values else text


def tn(key: str, lang: str, count: float, **values: object) -> str:
    """A text about `count` things: `<key>_one` or `<key>_other`, chosen by the language's plural rule (Babel's CLDR
    data: «1 indikator», «2 indikatorer»; "1 place", "2 places"). Both keys exist in both languages."""
    form = Locale.parse(_lang(lang)).plural_form(abs(count))
    return t(f"{key}_{'one' if form == 'one' else 'other'}", lang, **values)


def has_text(key: str) -> bool:
    return key in TEXTS[DEFAULT_LANG]


def geo_name(code: str, lang: str) -> str:
    key = f"geo_{code}"
    return t(key, lang) if has_text(key) else code


def flag_names(flags: str, lang: str) -> str:
    names = [t(f"flag_{flag}", lang) if has_text(f"flag_{flag}") else flag for flag in flags.split(";") if flag]
    return ", ".join(names)


# --------------------------------------------------------------------------------------------------------------
# Numbers
# --------------------------------------------------------------------------------------------------------------

MISSING = "–"
MAX_DECIMALS = 4
CHANGE_UNITS = {"percent": {"nb": "\u00a0prosentpoeng", "en": "\u00a0pp"},
                "rank": {"nb": " plasser", "en": " places"}}


def _is_missing(value: object) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(float(value))  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True  # pandas.NA and anything that is not a number


def _fraction(decimals: int | None) -> str:
    """The fraction part of a number pattern: exactly `decimals` digits, or up to four when None."""
    if decimals is None:
        return "." + "#" * MAX_DECIMALS
    return "." + "0" * decimals if decimals > 0 else ""


def _minus(text: str, lang: str) -> str:
    # Babel writes the pattern's ASCII '-'; the locale's own minus sign is U+2212 in bokmål.
    return text.replace("-", get_minus_sign_symbol(lang))


def _rounded(value, decimals: int | None):
    """The number rounded half up from its exact decimal to `decimals` places (up to four when None); no −0."""
    number = round_half_up(value, MAX_DECIMALS if decimals is None else decimals)
    return number.copy_abs() if number.is_zero() else number


def format_number(value, lang: str, decimals: int | None = None) -> str:
    """92.4 → '92,4' (nb) / '92.4' (en); thousands grouped per the locale (no-break space in nb, comma in en).
    `value` is a number or the figure as written ('79.25'); it is rounded half up ('79.25', 1 → '79,3').
    Without `decimals`, as many as needed up to four."""
    if _is_missing(value):
        return MISSING
    lang = _lang(lang)
    return _minus(format_decimal(_rounded(value, decimals), format="#,##0" + _fraction(decimals), locale=lang), lang)


def format_value(value, unit_kind: str, lang: str, decimals: int | None = None) -> str:
    if _is_missing(value):
        return MISSING
    lang = _lang(lang)
    if unit_kind == "percent":
        # The locale's percent pattern ('#,##0 %' in nb, '#,##0%' in en) with our fraction digits; the number is
        # rounded first, so Babel's ×100 and its own rounding leave it as it is.
        pattern = Locale.parse(lang).percent_formats[None].pattern.replace("#,##0", "#,##0" + _fraction(decimals), 1)
        return _minus(format_percent(_rounded(value, decimals) / 100, format=pattern, locale=lang), lang)
    number = format_number(value, lang, decimals)
    if unit_kind == "rank":
        return f"{number}." if lang == "nb" else f"#{number}"
    return number


def format_change(delta, unit_kind: str, lang: str, decimals: int | None = None) -> str:
    """A signed change: '+2,5 prosentpoeng', '−3 places', '±0'. The sign is always written (U+2212 for minus), and
    is the sign of the change as shown: a change that rounds to zero is '±0'."""
    if _is_missing(delta):
        return MISSING
    lang = _lang(lang)
    shown = _rounded(delta, decimals)
    sign = "+" if shown > 0 else ("\u2212" if shown < 0 else "±")
    return f"{sign}{format_number(abs(shown), lang, decimals)}{CHANGE_UNITS.get(unit_kind, {}).get(lang, '')}"


def chart_separators(lang: str) -> str:
    """Plotly's `separators`: the locale's decimal mark and group separator."""
    lang = _lang(lang)
    return get_decimal_symbol(lang) + get_group_symbol(lang)


# --------------------------------------------------------------------------------------------------------------
# Dates
# --------------------------------------------------------------------------------------------------------------

# Day first in bokmål, ISO order in English (readers anywhere); times are UTC and say so.
DATETIME_PATTERNS = {"nb": "dd.MM.y HH:mm", "en": "y-MM-dd HH:mm"}


def format_datetime(value: object, lang: str) -> str:
    """A timestamp as '01.12.2026 09:58 UTC' (nb) / '2026-12-01 09:58 UTC' (en); naive values are taken as UTC."""
    if _is_missing_time(value):
        return MISSING
    lang = _lang(lang)
    stamp = value.to_pydatetime() if hasattr(value, "to_pydatetime") else value
    if isinstance(stamp, str):
        stamp = _dt.datetime.fromisoformat(stamp)
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=_dt.timezone.utc)
    text = _babel_datetime(stamp, DATETIME_PATTERNS[lang], tzinfo=_dt.timezone.utc, locale=lang)
    return f"{text} UTC"


def _is_missing_time(value: object) -> bool:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return True
    return type(value).__name__ in ("NaTType", "NAType")

