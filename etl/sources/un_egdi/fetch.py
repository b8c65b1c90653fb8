"""UN EGDI live: the survey CSV files listed in source.toml `[fetch.options] files`, read with `reader.py`.

Catalogue entry: `connector = { source = "un_egdi", field = "egdi" }` — fields egdi, rank, epart, osi, hci, tii.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import requests

from etl.connector import Connector, ConnectorError, empty_rows, format_values, reading
from etl.lineage import RawResponse
from etl.sources.un_egdi.reader import FIELDS, read_egov_csv


class UnEgdiConnector(Connector):
    def files(self) -> list[dict]:
        return list(self.options.get("files") or [])

    def expected_requests(self) -> int:
        return len(self.files())

    def fetch(self, session: requests.Session) -> list[RawResponse]:
        for spec in self.specs:
            if spec.connector.get("field") not in FIELDS:
                raise ConnectorError("schema", f"indicator {spec.indicator_id}: un_egdi field must be one of "
                                               f"{', '.join(FIELDS)}, got {spec.connector.get('field')!r}")
        if not self.files():
            raise ConnectorError("schema", "un_egdi: no files configured ([fetch.options] files in source.toml)")
        raws = []
        for f in self.files():
            url = f["url"] if f.get("url") else f"{self.base_url}{f['path']}"
            raw = self.request(session, url)
            raw.context = {"year": int(f["year"]), "note": f.get("note", ""), "flags": f.get("flags", "")}
            raws.append(raw)
        return raws

    def parse(self, raw: RawResponse) -> pd.DataFrame:
        label = raw.url.rsplit("/", 1)[-1]
        with reading(self.name):
            data = read_egov_csv(raw.body, year=raw.context.get("year"), label=label)
        out = []
        for spec in self.specs:
            field = spec.connector["field"]
            if field not in data.columns:
                continue
            part = data[data[field].notna()]
            note = f"UN E-Government Survey {', '.join(sorted(set(part['year'].astype(int).astype(str))))}, " \
                   f"column '{field}' of {label}"
            if raw.context.get("note"):
                note += f"; {raw.context['note']}"
            out.append(pd.DataFrame({
                "indicator_id": spec.indicator_id,
                "geo": part["geo"].to_numpy(),
                "breakdown": "",
                "period": part["year"].astype(int).astype(str).to_numpy(),
                "value": format_values(np.round(part[field].to_numpy(dtype=float), 6)).to_numpy(),
                "unit": spec.unit,
                "source_org": spec.source_org or "UN DESA",
                "source_dataset": spec.source_dataset or "UN E-Government Survey",
                "source_url": raw.url,
                "published": "",
                "flags": raw.context.get("flags", ""),
                "note": note,
                "origin": raw.response_id,
                "origin_row": part["_row"].to_numpy(),
            }))
        return pd.concat(out, ignore_index=True) if out else empty_rows()
