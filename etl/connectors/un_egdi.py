"""UN E-Government Survey data files (EGDI, its sub-indices and rank per survey year).

Two layouts are read, with the column-name variants seen between editions (sources.md §4):

* UN Data Center export `EGOV_DATA_{year}.csv`: 2022 `Survey Year,Country Name,E-Government Rank,
  E-Government Index,E-Participation Index,Online Service Index,Human Capital Index,
  Telecommunication Infrastructure Index` (country names quoted with a trailing space); the 2024 copy renames them
  `Survey Year,Country,Rank,E_Index,E_Participation,Online_Service,Human_Capital,Tele_Infra,Region`.
* UNU-EGOV reshaped files `egdi-{year}.csv`: `country-code,country-name,e-gov-rank,e-gov-index,e-pat-index,osi,
  hci,tii` (no year column; floats with binary artefacts such as 0.8116800000000001).

Catalogue entry: `connector = { source = "un_egdi", field = "egdi" }` — fields egdi, rank, epart, osi, hci, tii.
Which files to read is configuration (`[sources.un_egdi]` in etl/connectors/sources.toml).
"""
from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd
import requests

from etl.connectors.base import Connector, ConnectorError, empty_rows, format_values
from etl.lineage import RawResponse

# normalised header (lower case, non-alphanumerics → "_") → field
COLUMN_VARIANTS = {
    "year": ["survey_year", "year"],
    "country": ["country_name", "country", "country_name_"],
    "iso3": ["country_code", "iso3", "iso_code"],
    "rank": ["e_government_rank", "rank", "e_gov_rank", "egdi_rank"],
    "egdi": ["e_government_index", "e_index", "e_gov_index", "egdi"],
    "epart": ["e_participation_index", "e_participation", "e_pat_index", "epi", "epart"],
    "osi": ["online_service_index", "online_service", "osi"],
    "hci": ["human_capital_index", "human_capital", "hci"],
    "tii": ["telecommunication_infrastructure_index", "tele_infra", "telecommunication_infrastructure", "tii"],
}
FIELDS = ("egdi", "rank", "epart", "osi", "hci", "tii")
COUNTRIES = {"norway": "NO", "sweden": "SE", "denmark": "DK", "finland": "FI"}
ISO3 = {"NOR": "NO", "SWE": "SE", "DNK": "DK", "FIN": "FI"}

# Default file list: paths under `base_url` (https://raw.githubusercontent.com). The UN Data Center is the
# original publisher; these are the public copies recorded in ../shared/domain/sources.md §4 (pinned commits).
DEFAULT_BASE_URL = "https://raw.githubusercontent.com"
DEFAULT_FILES = [
    {"year": 2014, "path": "/UNU-EGOV/datasets/3b9c43567eb9f749e7497b0491449b24a91e5248/egdi/egdi-2014.csv"},
    {"year": 2016, "path": "/UNU-EGOV/datasets/3b9c43567eb9f749e7497b0491449b24a91e5248/egdi/egdi-2016.csv"},
    {"year": 2018, "path": "/UNU-EGOV/datasets/3b9c43567eb9f749e7497b0491449b24a91e5248/egdi/egdi-2018.csv"},
    {"year": 2022, "path": "/pluralitybook/plurality/86158859464aee75633acd854c656928121a7fd8/figs/data/egovernment/EGOV_DATA_2022.csv"},
    {"year": 2024, "path": "/MaryliaCruzS/Estadistica1CienciaPolitica/a1f17e3a3090cf0ead465be6b16821efb5a63f5d/EGOV_DATA_2024.csv",
     "note": "third-party copy with renamed header; values presumed UN's", "flags": "secondary"},
]


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def read_egov_csv(text: str, *, year: int | None = None, label: str = "file") -> pd.DataFrame:
    """One EGDI file (any known layout) → frame with columns geo, year and the FIELDS present (floats)."""
    try:
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ConnectorError("malformed", f"{label}: not a readable CSV ({exc})") from None
    normalised = {_norm(c): c for c in frame.columns}
    found: dict[str, str] = {}
    for field, variants in COLUMN_VARIANTS.items():
        for v in variants:
            if v in normalised:
                found[field] = normalised[v]
                break
    if "country" not in found and "iso3" not in found:
        raise ConnectorError("schema", f"{label}: changed schema, no country column (header: {', '.join(frame.columns)})")
    present = [f for f in FIELDS if f in found]
    if "egdi" not in present:
        raise ConnectorError("schema", f"{label}: changed schema, no E-Government Index column "
                                       f"(header: {', '.join(frame.columns)})")
    geo = pd.Series([""] * len(frame), dtype=object)
    if "iso3" in found:
        geo = frame[found["iso3"]].str.strip().str.upper().map(ISO3).fillna("")
    if "country" in found:
        by_name = frame[found["country"]].str.strip().str.lower().map(COUNTRIES).fillna("")
        geo = geo.where(geo != "", by_name)
    if "year" in found:
        years = pd.to_numeric(frame[found["year"]].str.strip(), errors="coerce")
    else:
        if year is None:
            raise ConnectorError("schema", f"{label}: no 'Survey Year' column and no year configured")
        years = pd.Series(np.full(len(frame), year, dtype=float))
    out = pd.DataFrame({"geo": geo.to_numpy(), "year": years.to_numpy(), "_row": np.arange(2, len(frame) + 2)})
    for f in present:
        out[f] = pd.to_numeric(frame[found[f]].str.strip(), errors="coerce").to_numpy()
    out = out[out["geo"] != ""]
    if "NO" not in set(out["geo"]):
        raise ConnectorError("schema", f"{label}: Norway not found (country names or codes changed?)")
    bad = out[present].isna().any(axis=1) | out["year"].isna()
    if bad.any():
        r = out[bad].iloc[0]
        raise ConnectorError("malformed", f"{label} row {int(r['_row'])}: a value is not a number")
    return out


class UnEgdiConnector(Connector):
    name = "un_egdi"
    default_base_url = DEFAULT_BASE_URL

    def files(self) -> list[dict]:
        return list(self.options.get("files") or DEFAULT_FILES)

    def expected_requests(self) -> int:
        return len(self.files())

    def fetch(self, session: requests.Session) -> list[RawResponse]:
        for spec in self.specs:
            if spec.connector.get("field") not in FIELDS:
                raise ConnectorError("schema", f"indicator {spec.indicator_id}: un_egdi field must be one of "
                                               f"{', '.join(FIELDS)}, got {spec.connector.get('field')!r}")
        raws = []
        for f in self.files():
            url = f["url"] if f.get("url") else f"{self.base_url}{f['path']}"
            raw = self.request(session, url)
            raw.context = {"year": int(f["year"]), "note": f.get("note", ""), "flags": f.get("flags", "")}
            raws.append(raw)
        return raws

    def parse(self, raw: RawResponse) -> pd.DataFrame:
        label = raw.url.rsplit("/", 1)[-1]
        try:
            text = raw.body.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.body.decode("latin-1")
        data = read_egov_csv(text, year=raw.context.get("year"), label=label)
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
                "origin_kind": "live",
                "connector_source": self.name,
            }))
        return pd.concat(out, ignore_index=True) if out else empty_rows()
