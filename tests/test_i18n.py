import re

from tests.conftest import ROOT
from ui.i18n import LANGS, TEXTS, format_change, format_number, format_value, t


def test_every_text_exists_in_both_languages_with_the_same_placeholders():
    for key, texts in TEXTS.items():
        assert set(texts) == set(LANGS), key
        assert all(texts[lang].strip() for lang in LANGS), key
        placeholders = {lang: set(re.findall(r"{(\w+)}", texts[lang])) for lang in LANGS}
        assert placeholders["nb"] == placeholders["en"], key


def test_every_text_key_used_in_the_code_exists():
    used = set()
    for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z0-9_]+)["']\s*[,)]""", path.read_text(encoding="utf-8")))
    assert used, "no t() calls found"
    missing = sorted(used - set(TEXTS))
    assert not missing, missing


def test_numbers_follow_the_language():
    assert format_value(92.4, "percent", "nb") == "92,4\u00a0%"
    assert format_value(92.4, "percent", "en") == "92.4%"
    assert format_number(33800, "nb") == "33\u202f800"
    assert format_number(33800, "en") == "33,800"
    assert format_value(17, "rank", "en") == "#17"
    assert format_change(-2.5, "percent", "nb") == "\u22122,5\u00a0prosentpoeng"
    assert format_change(3, "rank", "en") == "+3 places"
    assert t("goal_n", "en", n=3) == "Goal 3"
