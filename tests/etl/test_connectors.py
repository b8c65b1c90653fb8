"""Parsers of the UN EGDI, Eurostat and data.norge.no connectors on real and genuine-format bodies."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from etl.connectors.base import ConnectorError, IndicatorSpec
from etl.connectors.datanorge import DataNorgeConnector
from etl.connectors.eurostat import EurostatConnector
from etl.connectors.un_egdi import FIELDS, UnEgdiConnector, read_egov_csv
from etl.lineage import RawArchive
from etl.refresh import check_units
from tests.etl.conftest import FIX, fixture_bytes, shared


def un_spec(field, unit="index_0_1", kind="index", limit=1.0):
    return IndicatorSpec(f"un_{field}", "rank" if field == "rank" else unit, "rank" if field == "rank" else kind,
                         None if field == "rank" else limit, "UN DESA", "UN E-Government Survey",
                         {"source": "un_egdi", "field": field})


@pytest.mark.parametrize("relative,year,expected", [
    ("reference-data/un-egdi/egdi-2014.csv", 2014, {"rank": 13, "egdi": 0.83572, "epart": 0.68627, "tii": 0.81328}),
    ("reference-data/un-egdi/egdi-2016.csv", 2016, {"rank": 18, "egdi": 0.81168, "hci": 0.90306}),
    ("reference-data/un-egdi/egdi-2018.csv", 2018, {"rank": 14, "egdi": 0.8557, "epart": 0.9775, "osi": 0.9514}),
    ("reference-data/un-egdi/EGOV_DATA_2022.csv", None, {"rank": 17, "egdi": 0.8879, "epart": 0.6932, "tii": 0.9102}),
    ("reference-data/un-egdi/EGOV_DATA_2024.csv", None, {"rank": 15, "egdi": 0.93153, "osi": 0.91172, "hci": 0.91748}),
    ("fixtures/un_egdi/EGOV_DATA_2022_excerpt_nordics.csv", None, {"rank": 17, "egdi": 0.8879}),
])
def test_un_layouts_give_norway_values(relative, year, expected):
    frame = read_egov_csv(shared(relative).read_text(encoding="utf-8-sig"), year=year, label=relative)
    no = frame[frame["geo"] == "NO"].iloc[0]
    assert int(no["year"]) == (year or int(relative[-8:-4]) if "excerpt" not in relative else 2022)
    for field, value in expected.items():
        assert no[field] == pytest.approx(value, abs=5e-6)
    assert set(frame["geo"]) == {"NO", "SE", "DK", "FI"}


def test_un_bom_crlf_variant_and_changed_header():
    frame = read_egov_csv((FIX / "un_egdi/EGOV_DATA_2024_bom_crlf.csv").read_text(encoding="utf-8-sig"), label="x")
    assert frame[frame["geo"] == "SE"]["rank"].iloc[0] == 9
    with pytest.raises(ConnectorError, match="changed schema, no country column"):
        read_egov_csv((FIX / "un_egdi/EGOV_DATA_changed_header.csv").read_text(), label="changed.csv")


def test_un_parse_rows_have_lineage_and_no_float_artefacts(tmp_path):
    path = shared("reference-data/un-egdi/egdi-2016.csv")
    archive = RawArchive(tmp_path / "raw")
    conn = UnEgdiConnector([un_spec(f) for f in FIELDS], archive=archive)
    raw = archive.store(source="un_egdi", url="https://example.test/egdi-2016.csv", method="GET", http_status=200,
                        body=path.read_bytes(), headers={"Content-Type": "text/csv"})
    raw.context = {"year": 2016}
    rows = conn.parse(raw)
    no = rows[(rows["geo"] == "NO") & (rows["indicator_id"] == "un_egdi")].iloc[0]
    assert no["value"] == "0.81168" and no["period"] == "2016" and no["origin"] == raw.response_id
    assert rows[(rows["geo"] == "NO") & (rows["indicator_id"] == "un_rank")]["value"].iloc[0] == "18"
    assert int(no["origin_row"]) > 1


def eurostat_spec(iid, indic, dataset="isoc_ciegi_ac"):
    return IndicatorSpec(iid, "pct_individuals_16_74", "percent", 100.0, "Eurostat", dataset,
                         {"source": "eurostat", "dataset": dataset,
                          "filters": {"indic_is": indic, "unit": "PC_IND", "ind_type": "IND_TOTAL"}})


def eurostat_raw(tmp_path, fixture, conn, dataset="isoc_ciegi_ac"):
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
    rows = conn.parse(eurostat_raw(tmp_path, fixture_bytes("eurostat/isoc_ciegi_ac.json"), conn))
    a = rows[rows["indicator_id"] == "a"]
    assert set(a["geo"]) == {"NO", "SE", "DK", "FI", "EU27"}
    assert len(a) == 5 * 6 and not a.duplicated(["geo", "period"]).any()
    no = a[a["geo"] == "NO"].set_index("period")
    assert "indic_is=I_IUGOV12" in no.loc["2021", "note"] and "indic_is=I_IGOVANYS" in no.loc["2022", "note"]
    assert no.loc["2022", "flags"] == "break_in_series"
    b = rows[rows["indicator_id"] == "b"]
    assert not ((b["geo"] == "SE") & (b["period"] == "2024")).any()  # status 'u' without value: no row
    assert rows["unit"].eq("pct_individuals_16_74").all() and rows["origin_kind"].eq("live").all()


def test_eurostat_changed_codes_and_dimension(tmp_path):
    conn = EurostatConnector([eurostat_spec("b", "I_IUGOV1")], archive=RawArchive(tmp_path / "raw"))
    with pytest.raises(ConnectorError, match="changed schema, indic_is=I_IUGOV1 .* not among the response's codes"):
        conn.parse(eurostat_raw(tmp_path, fixture_bytes("eurostat/isoc_ciegi_ac_changed_codes.json"), conn))
    odd = IndicatorSpec("c", "pct_individuals_16_74", "percent", 100.0, "Eurostat", "x",
                        {"source": "eurostat", "dataset": "isoc_ciegi_ac", "filters": {"sex": "T"}})
    conn = EurostatConnector([odd], archive=RawArchive(tmp_path / "raw2"))
    with pytest.raises(ConnectorError, match="dimension 'sex' .* is not in the response"):
        conn.parse(eurostat_raw(tmp_path, fixture_bytes("eurostat/isoc_ciegi_ac.json"), conn))


def test_eurostat_real_body_parses(tmp_path):
    """The real isoc_ci_cm_h body through the connector: NO A1 2017 = 91.25, the valueless A1_DCH cell dropped."""
    spec = IndicatorSpec("h", "pct_individuals_16_74", "percent", 100.0, "Eurostat", "isoc_ci_cm_h",
                         {"source": "eurostat", "dataset": "isoc_ci_cm_h", "filters": {"hhtyp": "A1_DCH"}})
    conn = EurostatConnector([spec], archive=RawArchive(tmp_path / "raw"))
    body = shared("fixtures/eurostat/sdmx30_format-json_isoc_ci_cm_h_hhtyp-A1-A1_DCH.json").read_bytes()
    rows = conn.parse(eurostat_raw(tmp_path, body, conn, "isoc_ci_cm_h"))
    no = rows[rows["geo"] == "NO"].set_index("period")
    assert "2017" not in no.index and no.loc["2015", "flags"] == "uncertain"
    spec_a1 = IndicatorSpec("h", "pct_individuals_16_74", "percent", 100.0, "Eurostat", "isoc_ci_cm_h",
                            {"source": "eurostat", "dataset": "isoc_ci_cm_h", "filters": {"hhtyp": "A1"}})
    conn = EurostatConnector([spec_a1], archive=RawArchive(tmp_path / "raw2"))
    rows = conn.parse(eurostat_raw(tmp_path, body, conn, "isoc_ci_cm_h"))
    no2017 = rows[(rows["geo"] == "NO") & (rows["period"] == "2017")]
    assert no2017["value"].tolist() == ["91.25"]
    assert no2017["origin_row"].tolist() == [349]  # the cell's key in the sparse `value` object


def test_unit_check_rejects_percent_over_100_and_negative():
    spec = eurostat_spec("a", "X")
    import pandas as pd
    ok = pd.DataFrame({"indicator_id": ["a"], "geo": ["NO"], "period": ["2023"], "value": ["99.5"], "unit": ["p"]})
    check_units(ok, [spec])
    for bad in ("104.2", "-1"):
        frame = ok.assign(value=[bad])
        with pytest.raises(ConnectorError) as info:
            check_units(frame, [spec])
        assert info.value.kind == "values" and "outside what the unit allows" in str(info.value)


def test_datanorge_parse_and_changed_schema(tmp_path):
    archive = RawArchive(tmp_path / "raw")
    spec = IndicatorSpec("dn", "count_datasets", "count", None, "Digdir", "FDK", {"source": "datanorge", "query": "datasets"})
    conn = DataNorgeConnector([spec], archive=archive)
    raw = archive.store(source="datanorge", url="https://example.test/search/datasets", method="POST",
                        http_status=200, body=fixture_bytes("datanorge/search_datasets.json"),
                        request_body={"pagination": {"page": 0, "size": 1}},
                        retrieved_at=datetime(2026, 11, 28, 10, 15, tzinfo=timezone.utc))
    raw.context = {"query": "datasets", "indicators": ["dn"]}
    rows = conn.parse(raw)
    assert rows[["period", "value", "geo"]].iloc[0].tolist() == ["2026-11-28", "3512", "NO"]
    raw.body = fixture_bytes("datanorge/search_changed.json")
    with pytest.raises(ConnectorError, match="changed schema, no integer page.totalElements"):
        conn.parse(raw)
    raw.body = b'{"page": {"totalEl'
    with pytest.raises(ConnectorError, match="not JSON"):
        conn.parse(raw)


def permuted(doc: dict, order: list[str]) -> dict:
    """The same JSON-stat dataset with its dimensions in another order (value/status re-keyed, index as lists)."""
    import numpy as np

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
    import json

    doc = json.loads(fixture_bytes("eurostat/isoc_ciegi_ac.json"))
    specs = [eurostat_spec("a", ["I_IGOVANYS", "I_IUGOV12"]), eurostat_spec("b", "I_IUGOV1")]
    cols = ["indicator_id", "geo", "period", "value", "flags", "note"]

    def rows_for(body):
        conn = EurostatConnector(specs, archive=RawArchive(tmp_path / f"raw{len(list(tmp_path.iterdir()))}"))
        out = conn.parse(eurostat_raw(tmp_path, json.dumps(body).encode(), conn))
        return sorted(map(tuple, out[cols].astype(str).to_numpy().tolist()))

    normal = rows_for(doc)
    odd = rows_for(permuted(doc, ["time", "geo", "unit", "indic_is", "ind_type", "freq"]))
    assert odd == normal and len(normal) == 59


def test_bad_catalogue_connector_fails_its_source_only(tmp_path, replay, fast_http):
    import io

    from etl.refresh import EXIT_PARTIAL, refresh
    from tests.etl.conftest import catalog_with_connectors, snapshot_dir

    shared("reference-data/un-egdi/EGOV_DATA_2022.csv")
    catalog = catalog_with_connectors(  # a Eurostat mapping without a dataset
        tmp_path, {"eurostat_egov_downloaded_forms_12m": '{ source = "eurostat", filters = {} }'})
    replay.install_defaults()
    err = io.StringIO()
    report = refresh(tmp_path / "w.duckdb", catalog_path=catalog, snapshot_dir=snapshot_dir(), http_config=fast_http,
                     connector_kwargs=replay.connector_kwargs(), stream=err, out=io.StringIO())
    assert report.exit_code == EXIT_PARTIAL
    assert "eurostat: FAILED (schema) indicator eurostat_egov_downloaded_forms_12m: connector has no 'dataset'" in err.getvalue()
    assert "un_egdi: ok" in err.getvalue()
