"""UN EGDI: the one reader on every real layout and on broken files; curation and the live parser use it."""
from __future__ import annotations

from pathlib import Path

import pytest

from etl.connector import ConnectorError, IndicatorSpec
from etl.lineage import RawArchive
from etl.readers import ReadError
from etl.sources.un_egdi.fetch import UnEgdiConnector
from etl.sources.un_egdi.reader import FIELDS, read_egov_csv
from tests.conftest import shared_file as shared

FIX = Path(__file__).resolve().parent / "fixtures"


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
    frame = read_egov_csv(shared(relative).read_bytes(), year=year, label=relative)
    no = frame[frame["geo"] == "NO"].iloc[0]
    assert int(no["year"]) == (year or int(relative[-8:-4]) if "excerpt" not in relative else 2022)
    for field, value in expected.items():
        assert no[field] == pytest.approx(value, abs=5e-6)
    assert set(frame["geo"]) == {"NO", "SE", "DK", "FI"}


def test_un_bom_crlf_variant_and_changed_header():
    frame = read_egov_csv((FIX / "EGOV_DATA_2024_bom_crlf.csv").read_bytes(), label="x")
    assert frame[frame["geo"] == "SE"]["rank"].iloc[0] == 9
    assert frame[frame["geo"] == "NO"]["egdi_text"].iloc[0] == "0.93000"  # the text as published, for curation
    with pytest.raises(ReadError, match="changed.csv: changed schema, no country column"):
        read_egov_csv((FIX / "EGOV_DATA_changed_header.csv").read_bytes(), label="changed.csv")


@pytest.mark.parametrize("fixture,kind,text", [
    ("EGOV_DATA_changed_header.csv", "schema", "changed schema, no country column"),
    ("EGOV_DATA_2024_truncated.csv", "malformed", "truncated (the last line has no line break"),
    ("EGOV_DATA_2024_utf16.csv", "malformed", "UTF-16 or binary data"),
])
def test_broken_files_are_connector_errors_naming_source_and_problem(tmp_path, fixture, kind, text):
    archive = RawArchive(tmp_path / "raw")
    raw = archive.store(source="un_egdi", url=f"https://example.test/{fixture}", method="GET", http_status=200,
                        body=(FIX / fixture).read_bytes(), headers={"Content-Type": "text/csv"})
    raw.context = {"year": 2024}
    with pytest.raises(ConnectorError) as info:
        UnEgdiConnector([un_spec("egdi")], archive=archive).parse(raw)
    assert info.value.kind == kind
    assert str(info.value).startswith(f"un_egdi: {fixture}") and text in str(info.value)


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
    assert no["source_url"] == raw.url  # the URL the figure was read from
    assert rows[(rows["geo"] == "NO") & (rows["indicator_id"] == "un_rank")]["value"].iloc[0] == "18"
    assert int(no["origin_row"]) > 1


def test_curation_and_live_parser_agree_on_every_pinned_file(tmp_path):
    """The one reader: for every file the source pins, the curated value equals the live parser's value."""
    from etl.curate import CurateContext, load_catalog
    from etl.sources import get
    from tests.conftest import SHARED

    source = get("un_egdi")
    shared(source.reference_files[0]["path"])
    rows = source.curate(CurateContext(source, SHARED, load_catalog()))
    curated = {(r["indicator_id"], r["geo"], r["period"]): float(r["value"]) for r in rows}
    field_of = source.curate_options["fields"]
    archive = RawArchive(tmp_path / "raw")
    specs = [IndicatorSpec(ind, "u", "index", None, "", "", {"source": "un_egdi", "field": f}) for ind, f in field_of.items()]
    conn = UnEgdiConnector(specs, archive=archive)
    live = {}
    for spec in source.reference_files:
        raw = archive.store(source="un_egdi", url=f"https://example.test/{spec['path']}", method="GET",
                            http_status=200, body=shared(spec["path"]).read_bytes())
        raw.context = {"year": spec["year"]}
        for r in conn.parse(raw).to_dict("records"):
            live[(r["indicator_id"], r["geo"], r["period"])] = float(r["value"])
    assert curated.keys() == live.keys() and curated
    assert all(curated[k] == pytest.approx(live[k], abs=5e-7) for k in curated)
