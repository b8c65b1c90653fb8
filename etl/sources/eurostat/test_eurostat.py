"""Eurostat: the live parser on real and genuine-format JSON-stat bodies; the curation input's header check."""
from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from etl.connector import ConnectorError, IndicatorSpec
from etl.lineage import RawArchive
from etl.readers import ReadError
from etl.sources.eurostat.fetch import EurostatConnector
from tests.conftest import shared_file as shared

FIX = Path(__file__).resolve().parent / "fixtures"


def fixture_bytes(name):
    return (FIX / name).read_bytes()


def eurostat_spec(iid, indic, dataset="isoc_ciegi_ac"):
    return IndicatorSpec(iid, "pct_individuals_16_74", "percent", 100.0, "Eurostat", dataset,
                         {"source": "eurostat", "dataset": dataset,
                          "filters": {"indic_is": indic, "unit": "PC_IND", "ind_type": "IND_TOTAL"}})


def eurostat_raw(fixture, conn, dataset="isoc_ciegi_ac"):
    raw = conn.archive.store(source="eurostat", url=f"https://example.test/{dataset}", method="GET", http_status=200,
                             body=fixture, headers={"Content-Type": "application/json"})
    raw.context = {"dataset": dataset, "indicators": [s.indicator_id for s in conn.specs]}
    return raw


def test_eurostat_query_pins_single_codes_only(tmp_path):
    conn = EurostatConnector([eurostat_spec("a", ["I_IGOVANYS", "I_IUGOV12"]), eurostat_spec("b", "I_IUGOV1")],
                             archive=RawArchive(tmp_path / "raw"))
    params = conn.query(conn.specs)
    assert ("geo", "EU27_2020") in params and ("format", "JSON") in params and ("lang", "EN") in params
    assert ("unit", "PC_IND") in params and ("ind_type", "IND_TOTAL") in params
    assert not [p for p in params if p[0] == "indic_is"]  # alternatives: filtered after decoding


def test_eurostat_alternatives_flags_and_geo_names(tmp_path):
    conn = EurostatConnector([eurostat_spec("a", ["I_IGOVANYS", "I_IUGOV12"]), eurostat_spec("b", "I_IUGOV1")],
                             archive=RawArchive(tmp_path / "raw"))
    raw = eurostat_raw(fixture_bytes("isoc_ciegi_ac.json"), conn)
    rows = conn.parse(raw)
    a = rows[rows["indicator_id"] == "a"]
    assert set(a["geo"]) == {"NO", "SE", "DK", "FI", "EU27"}
    assert len(a) == 5 * 6 and not a.duplicated(["geo", "period"]).any()
    no = a[a["geo"] == "NO"].set_index("period")
    assert "indic_is=I_IUGOV12" in no.loc["2021", "note"] and "indic_is=I_IGOVANYS" in no.loc["2022", "note"]
    assert no.loc["2022", "flags"] == "break_in_series"
    b = rows[rows["indicator_id"] == "b"]
    assert not ((b["geo"] == "SE") & (b["period"] == "2024")).any()  # status 'u' without value: no row
    assert rows["unit"].eq("pct_individuals_16_74").all() and rows["source_url"].eq(raw.url).all()


def test_eurostat_code_change_is_a_break_even_without_status_b(tmp_path):
    """Eurostat replaced I_IUGOV12 by I_IGOVANYS in 2022: the first period under the new code is flagged as a break
    from the codes alone (the same response with every status letter removed)."""
    import json

    conn = EurostatConnector([eurostat_spec("a", ["I_IGOVANYS", "I_IUGOV12"])], archive=RawArchive(tmp_path / "raw"))
    body = json.loads(fixture_bytes("isoc_ciegi_ac.json"))
    body.pop("status", None)
    rows = conn.parse(eurostat_raw(json.dumps(body).encode(), conn))
    for geo, series in rows.groupby("geo"):
        flagged = set(series.loc[series["flags"].str.contains("break_in_series"), "period"])
        assert flagged == {"2022"}, geo


def test_eurostat_real_skills_values(tmp_path):
    """Our JSON body carries the real SDMX-CSV values: NO 2023 above-basic skills = 50.71."""
    conn = EurostatConnector([eurostat_spec("s", "I_DSK2_AB", "isoc_sk_dskl_i21")], archive=RawArchive(tmp_path / "r"))
    rows = conn.parse(eurostat_raw(fixture_bytes("isoc_sk_dskl_i21.json"), conn, "isoc_sk_dskl_i21"))
    assert rows[(rows["geo"] == "NO") & (rows["period"] == "2023")]["value"].tolist() == ["50.71"]
    assert (rows["geo"] == "EU27").any()


def test_eurostat_changed_codes_and_dimension(tmp_path):
    conn = EurostatConnector([eurostat_spec("b", "I_IUGOV1")], archive=RawArchive(tmp_path / "raw"))
    with pytest.raises(ConnectorError, match="changed schema, indic_is=I_IUGOV1 .* not among the response's codes"):
        conn.parse(eurostat_raw(fixture_bytes("isoc_ciegi_ac_changed_codes.json"), conn))
    odd = IndicatorSpec("c", "pct_individuals_16_74", "percent", 100.0, "Eurostat", "x",
                        {"source": "eurostat", "dataset": "isoc_ciegi_ac", "filters": {"sex": "T"}})
    conn = EurostatConnector([odd], archive=RawArchive(tmp_path / "raw2"))
    with pytest.raises(ConnectorError, match="dimension 'sex' .* is not in the response"):
        conn.parse(eurostat_raw(fixture_bytes("isoc_ciegi_ac.json"), conn))


def test_eurostat_truncated_body_names_source_and_problem(tmp_path):
    conn = EurostatConnector([eurostat_spec("b", "I_IUGOV1")], archive=RawArchive(tmp_path / "raw"))
    with pytest.raises(ConnectorError) as info:
        conn.parse(eurostat_raw(fixture_bytes("isoc_ciegi_ac_truncated.json"), conn))
    assert info.value.kind == "malformed" and str(info.value).startswith("eurostat: isoc_ciegi_ac: response is not usable")


def test_eurostat_real_body_parses(tmp_path):
    """The real isoc_ci_cm_h body through the connector: NO A1 2017 = 91.25, the valueless A1_DCH cell dropped."""
    spec = IndicatorSpec("h", "pct_individuals_16_74", "percent", 100.0, "Eurostat", "isoc_ci_cm_h",
                         {"source": "eurostat", "dataset": "isoc_ci_cm_h", "filters": {"hhtyp": "A1_DCH"}})
    conn = EurostatConnector([spec], archive=RawArchive(tmp_path / "raw"))
    body = shared("fixtures/eurostat/sdmx30_format-json_isoc_ci_cm_h_hhtyp-A1-A1_DCH.json").read_bytes()
    rows = conn.parse(eurostat_raw(body, conn, "isoc_ci_cm_h"))
    no = rows[rows["geo"] == "NO"].set_index("period")
    assert "2017" not in no.index and no.loc["2015", "flags"] == "uncertain"
    spec_a1 = IndicatorSpec("h", "pct_individuals_16_74", "percent", 100.0, "Eurostat", "isoc_ci_cm_h",
                            {"source": "eurostat", "dataset": "isoc_ci_cm_h", "filters": {"hhtyp": "A1"}})
    conn = EurostatConnector([spec_a1], archive=RawArchive(tmp_path / "raw2"))
    rows = conn.parse(eurostat_raw(body, conn, "isoc_ci_cm_h"))
    no2017 = rows[(rows["geo"] == "NO") & (rows["period"] == "2017")]
    assert no2017["value"].tolist() == ["91.25"]
    assert no2017["origin_row"].tolist() == [349]  # the cell's key in the sparse `value` object


def permuted(doc: dict, order: list[str]) -> dict:
    """The same JSON-stat dataset with its dimensions in another order (value/status re-keyed, index as lists)."""
    ids, sizes = doc["id"], doc["size"]
    new_sizes = [sizes[ids.index(d)] for d in order]

    def rekey(mapping):
        old = np.array([int(k) for k in mapping])
        pos = np.unravel_index(old, sizes)
        new = np.ravel_multi_index([pos[ids.index(d)] for d in order], new_sizes)
        return {str(n): v for n, v in zip(new.tolist(), mapping.values())}

    out = dict(doc, id=order, size=new_sizes, value=rekey(doc["value"]), status=rekey(doc.get("status", {})))
    out["dimension"] = {d: doc["dimension"][d] for d in reversed(order)}
    return out


def test_eurostat_unusual_dimension_order_gives_same_rows(tmp_path):
    doc = json.loads(fixture_bytes("isoc_ciegi_ac.json"))
    specs = [eurostat_spec("a", ["I_IGOVANYS", "I_IUGOV12"]), eurostat_spec("b", "I_IUGOV1")]
    cols = ["indicator_id", "geo", "period", "value", "flags", "note"]

    def rows_for(body):
        conn = EurostatConnector(specs, archive=RawArchive(tmp_path / f"raw{len(list(tmp_path.iterdir()))}"))
        out = conn.parse(eurostat_raw(json.dumps(body).encode(), conn))
        return sorted(map(tuple, out[cols].astype(str).to_numpy().tolist()))

    normal = rows_for(doc)
    odd = rows_for(permuted(doc, ["time", "geo", "unit", "indic_is", "ind_type", "freq"]))
    expected = sum(1 for k in doc["value"])  # every cell with a value, once per indicator that selects it
    assert odd == normal and 0 < len(normal) <= expected


def test_unit_check_rejects_percent_over_100_and_negative():
    from etl.refresh import check_units

    spec = eurostat_spec("a", "X")
    ok = pd.DataFrame({"indicator_id": ["a"], "geo": ["NO"], "period": ["2023"], "value": ["99.5"], "unit": ["p"]})
    check_units(ok, [spec])
    for bad in ("104.2", "-1"):
        with pytest.raises(ConnectorError) as info:
            check_units(ok.assign(value=[bad]), [spec])
        assert info.value.kind == "values" and "outside what the unit allows" in str(info.value)


def test_curation_input_with_changed_header_is_a_clear_error():
    from etl.curate import CurateContext, load_catalog
    from etl.sources import get
    from etl.sources.eurostat import curate as module

    source = get("eurostat")
    spec = {**source.reference_files[0], "path": "fixtures/isoc_sk_dskl_i21_changed_header.csv", "sha256": ""}
    fake = type(source)(source.name, source.folder, {**source.metadata, "curate": {"files": [spec]}})
    with pytest.raises(ReadError, match="changed header, missing column\\(s\\) OBS_VALUE"):
        module.curate(CurateContext(fake, source.folder, load_catalog()))
