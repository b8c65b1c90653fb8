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
