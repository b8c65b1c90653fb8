import re
import tomllib

import pandas as pd

from tests.conftest import ROOT
from ui.i18n import LANGS, TEXT_DIR, TEXTS, format_change, format_datetime, format_number, format_value, t


def placeholders(text: str) -> set[str]:
    """The `{names}` a text fills in."""
    return set(re.findall(r"{(\w+)[^}]*}", text))


def test_the_texts_are_one_data_file_per_language():
    assert sorted(p.name for p in TEXT_DIR.iterdir() if not p.name.startswith(".")) == [f"{lang}.toml" for lang in
                                                                                         sorted(LANGS)]
    for lang in LANGS:
        with (TEXT_DIR / f"{lang}.toml").open("rb") as handle:
            assert tomllib.load(handle) == TEXTS[lang]


def test_both_languages_have_exactly_the_same_keys_and_placeholders():
    nb, en = TEXTS["nb"], TEXTS["en"]
    assert set(nb) == set(en), {"only nb": sorted(set(nb) - set(en)), "only en": sorted(set(en) - set(nb))}
    assert len(nb) > 100
    for key in nb:
        assert nb[key].strip() and en[key].strip(), key
        assert placeholders(nb[key]) == placeholders(en[key]), key
        # every placeholder can be filled in (no stray braces)
        values = {name: "x" for name in placeholders(nb[key])}
        t(key, "nb", **values), t(key, "en", **values)


def test_every_text_key_used_in_the_code_exists():
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    assert used, "no t() calls found"
    counted = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]:
        counted |= set(re.findall(r"""\btn\(\s*["']([a-z0-9_]+)["']\s*,""", path.read_text(encoding="utf-8")))
    assert counted, "no tn() calls found"
    used |= {f"{key}_{form}" for key in counted for form in ("one", "other")}
    missing = sorted(used - set(TEXTS["nb"]))
    assert not missing, missing


def test_texts_about_a_count_come_in_singular_and_plural():
    """A count is never «1 indikatorer» or "1 places": a text about n things is a pair <key>_one / <key>_other
    with the same placeholders, chosen by the language's plural rule (ui.i18n.tn, Babel's CLDR data)."""
    from ui.i18n import tn

    code = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "app.py", *ROOT.glob("pages/*.py"),
                                                               *ROOT.glob("ui/*.py")])
    counted = set(re.findall(r"""\btn\(\s*["']([a-z0-9_]+)["']\s*,""", code))
    assert {"rank_up", "rank_down", "card_basis", "assess_survey_line", "sure_fragile"} <= counted
    keys = TEXTS["nb"]
    for key in counted:
        assert placeholders(keys[f"{key}_one"]) | {"n"} >= placeholders(keys[f"{key}_other"]) >= placeholders(keys[f"{key}_one"]), key  # the singular may say «one» for {n}
        assert key not in keys, f"{key}: a counted text has only its _one and _other forms"
    assert tn("rank_down", "nb", 1, n="1") == "↓ 1 plass ned" and tn("rank_down", "nb", 2, n="2") == "↓ 2 plasser ned"
    assert tn("rank_up", "en", 1, n="1") == "↑ 1 place up" and tn("rank_up", "en", 3, n="3") == "↑ 3 places up"
    assert tn("assess_survey_line", "nb", 1, survey="S", year=2023, n=1, status="x") == "S: nyeste tall 2023 (1 indikator); x"
    assert tn("assess_survey_line", "en", 0, survey="S", year=2023, n=0, status="x") == "S: newest figure 2023 (0 indicators); x"
    assert "den indikatoren" in tn("sure_fragile", "nb", 1, low="1", high="2", indicators="x")
    assert "den indikatoren" not in tn("sure_fragile", "nb", 2, low="1", high="2", indicators="x, y")
    for lang in LANGS:  # no "(s)"/"(er)" shortcuts and no plural noun right after a literal 1 in the pairs
        for key, text in TEXTS[lang].items():
            if key.endswith("_one") and key[:-4] in counted:
                filled = text.format(**{p: "1" for p in placeholders(text)})
                assert not re.search(r"\b1 (indikatorer|indicators|plasser|places)\b", filled), (lang, key, filled)


def test_numbers_follow_the_language():
    assert format_value(92.4, "percent", "nb") == "92,4\u00a0%"
    assert format_value(92.4, "percent", "en") == "92.4%"
    # Babel's bokmål grouping separator is a no-break space (U+00A0); the hand-written formatter used U+202F.
    assert format_number(33800, "nb") == "33\u00a0800"
    assert format_number(33800, "en") == "33,800"
    assert format_number(0.8879, "nb") == "0,8879" and format_number(0.8879, "en") == "0.8879"
    assert format_number(-2.5, "nb") == "\u22122,5" and format_number(-2.5, "en") == "-2.5"
    assert format_number(2.0, "nb", decimals=2) == "2,00" and format_number(1.23456, "en") == "1.2346"
    assert format_number(None, "nb") == format_number(float("nan"), "en") == format_number(pd.NA, "en") == "–"
    assert format_value(17, "rank", "en") == "#17" and format_value(17, "rank", "nb") == "17."
    assert format_value(1.5, "percent", "nb", decimals=2) == "1,50\u00a0%"
    assert format_change(-2.5, "percent", "nb") == "\u22122,5\u00a0prosentpoeng"
    assert format_change(2.375, "index", "nb") == "+2,375"
    assert format_change(3, "rank", "en") == "+3 places"
    assert format_change(0, "percent", "en") == "±0\u00a0pp"
    assert t("goal_n", "en", n=3) == "Goal 3"


def test_dates_follow_the_language():
    stamp = pd.Timestamp("2026-12-01 09:58:31", tz="UTC")
    assert format_datetime(stamp, "nb") == "01.12.2026 09:58 UTC"
    assert format_datetime(stamp, "en") == "2026-12-01 09:58 UTC"
    assert format_datetime(pd.Timestamp("2026-12-01 10:58", tz="Europe/Oslo"), "en") == "2026-12-01 09:58 UTC"
    assert format_datetime(pd.NaT, "nb") == "–"


def test_every_text_is_used_by_the_code():
    """No dead texts: each key appears in the code as a literal, or starts with a prefix the code completes
    (e.g. t(f"status_{status}") or t("status_" + status))."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in [ROOT / "app.py", *ROOT.glob("pages/*.py"),
                                                               *ROOT.glob("ui/*.py")])
    literals = set(re.findall(r"""["']([a-z0-9_]+)["']""", code))
    prefixes = set(re.findall(r"""f["']([a-z0-9_]+_)\{""", code)) | set(re.findall(r"""["']([a-z0-9_]+_)["']\s*\+""", code))
    literals |= {f"{key}_{form}" for key in literals for form in ("one", "other")}  # tn("key", …) picks the form
    unused = sorted(k for k in TEXTS["nb"] if k not in literals and not any(k.startswith(p) for p in prefixes))
    assert not unused, unused
