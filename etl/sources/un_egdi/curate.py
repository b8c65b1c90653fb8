"""UN EGDI: the pinned survey files in ../shared/reference-data/un-egdi → curated rows (files in source.toml)."""
from __future__ import annotations

from etl.curate import CurateContext, CurateError, clean_number
from etl.sources.un_egdi.reader import read_egov_csv


def curate(ctx: CurateContext) -> list[dict[str, str]]:
    options = ctx.source.curate_options
    fields = {ind: field for ind, field in options["fields"].items() if ind in ctx.catalog}
    rows = []
    for spec in ctx.source.reference_files:
        path = ctx.path(spec["path"])
        frame = read_egov_csv(path.read_bytes(), year=int(spec["year"]), label=spec["path"])
        if set(frame["year"].astype(int)) != {int(spec["year"])}:
            raise CurateError(f"un_egdi: {spec['path']} holds survey year(s) {sorted(set(frame['year']))}, "
                              f"source.toml says {spec['year']}")
        for record in frame.to_dict("records"):
            for indicator, field in fields.items():
                rows.append(ctx.row(
                    indicator_id=indicator, geo=record["geo"], period=str(spec["year"]),
                    value=clean_number(record[f"{field}_text"]), source_org=options["source_org"],
                    source_dataset=spec["dataset"], source_url=options["source_url"], note=spec["note"]))
    return rows
