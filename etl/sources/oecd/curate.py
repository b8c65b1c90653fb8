"""OECD: the pinned Digital Government Index 2023 and OURdata Index 2023 files → curated rows."""
from __future__ import annotations

from etl.curate import CurateContext, clean_number
from etl.readers.csv import read_file

VARIABLES = {  # per file (source.toml `variables`): the file's `variable` → catalogue indicator
    "dgi": {
        "composite_index": "oecd_dgi_composite", "composite_rank": "oecd_dgi_rank",
        "digital_design": "oecd_dgi_digital_by_design", "data_driven": "oecd_dgi_data_driven",
        "govt_as_platform": "oecd_dgi_government_as_platform", "open_default": "oecd_dgi_open_by_default",
        "user_driven": "oecd_dgi_user_driven", "proactiveness": "oecd_dgi_proactiveness",
    },
    "ourdata": {
        "availability_score": "oecd_ourdata_data_availability", "accessibility_score": "oecd_ourdata_data_accessibility",
        "reuse_score": "oecd_ourdata_government_support_for_reuse",
    },
}
ISO3 = {"NOR": "NO", "SWE": "SE", "DNK": "DK", "FIN": "FI"}


def curate(ctx: CurateContext) -> list[dict[str, str]]:
    rows = []
    for spec in ctx.source.reference_files:
        mapping = VARIABLES[spec["variables"]]
        for src in read_file(ctx.path(spec["path"]), label=spec["path"],
                             required=("cc_iso3c", "variable", "ref_year", "value")):
            geo = ISO3.get(src["cc_iso3c"])
            indicator = mapping.get(src["variable"])
            if not geo or not indicator or indicator not in ctx.catalog or src["ref_year"] != spec["ref_year"]:
                continue
            rows.append(ctx.row(
                indicator_id=indicator, geo=geo, period=spec["period"], value=clean_number(src["value"]),
                source_org="OECD", source_dataset=spec["dataset"], source_url=spec["source_url"], note=spec["note"]))
    return rows
