"""The UN E-Government Survey data files (EGDI, its sub-indices and rank per survey year): ONE reader for every
layout, used by both `curate.py` (the pinned files in ../shared) and `fetch.py` (the same files fetched live).

Layouts, with the column-name variants seen between editions (sources.md §4):

* UN Data Center export `EGOV_DATA_{year}.csv`: 2022 `Survey Year,Country Name,E-Government Rank,
  E-Government Index,E-Participation Index,Online Service Index,Human Capital Index,
  Telecommunication Infrastructure Index` (country names quoted with a trailing space); the 2024 copy renames them
  `Survey Year,Country,Rank,E_Index,E_Participation,Online_Service,Human_Capital,Tele_Infra,Region`.
* UNU-EGOV reshaped files `egdi-{year}.csv`: `country-code,country-name,e-gov-rank,e-gov-index,e-pat-index,osi,
  hci,tii` (no year column; floats with binary artefacts such as 0.8116800000000001).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from etl.readers import ReadError
from etl.readers.csv import decode_text, read_records

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
ENCODINGS = ("utf-8-sig", "latin-1")  # the UN Data Center has served Windows-style exports


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(name).strip().lower()).strip("_")


def read_egov_csv(body: bytes | str, *, year: int | None = None, label: str = "file") -> pd.DataFrame:
    """One EGDI file (any known layout) → the Nordic rows: geo, year, `_row` (line in the file), each field present
    as a float and as `<field>_text` (the text as published, stripped). ReadError naming the file and problem."""
    text = decode_text(body, label=label, encodings=ENCODINGS) if isinstance(body, bytes) else body
    header, records = read_records(text, label=label, complete=True)  # every edition ends with a line break
    normalised = {_norm(c): i for i, c in reversed(list(enumerate(header)))}
    found: dict[str, int] = {}
    for field, variants in COLUMN_VARIANTS.items():
        for v in variants:
            if v in normalised:
                found[field] = normalised[v]
                break
    if "country" not in found and "iso3" not in found:
        raise ReadError("schema", f"{label}: changed schema, no country column (header: {', '.join(header)})")
    present = [f for f in FIELDS if f in found]
    if "egdi" not in present:
        raise ReadError("schema", f"{label}: changed schema, no E-Government Index column (header: {', '.join(header)})")
    if "year" not in found and year is None:
        raise ReadError("schema", f"{label}: no 'Survey Year' column and no year configured")
    out = []
    for line, record in enumerate(records, start=2):
        geo = ISO3.get(record[found["iso3"]].strip().upper(), "") if "iso3" in found else ""
        if not geo and "country" in found:
            geo = COUNTRIES.get(record[found["country"]].strip().lower(), "")
        if not geo:
            continue
        row: dict[str, object] = {"geo": geo, "_row": line}
        row["year"] = pd.to_numeric(record[found["year"]].strip(), errors="coerce") if "year" in found else float(year)
        for f in present:
            row[f"{f}_text"] = record[found[f]].strip()
            row[f] = pd.to_numeric(row[f"{f}_text"], errors="coerce")
        out.append(row)
    columns = ["geo", "year", "_row", *present, *(f"{f}_text" for f in present)]
    frame = pd.DataFrame(out, columns=columns)
    if "NO" not in set(frame["geo"]):
        raise ReadError("schema", f"{label}: Norway not found (country names or codes changed?)")
    bad = frame[present].isna().any(axis=1) | frame["year"].isna()
    if bad.any():
        r = frame[bad].iloc[0]
        raise ReadError("malformed", f"{label} row {int(r['_row'])}: a value is not a number")
    frame["year"] = frame["year"].astype(float)
    frame["_row"] = frame["_row"].astype(np.int64)
    return frame.reset_index(drop=True)
