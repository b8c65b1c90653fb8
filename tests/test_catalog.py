from pathlib import Path

import pytest

from indicators.catalog import CatalogError, load_catalog
from tests.conftest import ROOT


def test_small_catalogue_loads(small_catalog):
    catalog = load_catalog(small_catalog)
    assert list(catalog.goals["goal_id"]) == ["G1", "G2"]
    share = catalog.indicators.set_index("indicator_id").loc["share_online"]
    assert share["limit_value"] == 100.0
    assert share["target_value"] == 80.0 and share["target_period"] == "2030"
    assert share["life_events"] == "having_a_child"
    assert catalog.indicators.set_index("indicator_id").loc["rank_x", "weight"] == 2.0


def _broken(small_catalog: Path, tmp_path: Path, old: str, new: str) -> Path:
    text = small_catalog.read_text(encoding="utf-8")
    assert old in text, old
    path = tmp_path / "broken.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('goal = "G2"', 'goal = "G9"', "'rank_x': field 'goal' unknown goal 'G9'"),
        ('id = "rank_x"', 'id = "share_online"', "'share_online': field 'id' is a duplicate"),
        ('name_en = "Rank"\n', "", "'rank_x': field 'name_en' is missing"),
        ('definition_nb = "Plassering i en test."\n', "", "'rank_x': field 'definition_nb' is missing"),
        ('unit = "rank"\ndirection', 'direction', "'rank_x': field 'unit' is missing"),
        ('unit = "rank"\ndirection', 'unit = "metres"\ndirection', "'rank_x': field 'unit' unknown unit 'metres'"),
        ('direction = "lower"', 'direction = "down"', "'rank_x': field 'direction' must be"),
        ('life_events = ["having_a_child"]', 'life_events = ["moving"]', "'share_online': field 'life_events' unknown life event"),
        ('source_url = "https://example.org/target", ', "", "'share_online': field 'target.source_url' is missing"),
        ('label_en = "rank"\n', "", "[[units]] 'rank': field 'label_en' is missing"),
        ('decimals = 0\n', "", "[[units]] 'rank': field 'decimals' is missing"),
        ('decimals = 1\n', "decimals = 1.5\n", "[[units]] 'pct': field 'decimals' must be a whole number"),
        ('decimals_reason = "synthetic test unit"\n', "", "[[units]] 'pct': field 'decimals_reason' is missing"),
    ],
)
def test_broken_catalogue_names_entry_and_field(small_catalog, tmp_path, old, new, expected):
    with pytest.raises(CatalogError) as info:
        load_catalog(_broken(small_catalog, tmp_path, old, new))
    assert expected in str(info.value)
    assert "broken.toml" in str(info.value)


def test_invalid_toml_is_reported_with_the_file(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("[[goals]\nid = ", encoding="utf-8")
    with pytest.raises(CatalogError, match="bad.toml: not valid TOML"):
        load_catalog(path)


def test_real_catalogue_covers_six_goals_with_enough_indicators():
    catalog = load_catalog(ROOT / "indicators" / "catalog.toml")
    assert list(catalog.goals["goal_id"]) == [f"G{i}" for i in range(1, 7)]
    per_goal = catalog.indicators.groupby("goal_id").size()
    assert len(catalog.indicators) >= 35
    assert per_goal.min() >= 4, per_goal.to_dict()
    assert catalog.goals.set_index("goal_id").loc["G6", "name_nb"] == (
        "Kommunale og statlige virksomheter henter gevinster fra digitalisering på en systematisert måte."
    )


# Impossible values and unknown keys (issue 13): each refused, naming the entry, the field and what is allowed.
IMPOSSIBLE = [
    ("limit = 100", "limit = nan", "[[units]] 'pct': field 'limit' must be a finite number, got nan"),
    ("limit = 100", "limit = inf", "[[units]] 'pct': field 'limit' must be a finite number, got inf"),
    ("limit = 100", 'limit = "100"', "[[units]] 'pct': field 'limit' must be a finite number, got '100'"),
    ("limit = 100", "limit = 0", "[[units]] 'pct': field 'limit' must be a finite number above 0, got 0"),
    ("number = 1\n", "number = 99999999999999999999\n", "[[goals]] 'G1': field 'number' must be a whole number 1–99"),
    ("number = 2\n", "number = 1\n", "[[goals]] 'G2': field 'number' must be a whole number 1–99 that no other goal has"),
    ("number = 1\n", 'number = "one"\n', "[[goals]] 'G1': field 'number' must be an integer, got 'one'"),
    ('id = "G1"', "id = 1", "[[goals]] '1': field 'id' must be a string, got 1"),
    ('id = "rank_x"', 'id = "[x](https://evil.example)"',
     "[[indicators]] '[x](https://evil.example)': field 'id' must be letters, digits and _"),
    ('breakdowns = ["age"]', 'breakdowns = "age"', "'share_online': field 'breakdowns' must be a list of strings"),
    ('name_en = "Rank"', 'name_en = ["a"]', "'rank_x': field 'name_en' must be a string, got ['a']"),
    ("weight = 2", "weight = inf", "'rank_x': field 'weight' must be a finite number, got inf"),
    ('kind = "eu_reference" }', 'kind = "eu_reference", valeu = 3 }',
     "'share_online': field 'target.valeu' is not a known field (allowed: value, period, source_url, kind, note_nb"),
    ("weight = 2", "weight = 2\nbogus_key = 1",
     "'rank_x': field 'bogus_key' is not a known field (allowed: id, goal, name_nb, name_en"),
    ('kind = "rank"', 'kind = "rank"\nlimt = 10', "[[units]] 'rank': field 'limt' is not a known field (allowed: id, "
                                                 "label_nb, label_en, kind, decimals, decimals_reason, limit)"),
    ('lag_reason = "test data: published in the year"', 'lag_reason = "x"\nlag = 1',
     "[[datasets]] 'Test index': field 'lag' is not a known field"),
    ('[[goals]]\nid = "G1"', '[[gaols]]\nid = "G0"\n\n[[goals]]\nid = "G1"',
     "unknown table(s) 'gaols' (allowed: goals, units, life_events, datasets, surveys, indicators)"),
]


@pytest.mark.parametrize("old, new, expected", IMPOSSIBLE)
def test_impossible_catalogue_value_or_unknown_key_is_refused(small_catalog, tmp_path, old, new, expected):
    with pytest.raises(CatalogError) as info:
        load_catalog(_broken(small_catalog, tmp_path, old, new))
    assert expected in str(info.value) and "broken.toml" in str(info.value)


def test_a_table_that_is_not_an_array_of_tables_is_refused(small_catalog):
    import tomllib

    from indicators.catalog import parse_catalog

    raw = tomllib.loads(small_catalog.read_text(encoding="utf-8"))
    with pytest.raises(CatalogError, match=r"'goals' must be an array of tables \(\[\[goals\]\] entries\), got 'G1'"):
        parse_catalog({**raw, "goals": "G1"}, source="x")


def test_every_key_of_the_real_catalogue_is_declared():
    """The declared keys are the ones the real catalogue (and the test catalogue: goal_reason in two languages) use:
    ALLOWED_FIELDS is not a list of guesses."""
    import tomllib

    from indicators.catalog import ALLOWED_FIELDS

    used: dict[str, set[str]] = {}
    for path in (ROOT / "indicators" / "catalog.toml", ROOT / "tests" / "fixtures" / "catalog_small.toml"):
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        for table, entries in raw.items():
            used.setdefault(table, set()).update(k for entry in entries for k in entry)
        used.setdefault("indicators.target", set()).update(k for e in raw["indicators"] for k in e.get("target", {}))
        used.setdefault("surveys.ended", set()).update(k for e in raw.get("surveys", []) for k in e.get("ended", {}))
    assert {t: set(keys) for t, keys in ALLOWED_FIELDS.items()} == used
