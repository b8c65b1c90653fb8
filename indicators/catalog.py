"""The indicator catalogue: goals, units, life events and indicators, loaded from TOML and validated.

The catalogue is data (`indicators/catalog.toml`); this module only reads and checks it. Every problem is
reported as a `CatalogError` that names the entry and the field, so a broken edit is quick to find.
"""
from __future__ import annotations

import dataclasses
import math
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from etl.errors import MonitorError
from etl.inputs import read_toml
from etl.schema import is_period

DIRECTIONS = ("higher", "lower")
UNIT_KINDS = ("percent", "index", "score", "rank", "count")
GOAL_FIELDS = ("id", "number", "name_nb", "name_en", "short_nb", "short_en", "source_url")
UNIT_FIELDS = ("id", "label_nb", "label_en", "kind", "decimals", "decimals_reason")
LIFE_EVENT_FIELDS = ("id", "name_nb", "name_en")
INDICATOR_FIELDS = (
    "id", "goal", "name_nb", "name_en", "definition_nb", "definition_en",
    "unit", "direction", "source_org", "source_dataset",
)
TARGET_FIELDS = ("value", "period", "source_url")
DATASET_FIELDS = ("name", "publication_lag_years", "lag_reason")
SURVEY_FIELDS = ("id", "name_nb", "name_en", "publisher_nb", "publisher_en")
SURVEY_ENDED_FIELDS = ("last_edition", "source_url", "note_nb", "note_en")
SURVEY_COLUMNS = ["survey_id", "name_nb", "name_en", "publisher_nb", "publisher_en", "last_edition",
                  "ended_source_url", "ended_note_nb", "ended_note_en"]
MAX_DECIMALS = 6  # a unit's declared precision (`decimals`): the most decimals its figures are shown with
# Every key an entry of each table may have: the required fields above and the optional ones named here. Any other key
# is refused (a misspelt field would otherwise be silently ignored). A new field is added to its table's line, a new
# table as a line of its own; a top-level table not named here is refused too.
ALLOWED_FIELDS: dict[str, tuple[str, ...]] = {
    "goals": GOAL_FIELDS,
    "units": (*UNIT_FIELDS, "limit"),
    "life_events": (*LIFE_EVENT_FIELDS, "ministry", "source_url", "secondary"),
    "datasets": (*DATASET_FIELDS, "survey"),
    "surveys": (*SURVEY_FIELDS, "ended"),
    "surveys.ended": SURVEY_ENDED_FIELDS,
    "indicators": (*INDICATOR_FIELDS, "goal_reason", "goal_reason_nb", "goal_reason_en", "breakdowns", "life_events",
                   "weight", "target", "connector", "same_as", "part_of", "comparable_from", "comparable_from_reason",
                   "rank_of"),
    "indicators.target": (*TARGET_FIELDS, "kind", "note_nb", "note_en"),
}
# The type of each field that is not text (every other field is a string): "number" is a finite int or float.
FIELD_TYPES: dict[str, str] = {
    "number": "integer", "limit": "number", "secondary": "boolean", "publication_lag_years": "integer",
    "breakdowns": "list of strings", "life_events": "list of strings", "weight": "number", "rank_of": "integer",
    "target": "table", "connector": "table", "value": "number", "ended": "table", "decimals": "number",
    "last_edition": "integer",
}
GOAL_NUMBERS = range(1, 100)
_ID = re.compile(r"[A-Za-z0-9_]{1,80}", re.ASCII)


class CatalogError(MonitorError, ValueError):
    """A catalogue entry is missing a field or refers to something that does not exist."""


@dataclass(frozen=True)
class Catalog:
    goals: pd.DataFrame
    units: pd.DataFrame
    indicators: pd.DataFrame
    life_events: pd.DataFrame
    surveys: pd.DataFrame = dataclasses.field(default_factory=lambda: pd.DataFrame(columns=SURVEY_COLUMNS))

    def indicator_ids(self) -> set[str]:
        return set(self.indicators["indicator_id"])


def load_catalog(path: Path | str) -> Catalog:
    path = Path(path)
    return parse_catalog(read_toml(path, error=CatalogError), source=str(path))


def parse_catalog(raw: dict, source: str = "catalogue") -> Catalog:
    """The checked catalogue; CatalogError for every problem, a wrong type anywhere included."""
    try:
        return _parse_catalog(raw, source)
    except CatalogError:
        raise
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as exc:
        raise CatalogError(f"{source}: a field has the wrong type ({type(exc).__name__}: {exc})") from None


def _parse_catalog(raw: dict, source: str) -> Catalog:
    _tables(raw, source)
    goals = _entries(raw, "goals", GOAL_FIELDS, source)
    units = _entries(raw, "units", UNIT_FIELDS, source)
    life_events = _entries(raw, "life_events", LIFE_EVENT_FIELDS, source, required=False)
    indicators = _entries(raw, "indicators", INDICATOR_FIELDS, source)
    surveys = _surveys(raw, source)
    datasets = _datasets(raw, source, set(surveys))

    goal_ids = {g["id"] for g in goals}
    unit_ids = {u["id"] for u in units}
    event_ids = {e["id"] for e in life_events}
    numbers: dict[int, str] = {}
    for goal in goals:
        if goal["number"] not in GOAL_NUMBERS or goal["number"] in numbers:
            _fail(source, "goals", goal["id"], "number", f"must be a whole number {GOAL_NUMBERS.start}–"
                  f"{GOAL_NUMBERS.stop - 1} that no other goal has, got {goal['number']!r}")
        numbers[goal["number"]] = goal["id"]
    for unit in units:
        if "limit" in unit and not unit["limit"] > 0:
            _fail(source, "units", unit["id"], "limit", f"must be a finite number above 0, got {unit['limit']!r}")
        if unit["kind"] not in UNIT_KINDS:
            _fail(source, "units", unit["id"], "kind", f"must be one of {', '.join(UNIT_KINDS)}, got {unit['kind']!r}")
        places = unit["decimals"]
        if isinstance(places, bool) or not isinstance(places, int) or not 0 <= places <= MAX_DECIMALS:
            _fail(source, "units", unit["id"], "decimals",
                  f"must be a whole number 0–{MAX_DECIMALS} (the most decimals the publishers print), got {places!r}")
    for ind in indicators:
        where = ("indicators", ind["id"])
        if ind["goal"] not in goal_ids:
            _fail(source, *where, "goal", f"unknown goal {ind['goal']!r} (known: {', '.join(sorted(goal_ids))})")
        if ind["unit"] not in unit_ids:
            _fail(source, *where, "unit", f"unknown unit {ind['unit']!r}")
        if ind["direction"] not in DIRECTIONS:
            _fail(source, *where, "direction", f"must be 'higher' or 'lower', got {ind['direction']!r}")
        for event in ind.get("life_events", []):
            if event not in event_ids:
                _fail(source, *where, "life_events", f"unknown life event {event!r}")
        weight = ind.get("weight", 1.0)
        if not isinstance(weight, (int, float)) or weight < 0:
            _fail(source, *where, "weight", f"must be a non-negative number, got {weight!r}")
        target = ind.get("target")
        if target is not None:
            for field in TARGET_FIELDS:
                if _blank(target.get(field)):
                    _fail(source, *where, f"target.{field}", "is missing (a target needs its value, period and source)")
        connector = ind.get("connector")
        if connector is not None and _blank(connector.get("source")):
            _fail(source, *where, "connector.source", "is missing")
        _check_method_fields(ind, where, source, {i["id"] for i in indicators}, units, datasets)
    _check_same_as_chains(indicators, source)

    return Catalog(
        goals=_goals_frame(goals),
        units=_units_frame(units),
        indicators=_indicators_frame(indicators, units, datasets),
        life_events=pd.DataFrame(
            [{"life_event_id": e["id"], "name_nb": e["name_nb"], "name_en": e["name_en"],
              "ministry": e.get("ministry", ""), "source_url": e.get("source_url", ""),
              "secondary": bool(e.get("secondary", False))} for e in life_events],
            columns=["life_event_id", "name_nb", "name_en", "ministry", "source_url", "secondary"],
        ),
        surveys=pd.DataFrame([_survey_row(e) for e in surveys.values()], columns=SURVEY_COLUMNS),
    )


def _tables(raw: dict, source: str) -> None:
    """Only the declared tables, each an array of tables ([[name]] entries)."""
    tables = [t for t in ALLOWED_FIELDS if "." not in t]
    unknown = sorted(set(raw) - set(tables))
    if unknown:
        raise CatalogError(f"{source}: unknown table(s) {', '.join(map(repr, unknown))[:200]} "
                           f"(allowed: {', '.join(tables)})")
    for table in tables:
        entries = raw.get(table, [])
        if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
            raise CatalogError(f"{source}: '{table}' must be an array of tables ([[{table}]] entries), got "
                               f"{_short(entries)}")


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _check_fields(source: str, table: str, entry_id: object, entry: dict) -> None:
    """No key but the table's declared ones; each field of its type (text a string, a number finite). `table` is a
    table of ALLOWED_FIELDS ('indicators.target': the target of an indicator)."""
    top, _, inner = table.partition(".")
    prefix = f"{inner}." if inner else ""
    allowed = ALLOWED_FIELDS[table]
    unknown = sorted(set(entry) - set(allowed))
    if unknown:
        _fail(source, top, entry_id, prefix + str(unknown[0]), f"is not a known field (allowed: {', '.join(allowed)})")
    for field, value in entry.items():
        kind = FIELD_TYPES.get(field, "string")
        if value is not None and not _TYPE_CHECKS[kind](value):  # None: absent (TOML has no null; a dict may)
            _fail(source, top, entry_id, prefix + field,
                  f"must be {'a finite number' if kind == 'number' else 'an ' + kind if kind[0] in 'ai' else 'a ' + kind}"
                  f", got {_short(value)}")


_TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v),
    "boolean": lambda v: isinstance(v, bool),
    "list of strings": lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v),
    "table": lambda v: isinstance(v, dict),
}


def _entries(raw: dict, table: str, fields: tuple[str, ...], source: str, required: bool = True) -> list[dict]:
    entries = raw.get(table, [])
    if required and not entries:
        raise CatalogError(f"{source}: no [[{table}]] entries")
    seen: set[str] = set()
    for position, entry in enumerate(entries, start=1):
        entry_id = entry.get("id")
        if _blank(entry_id):
            raise CatalogError(f"{source}: [[{table}]] entry #{position}: field 'id' is missing")
        if isinstance(entry_id, str) and not _ID.fullmatch(entry_id):
            _fail(source, table, entry_id[:60], "id", "must be letters, digits and _ (at most 80; it is used in links)")
        for field in fields:
            if _blank(entry.get(field)):
                _fail(source, table, entry_id, field, "is missing" + (" (every text needs bokmål and English)" if field.endswith(("_nb", "_en")) else ""))
        _check_fields(source, table, entry_id, entry)
        for inner in ("target", "ended"):
            if isinstance(entry.get(inner), dict) and f"{table}.{inner}" in ALLOWED_FIELDS:
                _check_fields(source, f"{table}.{inner}", entry_id, entry[inner])
        if entry_id in seen:
            _fail(source, table, entry_id, "id", "is a duplicate")
        seen.add(entry_id)
    return entries


def _fail(source: str, table: str, entry_id: str, field: str, problem: str) -> None:
    raise CatalogError(f"{source}: [[{table}]] '{entry_id}': field '{field}' {problem}")


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _goals_frame(goals: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"goal_id": g["id"], "number": int(g["number"]), "name_nb": g["name_nb"], "name_en": g["name_en"],
          "short_nb": g["short_nb"], "short_en": g["short_en"], "source_url": g["source_url"]} for g in goals]
    ).sort_values("number", ignore_index=True)


def _units_frame(units: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(
        [{"unit_id": u["id"], "label_nb": u["label_nb"], "label_en": u["label_en"], "kind": u["kind"],
          "limit_value": float(u["limit"]) if u.get("limit") is not None else None,
          "decimals": int(u["decimals"]), "decimals_reason": u["decimals_reason"]} for u in units]
    )


def _surveys(raw: dict, source: str) -> dict[str, dict]:
    """[[surveys]]: the publication series datasets belong to, named in both languages with the publisher; `ended`
    (optional) with the last edition and the published source that says so."""
    entries = _entries(raw, "surveys", SURVEY_FIELDS, source, required=False)
    for entry in entries:
        ended = entry.get("ended")
        if ended is None:
            continue
        if not isinstance(ended, dict):
            _fail(source, "surveys", entry["id"], "ended", "must be a table")
        for name in SURVEY_ENDED_FIELDS:
            if _blank(ended.get(name)):
                _fail(source, "surveys", entry["id"], f"ended.{name}",
                      "is missing (an end is stated only with its last edition and a published source)")
        if isinstance(ended["last_edition"], bool) or not isinstance(ended["last_edition"], int):
            _fail(source, "surveys", entry["id"], "ended.last_edition", "must be a year")
        if not str(ended["source_url"]).startswith(("https://", "http://")):
            _fail(source, "surveys", entry["id"], "ended.source_url", "must be an http(s) link")
    return {e["id"]: e for e in entries}


def _survey_row(entry: dict) -> dict:
    ended = entry.get("ended") or {}
    return {"survey_id": entry["id"], **{k: entry[k] for k in SURVEY_FIELDS[1:]},
            "last_edition": ended.get("last_edition"), "ended_source_url": ended.get("source_url"),
            "ended_note_nb": ended.get("note_nb"), "ended_note_en": ended.get("note_en")}


def _datasets(raw: dict, source: str, surveys: set[str] | None = None) -> dict[str, dict]:
    """[[datasets]]: each dataset's publication lag (years after the end of an observation's period until it is
    published), with the reason (an assumption where the publisher's dates were not read), and its survey."""
    out: dict[str, dict] = {}
    for position, entry in enumerate(raw.get("datasets", []), start=1):
        name = entry.get("name")
        if _blank(name):
            raise CatalogError(f"{source}: [[datasets]] entry #{position}: field 'name' is missing")
        _check_fields(source, "datasets", name, entry)
        for field in DATASET_FIELDS:
            if field != "publication_lag_years" and _blank(entry.get(field)):
                _fail(source, "datasets", name, field, "is missing")
        lag = entry.get("publication_lag_years")
        if isinstance(lag, bool) or not isinstance(lag, int) or not 0 <= lag <= 5:
            _fail(source, "datasets", name, "publication_lag_years", f"must be an integer 0–5, got {lag!r}")
        if name in out:
            _fail(source, "datasets", name, "name", "is a duplicate")
        if entry.get("survey") is not None and entry["survey"] not in (surveys or set()):
            _fail(source, "datasets", name, "survey", f"unknown survey {entry['survey']!r} (no [[surveys]] entry)")
        out[name] = entry
    return out


def _check_method_fields(ind: dict, where: tuple[str, str], source: str, ids: set[str], units: list[dict],
                         datasets: dict[str, dict]) -> None:
    """The fields the scoring method reads: goal reason, same_as / part_of, comparable_from, rank_of, dataset."""
    if _blank(ind.get("goal_reason")) and (_blank(ind.get("goal_reason_nb")) or _blank(ind.get("goal_reason_en"))):
        _fail(source, *where, "goal_reason", "is missing (every indicator says why it counts in its goal)")
    for field in ("same_as", "part_of"):
        other = ind.get(field)
        if other is None:
            continue
        if other not in ids:
            _fail(source, *where, field, f"unknown indicator {other!r}")
        if other == ind["id"]:
            _fail(source, *where, field, "points to the indicator itself")
    if ind.get("same_as") is not None and ind.get("part_of") is not None:
        _fail(source, *where, "same_as", "and part_of both set (a copy of a measurement is not also a part)")
    comparable = ind.get("comparable_from")
    if comparable is not None and not (isinstance(comparable, str) and is_period(comparable)):
        _fail(source, *where, "comparable_from", f"must be a period string, got {comparable!r}")
    kind = {u["id"]: u["kind"] for u in units}[ind["unit"]]
    rank_of = ind.get("rank_of")
    if rank_of is not None:
        if kind != "rank":
            _fail(source, *where, "rank_of", "is only for rank units")
        if isinstance(rank_of, bool) or not isinstance(rank_of, int) or rank_of < 2:
            _fail(source, *where, "rank_of", f"must be an integer ≥ 2, got {rank_of!r}")
    if ind["source_dataset"] not in datasets:
        _fail(source, *where, "source_dataset",
              f"{ind['source_dataset']!r} has no [[datasets]] entry (its publication lag is needed for as-of scores)")


def _check_same_as_chains(indicators: list[dict], source: str) -> None:
    """same_as points at the counted copy: never at an indicator that is itself a copy."""
    same = {i["id"]: i.get("same_as") for i in indicators}
    for ind_id, other in same.items():
        if other is not None and same.get(other) is not None:
            _fail(source, "indicators", ind_id, "same_as", f"points to {other!r}, which is itself same_as {same[other]!r}")


def _indicators_frame(indicators: list[dict], units: list[dict], datasets: dict[str, dict] | None = None) -> pd.DataFrame:
    datasets = datasets or {}
    limits = {u["id"]: u.get("limit") for u in units}
    rows = []
    for ind in indicators:
        target = ind.get("target") or {}
        connector = ind.get("connector") or {}
        rows.append({
            "indicator_id": ind["id"],
            "goal_id": ind["goal"],
            "name_nb": ind["name_nb"],
            "name_en": ind["name_en"],
            "definition_nb": ind["definition_nb"],
            "definition_en": ind["definition_en"],
            "unit_id": ind["unit"],
            "direction": ind["direction"],
            "limit_value": float(limits[ind["unit"]]) if limits.get(ind["unit"]) is not None else None,
            "source_org": ind["source_org"],
            "source_dataset": ind["source_dataset"],
            "breakdowns": ";".join(ind.get("breakdowns", [])),
            "weight": float(ind.get("weight", 1.0)),
            "target_value": float(target["value"]) if target else None,
            "target_period": str(target["period"]) if target else None,
            "target_source_url": target.get("source_url"),
            "target_kind": target.get("kind"),
            "target_note_nb": target.get("note_nb"),
            "target_note_en": target.get("note_en"),
            "connector_source": connector.get("source"),
            "life_events": ";".join(ind.get("life_events", [])),
            "goal_reason_nb": ind.get("goal_reason_nb") or ind.get("goal_reason"),
            "goal_reason_en": ind.get("goal_reason_en") or ind.get("goal_reason"),
            "same_as": ind.get("same_as"),
            "part_of": ind.get("part_of"),
            "comparable_from": ind.get("comparable_from"),
            "comparable_from_reason": ind.get("comparable_from_reason"),
            "rank_of": ind.get("rank_of"),
            "publication_lag_years": (datasets[ind["source_dataset"]]["publication_lag_years"]
                                      if ind["source_dataset"] in datasets else None),
            "survey_id": datasets[ind["source_dataset"]].get("survey") if ind["source_dataset"] in datasets else None,
        })
    return pd.DataFrame(rows)
