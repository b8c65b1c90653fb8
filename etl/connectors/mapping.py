"""Catalogue → connector mapping, and the additions file (`catalog_additions.toml`) merged on the fly.

The additions file holds what the live connectors need that the catalogue does not have yet:
`[connectors]` (indicator id → connector table) for catalogue indicators without `connector`, full
`[[units]]`/`[[indicators]]` entries for new indicators, and `[sources.<name>]` options. Entries whose id is
already in the catalogue are ignored, so merging the additions into the catalogue later changes nothing.
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from etl.connectors.base import IndicatorSpec

ADDITIONS_PATH = Path(__file__).with_name("catalog_additions.toml")
_HEADER = re.compile(r"^\s*(\[\[?)\s*([A-Za-z0-9_.\"-]+)\s*\]\]?\s*(#.*)?$")


@dataclass
class Plan:
    specs: dict[str, list[IndicatorSpec]]       # source name → indicators it feeds
    source_options: dict[str, dict[str, Any]]    # [sources.<name>]
    merged_text: str                             # catalogue + additions not yet in it (TOML)
    added_ids: list[str] = field(default_factory=list)

    @property
    def needs_merge(self) -> bool:
        return bool(self.added_ids)


def _blocks(text: str) -> list[tuple[str, str]]:
    """Split TOML text into (header name, block text) at table headers; text before the first header is ''."""
    blocks: list[tuple[str, list[str]]] = [("", [])]
    for line in text.splitlines(keepends=True):
        m = _HEADER.match(line)
        if m:
            blocks.append(((m.group(1) + m.group(2)), [line]))
        else:
            blocks[-1][1].append(line)
    return [(name, "".join(lines)) for name, lines in blocks]


def plan(catalog_path: Path, additions_path: Path | None = ADDITIONS_PATH) -> Plan:
    catalog_text = Path(catalog_path).read_text(encoding="utf-8")
    catalog = tomllib.loads(catalog_text)
    additions_text = Path(additions_path).read_text(encoding="utf-8") if additions_path and Path(additions_path).exists() else ""
    additions = tomllib.loads(additions_text) if additions_text else {}

    unit_ids = {u["id"] for u in catalog.get("units", [])}
    ind_ids = {i["id"] for i in catalog.get("indicators", [])}
    extra_blocks: list[str] = []
    added: list[str] = []
    for name, block in _blocks(additions_text):
        if name not in ("[[units", "[[indicators"):
            continue
        entry = tomllib.loads(block)
        item = (entry.get("units") or entry.get("indicators") or [{}])[0]
        if name == "[[units" and item.get("id") not in unit_ids:
            extra_blocks.append(block)
        elif name == "[[indicators" and item.get("id") not in ind_ids:
            extra_blocks.append(block)
            added.append(item["id"])
    merged_text = catalog_text
    if extra_blocks:
        merged_text = catalog_text.rstrip("\n") + "\n\n# --- merged at refresh time from etl/connectors/catalog_additions.toml ---\n\n" + "".join(extra_blocks)
    merged = tomllib.loads(merged_text)

    units = {u["id"]: u for u in merged.get("units", [])}
    extra_connectors = additions.get("connectors", {})
    specs: dict[str, list[IndicatorSpec]] = {}
    for ind in merged.get("indicators", []):
        connector = ind.get("connector") or extra_connectors.get(ind["id"])
        if not connector or not connector.get("source"):
            continue
        unit = units.get(ind.get("unit"), {})
        specs.setdefault(connector["source"], []).append(IndicatorSpec(
            indicator_id=ind["id"], unit=ind.get("unit", ""), unit_kind=unit.get("kind", ""),
            unit_limit=float(unit["limit"]) if unit.get("limit") is not None else None,
            source_org=ind.get("source_org", ""), source_dataset=ind.get("source_dataset", ""),
            connector=dict(connector),
        ))
    return Plan(specs=specs, source_options=dict(additions.get("sources", {})), merged_text=merged_text, added_ids=added)
