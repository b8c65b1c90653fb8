"""data.norge.no (Felles datakatalog) search API: how many datasets, data services and open datasets.

`POST {base}/search/datasets` (or `/search/dataservices`) with a JSON `SearchOperation` body; the count is
`page.totalElements` (sources.md §3). Open datasets use the `openData` filter. A count has no period of its own, so
each observation is dated the day it was retrieved (`period = YYYY-MM-DD`, UTC); the refresh keeps earlier days'
rows, so the series grows one point per run.

Catalogue entry: `connector = { source = "datanorge", query = "datasets" }` (or `dataservices`, `open_datasets`).
"""
from __future__ import annotations

import json

import pandas as pd
import requests

from etl.connector import Connector, ConnectorError, empty_rows, format_values
from etl.lineage import RawResponse
from etl.readers.jsonstat import JsonStatError, parse_json

QUERIES = {
    "datasets": ("datasets", {}),
    "dataservices": ("dataservices", {}),
    "open_datasets": ("datasets", {"openData": {"value": True}}),
}


class DataNorgeConnector(Connector):

    def expected_requests(self) -> int:
        return len({str(s.connector.get("query")) for s in self.specs})

    def fetch(self, session: requests.Session) -> list[RawResponse]:
        raws = []
        queries: dict[str, list[str]] = {}
        for spec in self.specs:
            q = str(spec.connector.get("query", ""))
            if q not in QUERIES:
                raise ConnectorError("schema", f"indicator {spec.indicator_id}: unknown data.norge.no query {q!r} "
                                               f"(known: {', '.join(QUERIES)})")
            queries.setdefault(q, []).append(spec.indicator_id)
        for q, indicators in queries.items():
            path, filters = QUERIES[q]
            body = {"pagination": {"page": 0, "size": 1}}
            if filters:
                body["filters"] = filters
            raw = self.request(session, f"{self.base_url}/search/{path}", method="POST", json_body=body,
                               conditional=False)
            raw.context = {"query": q, "indicators": indicators}
            raws.append(raw)
        return raws

    def parse(self, raw: RawResponse) -> pd.DataFrame:
        q = raw.context["query"]
        try:
            doc = parse_json(raw.body)
        except JsonStatError as exc:
            raise ConnectorError("malformed", f"datanorge: search/{QUERIES[q][0]}: body is not JSON ({exc})") from None
        total = (doc.get("page") or {}).get("totalElements") if isinstance(doc, dict) else None
        if isinstance(total, bool) or not isinstance(total, (int, float)) or total != int(total):
            raise ConnectorError("schema", f"datanorge: search/{QUERIES[q][0]}: changed schema, no integer page.totalElements "
                                           f"(top-level keys: {', '.join(doc) if isinstance(doc, dict) else type(doc).__name__})")
        day = raw.retrieved_at.strftime("%Y-%m-%d")
        rows = []
        for spec in self.specs:
            if spec.indicator_id not in raw.context["indicators"]:
                continue
            rows.append({
                "indicator_id": spec.indicator_id, "geo": "NO", "breakdown": "", "period": day,
                "value": format_values([total]).iloc[0], "unit": spec.unit,
                "source_org": spec.source_org or "Digdir (data.norge.no)",
                "source_dataset": spec.source_dataset or "Felles datakatalog search API",
                "source_url": raw.url, "published": day, "flags": "",
                "note": f"page.totalElements of POST {raw.url} body {json.dumps(raw.request_body, separators=(',', ':'))}",
                "origin": raw.response_id, "origin_row": 1,
            })
        return pd.DataFrame(rows) if rows else empty_rows()
