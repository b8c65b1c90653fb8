"""Eurostat: the pinned SDMX-CSV export of isoc_sk_dskl_i21 (digital skills) → curated rows."""
from __future__ import annotations

from etl.curate import CurateContext, clean_number, join_flags
from etl.readers.csv import read_file

INDICATORS = {
    "Individuals with basic or above basic overall digital skills (all five component indicators are at basic "
    "or above basic level)": ("eurostat_basic_or_above_basic_digital_skills", "I_DSK2_BAB"),
    "Individuals with above basic overall digital skills (all five component indicators are at above basic level)":
        ("eurostat_above_basic_digital_skills", "I_DSK2_AB"),
}
GEOS = {"Norway": "NO", "Sweden": "SE", "Denmark": "DK", "Finland": "FI",
        "European Union - 27 countries (from 2020)": "EU27"}
COLUMNS = ("indic_is", "geo", "unit", "ind_type", "TIME_PERIOD", "OBS_VALUE", "OBS_FLAG", "LAST UPDATE")


def curate(ctx: CurateContext) -> list[dict[str, str]]:
    rows = []
    for spec in ctx.source.reference_files:
        for src in read_file(ctx.path(spec["path"]), label=spec["path"], required=COLUMNS):
            mapped = INDICATORS.get(src["indic_is"])
            geo = GEOS.get(src["geo"])
            if not mapped or not geo or src["unit"] != "Percentage of individuals" or src["ind_type"] != "All individuals":
                continue
            if not src["OBS_VALUE"].strip() or mapped[0] not in ctx.catalog:
                continue
            indicator, code = mapped
            day, month, year = src["LAST UPDATE"].split(" ")[0].split("/")
            flags = {"provisional"} if "p" in src["OBS_FLAG"] else set()
            if "b" in src["OBS_FLAG"]:
                flags.add("break_in_series")
            rows.append(ctx.row(
                indicator_id=indicator, geo=geo, period=src["TIME_PERIOD"], value=clean_number(src["OBS_VALUE"]),
                source_org="Eurostat", source_dataset=f"isoc_sk_dskl_i21 ({code}, IND_TOTAL)",
                source_url=spec["source_url"], published=f"20{year}-{month}-{day}", flags=join_flags(flags),
                note=spec["note"] + (f"; Eurostat flag '{src['OBS_FLAG']}'" if src["OBS_FLAG"].strip() else "")))
    return rows
