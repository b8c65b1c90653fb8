"""Eurostat dissemination API (Statistics API 1.0, JSON-stat 2.0, decoded by `etl.readers.jsonstat`).

`GET {base}/{dataset}?format=JSON&lang=EN&geo=NO&geo=SE&geo=DK&geo=FI&geo=EU27_2020&<dim>=<code>…` (geos and base URL
in source.toml `[fetch]`).

Catalogue entry: `connector = { source = "eurostat", dataset = "isoc_ciegi_ac",
filters = { indic_is = "I_IUGOV12", unit = "PC_IND", ind_type = "IND_TOTAL" } }`. A filter value may be a list of
alternative codes in order of preference (Eurostat replaced some e-government codes in 2022): for every
geo/period the first code that has a value is used and the code is named in the note. Dimension codes are read
from the response; a requested dimension or code that the response does not know is a "changed schema" error.
"""
from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import requests

from etl.connector import Connector, ConnectorError, IndicatorSpec, empty_rows, format_values, status_to_flags
from etl.lineage import RawResponse
from etl.readers.jsonstat import JsonStatError, decode


def _alternatives(value: Any) -> list[str]:
    return [str(v).upper() for v in value] if isinstance(value, list) else [str(value).upper()]


def _flag_code_changes(part: pd.DataFrame, dim: str, flags: pd.Series) -> pd.Series:
    """break_in_series on each geo's first period measured with another code than the period before (Eurostat
    replaced the code: a new question), whether or not Eurostat's own status says 'b'."""
    ordered = part.sort_values(["geo", "time"])
    before = ordered.groupby("geo")[dim].shift()
    changed = (before.notna() & ordered[dim].ne(before)).reindex(part.index)
    with_break = flags.where(flags.str.contains("break_in_series") | (flags == ""), flags + ";")
    with_break = with_break.where(with_break.str.contains("break_in_series"), with_break + "break_in_series")
    return flags.where(~changed.to_numpy(), with_break)


class EurostatConnector(Connector):

    def datasets(self) -> dict[str, list[IndicatorSpec]]:
        out: dict[str, list[IndicatorSpec]] = {}
        for spec in self.specs:
            dataset = spec.connector.get("dataset")
            if not dataset:
                raise ConnectorError("schema", f"indicator {spec.indicator_id}: connector has no 'dataset'")
            out.setdefault(str(dataset), []).append(spec)
        return out

    def expected_requests(self) -> int:
        return len(self.datasets())

    def query(self, specs: list[IndicatorSpec]) -> list[tuple[str, str]]:
        params: list[tuple[str, str]] = [("format", "JSON"), ("lang", "EN")]
        params += [("geo", g) for g in self.options["geos"]]
        # Only dimensions every indicator pins to one code go into the URL (an unknown code would turn the whole
        # request into a 400); dimensions with alternatives are filtered after decoding.
        dims: dict[str, set[str]] = {}
        pinned: dict[str, bool] = {}
        for spec in specs:
            for dim, value in (spec.connector.get("filters") or {}).items():
                dims.setdefault(dim, set()).update(_alternatives(value))
                pinned[dim] = pinned.get(dim, True) and not isinstance(value, list)
        for spec in specs:
            missing = set(dims) - set(spec.connector.get("filters") or {})
            for dim in missing:
                pinned[dim] = False
        for dim in sorted(dims):
            if pinned[dim]:
                params += [(dim, code) for code in sorted(dims[dim])]
        if self.options.get("since"):
            params.append(("sinceTimePeriod", str(self.options["since"])))
        return params

    def fetch(self, session: requests.Session) -> list[RawResponse]:
        raws = []
        for dataset, specs in self.datasets().items():
            raw = self.request(session, f"{self.base_url}/{dataset}", params=self.query(specs))
            raw.context = {"dataset": dataset, "indicators": [s.indicator_id for s in specs]}
            raws.append(raw)
        return raws

    def parse(self, raw: RawResponse) -> pd.DataFrame:
        dataset = raw.context["dataset"]
        specs = [s for s in self.specs if s.indicator_id in raw.context["indicators"]]
        try:
            ds = decode(raw.body)
        except JsonStatError as exc:
            raise ConnectorError("malformed", f"eurostat: {dataset}: response is not usable JSON-stat ({exc})") from None
        frame = ds.frame
        for needed in ("geo", "time"):
            if needed not in ds.dimensions:
                raise ConnectorError("schema", f"{dataset}: changed schema, no '{needed}' dimension in the response "
                                               f"(dimensions: {', '.join(ds.ids)})")
        frame = frame.assign(_row=ds.cell_index)  # origin_row = the cell's flat JSON-stat index
        frame = frame[frame["value"].notna()]
        published = (ds.updated or "")[:10]
        out = []
        for spec in specs:
            sel = np.ones(len(frame), dtype=bool)
            choice_dim, choices = None, None
            for dim, value in (spec.connector.get("filters") or {}).items():
                dim_l = dim.lower()
                if dim_l not in ds.dimensions:
                    raise ConnectorError("schema", f"{dataset}: changed schema, dimension '{dim_l}' (needed by "
                                                   f"{spec.indicator_id}) is not in the response "
                                                   f"(dimensions: {', '.join(ds.ids)})")
                known = ds.dimensions[dim_l].codes
                alts = [c for c in _alternatives(value) if c in known]
                if not alts:
                    raise ConnectorError("schema", f"{dataset}: changed schema, {dim_l}={'/'.join(_alternatives(value))} "
                                                   f"(needed by {spec.indicator_id}) not among the response's codes "
                                                   f"({', '.join(known[:12])}{' …' if len(known) > 12 else ''})")
                sel &= frame[dim_l].isin(alts).to_numpy()
                if len(alts) > 1 or isinstance(value, list):
                    choice_dim, choices = dim_l, alts
            part = frame[sel].copy()
            if choice_dim and len(part):
                rank = part[choice_dim].map({c: i for i, c in enumerate(choices)})
                part = part.assign(_rank=rank).sort_values(["geo", "time", "_rank"])
                part = part.drop_duplicates(["geo", "time"], keep="first")
            if not len(part):
                continue
            flags, note = status_to_flags(part["status"], ds.status_labels)
            if choice_dim:
                code_note = f"{choice_dim}=" + part[choice_dim].astype(str)
                note = (code_note + np.where(note != "", "; " + note, "")).astype("string")
                flags = _flag_code_changes(part, choice_dim, flags)
            out.append(pd.DataFrame({
                "indicator_id": spec.indicator_id,
                "geo": part["geo"].astype(str).replace(self.options.get("geo_names", {})).to_numpy(),
                "breakdown": "",
                "period": part["time"].astype("string").to_numpy(),
                "value": format_values(part["value"].to_numpy()).to_numpy(),
                "unit": spec.unit,
                "source_org": spec.source_org or "Eurostat",
                "source_dataset": spec.source_dataset or dataset,
                "source_url": raw.url,
                "published": published,
                "flags": flags.to_numpy(),
                "note": (f"Eurostat {dataset}: " + note.astype(str)).str.rstrip(": ").to_numpy(),
                "origin": raw.response_id,
                "origin_row": part["_row"].to_numpy(),
            }))
        return pd.concat(out, ignore_index=True) if out else empty_rows()
