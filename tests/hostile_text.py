"""A warehouse built from a copy of the real data with hostile text in every text column (test data): each curated
row's source_org, source_dataset and note, and the catalogue's names, definitions, reasons, labels and publishers,
begin with markdown that would be a heading, an image, links, raw HTML and a Streamlit colour directive if a page
rendered it; source_url becomes a javascript: URL in every other row (written after the build, as a live publisher
or a future build might deliver it). tests/test_hostile_text.py renders every public page over it."""
from __future__ import annotations

import csv
import re
import shutil
from pathlib import Path

import duckdb

from tests.conftest import ROOT

PIXEL = "https://evil.example/pixel.png"
HOSTILE = (f"# Official notice ![px]({PIXEL}) [Log in to Digdir](https://evil.example/login) "
           "<img src=https://evil.example/raw.png> :red[ALERT] <https://evil.example/auto> ")
JAVASCRIPT = "javascript:alert(document.cookie)"
CATALOG_KEYS = ("name_nb", "name_en", "short_nb", "short_en", "definition_nb", "definition_en", "goal_reason",
                "lag_reason", "label_nb", "label_en", "publisher_nb", "publisher_en", "comparable_from_reason",
                "source_org", "source_dataset", "ministry", "name", "target_note_nb", "target_note_en")
_KEY_LINE = re.compile(r'^(?P<key>[a-z_]+) = "(?P<value>.*)"\s*$')


def _hostile_catalog(source: Path, target: Path) -> None:
    lines = []
    for line in source.read_text(encoding="utf-8").splitlines():
        match = _KEY_LINE.match(line)
        if match and match["key"] in CATALOG_KEYS:
            line = f'{match["key"]} = "{HOSTILE}{match["value"]}"'
        lines.append(line)
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _hostile_curated(source: Path, target: Path) -> None:
    target.mkdir()
    for path in sorted(source.glob("*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            rows = list(csv.DictReader(handle))
            fields = list(rows[0].keys()) if rows else []
        for row in rows:
            for key in ("source_org", "source_dataset", "note"):
                row[key] = HOSTILE + row[key]
        with (target / path.name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=fields, lineterminator="\n")
            writer.writeheader()
            writer.writerows(rows)


def build_hostile_warehouse(folder: Path) -> Path:
    from etl.build import build_warehouse

    indicators = folder / "indicators"
    shutil.copytree(ROOT / "indicators", indicators)
    _hostile_catalog(ROOT / "indicators" / "catalog.toml", indicators / "catalog.toml")
    _hostile_curated(ROOT / "data" / "curated", folder / "curated")
    (folder / "live").mkdir()
    target = folder / "warehouse.duckdb"
    build_warehouse(target, catalog_path=indicators / "catalog.toml", curated_dir=folder / "curated",
                    live_dir=folder / "live")
    con = duckdb.connect(str(target))
    try:   # a non-http(s) link the build might not refuse (a live row, an older build): the pages must not link it
        for table in ("observations", "sources"):
            con.execute(f"UPDATE {table} SET source_url = ? WHERE hash(source_url) % 2 = 0", [JAVASCRIPT])
        con.execute("UPDATE goals SET source_url = ?", [JAVASCRIPT])
        con.execute("UPDATE life_events SET source_url = ?", [JAVASCRIPT])
        con.execute("UPDATE indicators SET target_source_url = ? WHERE target_source_url IS NOT NULL", [JAVASCRIPT])
    finally:
        con.close()
    return target
