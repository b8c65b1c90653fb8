"""Catalogue → connector mapping: which live source feeds which catalogue indicator, plus source options.

Each catalogue indicator with a `connector = { source = ..., ... }` entry is fed by that connector; all others
stay on the curated snapshot. Connector options (Eurostat geos, the UN file list) are `[sources.<name>]` in
`etl/connectors/sources.toml`.
"""
from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from etl.connectors.base import IndicatorSpec

SOURCES_PATH = Path(__file__).with_name("sources.toml")


@dataclass
class Plan:
    specs: dict[str, list[IndicatorSpec]]       # source name → indicators it feeds
    source_options: dict[str, dict[str, Any]]    # [sources.<name>]


def plan(catalog_path: Path, sources_path: Path | None = SOURCES_PATH) -> Plan:
    catalog = tomllib.loads(Path(catalog_path).read_text(encoding="utf-8"))
    options = tomllib.loads(Path(sources_path).read_text(encoding="utf-8")) if sources_path else {}
    units = {u["id"]: u for u in catalog.get("units", [])}
    specs: dict[str, list[IndicatorSpec]] = {}
    for ind in catalog.get("indicators", []):
        connector = ind.get("connector")
        if not connector or not connector.get("source"):
            continue
        unit = units.get(ind.get("unit"), {})
        specs.setdefault(connector["source"], []).append(IndicatorSpec(
            indicator_id=ind["id"], unit=ind.get("unit", ""), unit_kind=unit.get("kind", ""),
            unit_limit=float(unit["limit"]) if unit.get("limit") is not None else None,
            source_org=ind.get("source_org", ""), source_dataset=ind.get("source_dataset", ""),
            connector=dict(connector),
        ))
    return Plan(specs=specs, source_options=dict(options.get("sources", {})))
