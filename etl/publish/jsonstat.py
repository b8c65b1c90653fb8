"""One indicator as a JSON-stat 2.0 dataset (`indicators/<id>.json`).

The cube has five dimensions: `indicator` (one category; role metric, with its unit), `geo` (role geo), `breakdown`
(`_T` is the total, i.e. the empty breakdown of the warehouse), `period` (role time, the period as published) and
`source` (one category per publication a figure was read from, so that two publications giving a figure for the
same country and period are both kept, as in the warehouse). `value` is the dense row-major array (null where the
cube has no figure); every dimension has a `category.index` (readers such as pyjstat need it).

* `status` holds the figure's flags (`;`-separated, as in the warehouse: secondary, inferred_year, …), sparse:
  only the cells that have flags; `extension.flags` explains each flag in English and bokmål.
* the `source` dimension's `category.note` gives each publication's URL and licence; `extension.sources` gives its
  publisher, dataset, URL, licence (text and URI) and where it entered the monitor; the dataset's `note` lists the
  licences that apply.
* `extension.preferred` lists the cells with the warehouse's preferred mark; `extension.note`, `published`,
  `value_text` and `origin` (sparse, by cell index) carry the rest of each row.
"""
from __future__ import annotations

import hashlib
import json
from typing import Any

import duckdb
import pandas as pd

from etl import schema
from etl.publish.exports import indicator_frame, licence_info

TOTAL = "_T"  # the category id of the total (the warehouse's empty breakdown)
DIMENSIONS = ("indicator", "geo", "breakdown", "period", "source")
SOURCE_FIELDS = ("source_org", "source_dataset", "source_url", "origin_kind", "source")
GEO_LABELS = {"NO": "Norway", "SE": "Sweden", "DK": "Denmark", "FI": "Finland", "EU27": "EU27", "EU28": "EU28",
              "EU27+": "EU27+ (EU27 and associated countries in the benchmark)", "OECD": "OECD"}
GEO_LABELS_NB = {"NO": "Norge", "SE": "Sverige", "DK": "Danmark", "FI": "Finland"}


def source_id(row: dict[str, Any] | pd.Series) -> str:
    """A stable id for one publication (the same publisher, dataset, URL and entry into the monitor)."""
    text = "\x1f".join(str(row[f]) for f in SOURCE_FIELDS)
    return "src-" + hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """The frame's rows as dicts of plain Python values (faster than DataFrame.to_dict on Arrow-backed columns)."""
    columns = list(frame.columns)
    return [dict(zip(columns, values)) for values in zip(*(frame[c].tolist() for c in columns))]


def _period_key(period: str) -> tuple[int, str]:
    return schema.period_year(period), period


def _meta(con: duckdb.DuckDBPyConnection, indicator_id: str) -> dict[str, Any]:
    cursor = con.cursor()
    try:
        (row,) = cursor.execute(
            "SELECT i.name_en, i.name_nb, i.definition_en, i.definition_nb, i.unit_id, u.label_en, u.label_nb, "
            "i.goal_id, (SELECT built_at FROM build), (SELECT build_id FROM build) "
            "FROM indicators i LEFT JOIN units u USING (unit_id) WHERE i.indicator_id = ?", [indicator_id]).fetchall()
    finally:
        cursor.close()
    keys = ("name_en", "name_nb", "definition_en", "definition_nb", "unit_id", "unit_en", "unit_nb", "goal_id",
            "built_at", "build_id")
    return dict(zip(keys, row))


def indicator_jsonstat(con: duckdb.DuckDBPyConnection, indicator_id: str, *, frame: pd.DataFrame | None = None) -> dict:
    """The JSON-stat 2.0 dataset of one indicator (a dict, ready for json.dumps). `frame`: its rows of
    `observations_frame(con)` when the caller already has them (the same rows `indicator_frame` reads)."""
    frame = indicator_frame(con, indicator_id) if frame is None else frame.reset_index(drop=True)
    meta = _meta(con, indicator_id)
    frame = frame.assign(_source=[source_id(dict(zip(SOURCE_FIELDS, r)))
                                  for r in zip(*(frame[f].tolist() for f in SOURCE_FIELDS))],
                         _breakdown=frame["breakdown"].where(frame["breakdown"] != "", TOTAL))

    geos = sorted(frame["geo"].unique())
    breakdowns = sorted(frame["_breakdown"].unique(), key=lambda b: (b != TOTAL, b))
    periods = sorted(frame["period"].unique(), key=_period_key)
    src = frame.drop_duplicates("_source").sort_values(["source_org", "source_dataset", "source_url",
                                                        "origin_kind", "source"])
    sources = src["_source"].tolist()
    categories = {"indicator": [indicator_id], "geo": geos, "breakdown": breakdowns, "period": periods,
                  "source": sources}
    size = [len(categories[d]) for d in DIMENSIONS]
    position = {d: {c: i for i, c in enumerate(categories[d])} for d in DIMENSIONS}
    strides = [1] * len(size)
    for i in range(len(size) - 2, -1, -1):
        strides[i] = strides[i + 1] * size[i + 1]

    values: list[float | None] = [None] * (strides[0] * size[0])
    status: dict[str, str] = {}
    ext_note: dict[str, str] = {}
    ext_published: dict[str, str] = {}
    ext_value_text: dict[str, str] = {}
    ext_origin: dict[str, dict[str, Any]] = {}
    preferred: list[int] = []
    for row in _rows(frame):
        coords = {"indicator": indicator_id, "geo": row["geo"], "breakdown": row["_breakdown"],
                  "period": row["period"], "source": row["_source"]}
        index = sum(position[d][coords[d]] * strides[i] for i, d in enumerate(DIMENSIONS))
        if values[index] is not None:
            raise ValueError(f"{indicator_id}: two observations in one JSON-stat cell {coords}")
        values[index] = float(row["value"])
        key = str(index)
        if row["flags"]:
            status[key] = row["flags"]
        if row["note"]:
            ext_note[key] = row["note"]
        if row["published"]:
            ext_published[key] = row["published"]
        ext_value_text[key] = row["value_text"]
        ext_origin[key] = {"origin": row["origin"], "origin_row": int(row["origin_row"]),
                           "origin_kind": row["origin_kind"], "source": row["source"]}
        if row["is_preferred"]:
            preferred.append(index)

    source_ext: dict[str, dict[str, str]] = {}
    source_labels: dict[str, str] = {}
    source_notes: dict[str, list[str]] = {}
    for row in _rows(src):
        lic = licence_info(row["licence"])
        sid = row["_source"]
        source_labels[sid] = f"{row['source_org']}: {row['source_dataset']}" if row["source_dataset"] else row["source_org"]
        source_notes[sid] = [row["source_url"], f"Licence / lisens: {lic['licence']}"
                             + (f" ({lic['uri']})" if lic["uri"] else "")]
        source_ext[sid] = {**{f: row[f] for f in SOURCE_FIELDS}, "licence": lic["licence"], "licence_uri": lic["uri"],
                           "publisher_url": row["publisher_url"]}
    licences = sorted({s["licence"] for s in source_ext.values()})
    mixed = len(licences) > 1
    notes = [
        f"{meta['name_en']}. {meta['definition_en']}",
        f"{meta['name_nb']}. {meta['definition_nb']}",
        ("Licences differ by source; each figure is under its source's terms (see the source dimension): "
         if mixed else "Licence of the source: ") + ", ".join(licences) + ".",
        ("Lisensene er ulike per kilde; hvert tall følger sin kildes vilkår (se kildedimensjonen): "
         if mixed else "Kildens lisens: ") + ", ".join(licences) + ".",
        "status: the figure's flags (see extension.flags). / status: tallets merknader (se extension.flags).",
    ]
    dimension = {
        "indicator": {"label": "indicator", "category": {
            "index": [indicator_id], "label": {indicator_id: meta["name_en"]},
            "unit": {indicator_id: {"label": meta["unit_en"] or meta["unit_id"]}}}},
        "geo": {"label": "country or area", "category": {
            "index": geos, "label": {g: GEO_LABELS.get(g, g) for g in geos}}},
        "breakdown": {"label": "breakdown", "category": {
            "index": breakdowns, "label": {b: ("Total" if b == TOTAL else b) for b in breakdowns}}},
        "period": {"label": "period", "category": {"index": periods, "label": {p: p for p in periods}}},
        "source": {"label": "source", "category": {"index": sources, "label": source_labels, "note": source_notes}},
    }
    dataset: dict[str, Any] = {
        "version": "2.0",
        "class": "dataset",
        "label": meta["name_en"],
        "source": "; ".join(sorted(src["source_org"].unique())),
        "updated": None if meta["built_at"] is None else pd.Timestamp(meta["built_at"]).isoformat(),
        "note": notes,
        "id": list(DIMENSIONS),
        "size": size,
        "role": {"time": ["period"], "geo": ["geo"], "metric": ["indicator"]},
        "dimension": dimension,
        "value": values,
        "status": status,
        "extension": {
            "indicator_id": indicator_id,
            "goal_id": meta["goal_id"],
            "build_id": meta["build_id"],
            "label_nb": meta["name_nb"],
            "definition_en": meta["definition_en"],
            "definition_nb": meta["definition_nb"],
            "unit_id": meta["unit_id"],
            "unit_nb": meta["unit_nb"],
            "geo_labels_nb": {g: GEO_LABELS_NB.get(g, GEO_LABELS.get(g, g)) for g in geos},
            "flags": {flag: {"en": en, "nb": nb} for flag, (en, nb) in schema.FLAGS.items()},
            "licences": licences,
            "sources": source_ext,
            "preferred": preferred,
            "note": ext_note,
            "published": ext_published,
            "value_text": ext_value_text,
            "origin": ext_origin,
        },
    }
    return dataset


def jsonstat_bytes(dataset: dict) -> bytes:
    return (json.dumps(dataset, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")


def indicator_jsonstat_bytes(con: duckdb.DuckDBPyConnection, indicator_id: str) -> bytes:
    """The published `indicators/<id>.json`, byte for byte."""
    return jsonstat_bytes(indicator_jsonstat(con, indicator_id))
