"""`python -m etl publish`: the warehouse as open data files in `data/published/` (see docs/publishing.md).

    index.html                       the files listed in bokmål and English
    catalog.ttl                      DCAT-AP-NO catalogue (data.norge.no harvests it)
    datapackage.json                 Frictionless Data Package: every file, its schema, licences and sources
    catalogue.json                   goals, indicators, units and life events
    observations.csv / .parquet      every observation, with its flags, source, licence and preferred mark
    sources.csv / .parquet           the publications the figures were read from
    scores/<table>.csv / .parquet    the score tables (indicator_scores, …, movers)
    indicators/<id>.csv / .json      one indicator: CSV and JSON-stat 2.0
    SHA256SUMS                       SHA-256 of every other file (sha256sum -c SHA256SUMS)

The folder is written beside the target (`data/.published.<pid>.tmp`), checked, and swapped into place in one
rename; the previous folder is served until then. The files are a function of the warehouse and the publisher
settings only (no clock), so the same warehouse gives the same bytes.

The dashboard's downloads call the same functions (`etl.publish.exports`, `etl.publish.jsonstat`), so a
visitor's download equals the published file.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from etl import schema
from etl.errors import MonitorError
from etl.processes import process_alive
from etl.paths import DATA_DIR, WAREHOUSE_PATH
from etl.publish import dcat
from etl.publish.exports import (CATALOGUE_TABLES, EXTRA_COLUMNS, LICENCES, OBSERVATION_COLUMNS, catalogue_json,
                                 csv_bytes, describe, indicator_csv, indicator_frame, indicator_ids, licence_info,
                                 observations_csv, observations_frame, observations_parquet, parquet_bytes,
                                 score_tables, table_csv, table_frame, table_parquet)
from etl.publish.html import index_html
from etl.publish.jsonstat import indicator_jsonstat, indicator_jsonstat_bytes, jsonstat_bytes

__all__ = [
    "PUBLISHED_DIR", "PublishError", "PublishResult", "publish", "cli_publish",
    "indicator_csv", "indicator_frame", "indicator_jsonstat", "indicator_jsonstat_bytes", "observations_frame",
    "observations_csv", "observations_parquet", "table_frame", "table_csv", "table_parquet", "catalogue_json",
    "csv_bytes", "parquet_bytes", "publisher_from_env",
]

PUBLISHED_DIR = DATA_DIR / "published"
DEFAULT_BASE_URL = "http://localhost:8000/"  # what `python -m http.server -d data/published` serves
SCORE_DIR = "scores"
INDICATOR_DIR = "indicators"
SUMS = "SHA256SUMS"
FRICTIONLESS_TYPES = {"VARCHAR": "string", "DOUBLE": "number", "INTEGER": "integer", "BIGINT": "integer",
                      "BOOLEAN": "boolean", "TIMESTAMP WITH TIME ZONE": "datetime"}


class PublishError(MonitorError, RuntimeError):
    """The warehouse cannot be published; the previous folder was left as it was."""


@dataclass(frozen=True)
class PublishResult:
    path: Path
    build_id: str
    n_files: int
    n_datasets: int
    n_indicators: int
    total_bytes: int


def publisher_from_env(base_url: str | None = None) -> dcat.Publisher:
    """Publisher settings from the environment (MONITOR_PUBLISH_BASE_URL, MONITOR_PUBLISHER_URI,
    MONITOR_PUBLISHER_ORGNR, MONITOR_PUBLISHER_NAME_NB/_EN, MONITOR_CONTACT_EMAIL, MONITOR_CONTACT_URL)."""
    env = os.environ.get
    defaults = dcat.Publisher(base_url="")
    return dcat.Publisher(
        base_url=base_url or env("MONITOR_PUBLISH_BASE_URL") or DEFAULT_BASE_URL,
        name_nb=env("MONITOR_PUBLISHER_NAME_NB") or defaults.name_nb,
        name_en=env("MONITOR_PUBLISHER_NAME_EN") or defaults.name_en,
        uri=env("MONITOR_PUBLISHER_URI", ""), org_number=env("MONITOR_PUBLISHER_ORGNR", ""),
        contact_email=env("MONITOR_CONTACT_EMAIL", ""), contact_url=env("MONITOR_CONTACT_URL", ""),
    )


# ---------------------------------------------------------------------------------------------------------------
# What is published: each file's bytes and description
# ---------------------------------------------------------------------------------------------------------------

@dataclass
class _File:
    path: str
    data: bytes
    fmt: str                      # csv | parquet | json | ttl | html
    title_nb: str
    title_en: str
    table: str | None = None      # warehouse table whose columns it has (tabular files)
    frame: pd.DataFrame | None = None
    licences: tuple[str, ...] = ()
    sources: tuple[tuple[str, str], ...] = ()   # (publisher, url)
    dataset: str = ""             # DCAT dataset key
    conforms_to: str | None = None

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


SCORE_TITLES = {
    "indicator_scores": ("Indikatorpoeng per land", "Indicator scores per country"),
    "indicator_score_peers": ("Sammenligningen med andre land bak nivåpoengene",
                              "The peer comparisons behind the level scores"),
    "goal_scores": ("Målpoeng per land", "Goal scores per country"),
    "goal_score_history": ("Målpoeng per år", "Goal scores year by year"),
    "movers": ("Indikatorene som trekker målpoengene mest", "The indicators that move the goal scores most"),
    "goal_confidence": ("Hvor sikre målpoengene er", "How firm the goal scores are"),
}


def _licences(frame: pd.DataFrame) -> tuple[str, ...]:
    return tuple(sorted(frame["licence"].unique()))


def _sources(frame: pd.DataFrame) -> tuple[tuple[str, str], ...]:
    return tuple(sorted(set(zip(frame["source_org"].tolist(), frame["source_url"].tolist()))))


def _files(con: duckdb.DuckDBPyConnection) -> tuple[list[_File], dict]:
    obs = observations_frame(con)
    files = [
        _File("observations.csv", csv_bytes(obs), "csv", "Alle observasjoner", "All observations", "observations",
              obs, _licences(obs), _sources(obs), "observations"),
        _File("observations.parquet", parquet_bytes(obs), "parquet", "Alle observasjoner", "All observations",
              "observations", obs, _licences(obs), _sources(obs), "observations"),
    ]
    sources = table_frame(con, "sources")
    for fmt, data in (("csv", csv_bytes(sources)), ("parquet", parquet_bytes(sources))):
        files.append(_File(f"sources.{fmt}", data, fmt, "Kildene tallene er lest fra",
                           "The publications the figures were read from", "sources", sources, (), (), "observations"))
    for table in score_tables(con):
        frame = table_frame(con, table)
        nb, en = SCORE_TITLES.get(table, (f"Poengtabellen {table}", f"The score table {table}"))
        for fmt, data in (("csv", csv_bytes(frame)), ("parquet", parquet_bytes(frame))):
            files.append(_File(f"{SCORE_DIR}/{table}.{fmt}", data, fmt, f"{nb} (monitorens beregning)",
                               f"{en} (the monitor's computation)", table, frame, ("",), (), "scores"))
    files.append(_File("catalogue.json", catalogue_json(con), "json",
                       "Katalogen: mål, indikatorer, enheter og livshendelser",
                       "The catalogue: goals, indicators, units and life events", dataset="catalogue"))
    meta = {r["indicator_id"]: r for r in table_frame(con, "indicators").to_dict(orient="records")}
    for indicator_id in indicator_ids(con):
        frame = obs[obs["indicator_id"] == indicator_id].reset_index(drop=True)
        name = meta[indicator_id]
        files.append(_File(f"{INDICATOR_DIR}/{indicator_id}.csv", csv_bytes(frame), "csv", name["name_nb"],
                           name["name_en"], "observations", frame, _licences(frame), _sources(frame), indicator_id))
        files.append(_File(f"{INDICATOR_DIR}/{indicator_id}.json", jsonstat_bytes(indicator_jsonstat(con, indicator_id, frame=frame)),
                           "json", f"{name['name_nb']} (JSON-stat 2.0)", f"{name['name_en']} (JSON-stat 2.0)",
                           licences=_licences(frame), sources=_sources(frame), dataset=indicator_id,
                           conforms_to=str(dcat.JSON_STAT)))
    goals = {r["goal_id"]: r for r in table_frame(con, "goals").to_dict(orient="records")}
    return files, {"obs": obs, "indicators": meta, "goals": goals}


# ---------------------------------------------------------------------------------------------------------------
# datapackage.json
# ---------------------------------------------------------------------------------------------------------------

def _field(table: str, name: str, type_: str) -> dict:
    en, nb = describe(table, name)
    field = {"name": name, "type": FRICTIONLESS_TYPES.get(type_, "string"), "description": en, "description_nb": nb}
    if field["type"] == "boolean":
        field.update(trueValues=["true"], falseValues=["false"])
    return field


def _types(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    if table in schema.TABLES:
        types = {c.name: c.type for c in schema.TABLES[table]}
        if table == "observations":
            types.update({k: v[0] for k, v in EXTRA_COLUMNS.items()})
        return types
    cursor = con.cursor()
    try:
        rows = cursor.execute("SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
                              "ORDER BY ordinal_position", [table]).fetchall()
    finally:
        cursor.close()
    return dict(rows)


def _licence_objects(licences: tuple[str, ...]) -> list[dict]:
    out = []
    for text in licences:
        info = licence_info(text) if text else None
        if info and info["uri"]:
            out.append({"name": text.replace(" ", "-"), "path": info["path"], "title": info["title"]})
    return out


def _resource_name(path: str) -> str:
    return path.lower().replace("/", "-").replace("_", "-")


def datapackage(con: duckdb.DuckDBPyConnection, files: list[_File], build: dict) -> dict:
    resources = []
    for f in files:
        resource = {"name": _resource_name(f.path), "path": f.path, "title": f.title_en, "title_nb": f.title_nb,
                    "format": f.fmt, "mediatype": dcat.FILE_TYPES[f.fmt][1]}
        if f.fmt != "parquet":  # frictionless reads Parquet through pyarrow and counts no bytes: SHA256SUMS has them
            resource.update(bytes=len(f.data), hash=f"sha256:{f.sha256}")
        if f.fmt in ("csv", "parquet") and f.table:
            resource["type"] = "table"
            if f.fmt == "csv":
                resource["encoding"] = "utf-8"
            types = _types(con, f.table)
            fields = [_field(f.table, c, types[c]) for c in f.frame.columns]
            resource["schema"] = {"fields": fields}
            if f.table == "observations":
                resource["schema"]["primaryKey"] = ["origin", "origin_row"]
        else:
            resource["type"] = "file"
            if f.conforms_to:
                resource["profile_url"] = f.conforms_to
        licences = _licence_objects(f.licences)
        if licences:
            resource["licenses"] = licences
        rights = dcat.rights_text(f.licences)
        if rights is not None:
            resource["rights"], resource["rights_nb"] = rights[1], rights[0]
        if f.sources:
            resource["sources"] = [{"title": org, "path": url} for org, url in f.sources]
        resources.append(resource)
    used = sorted({lic for f in files for lic in f.licences if lic})
    return {
        "name": "digitaliseringsmonitoren",
        "title": "The digitalisation monitor: open data",
        "title_nb": "Digitaliseringsmonitoren: åpne data",
        "description": (
            "Indicators of Norway's digital strategy for the public sector ('One digital public sector' 2019–2025), "
            "with Sweden, Denmark, Finland and the EU, as published by their sources, and the monitor's own scores "
            "(not Digdir's). Licences differ by source: each row carries its own (the licence column). Terms used: "
            + ", ".join(used) + ". 'unknown' means the terms are not known: ask the publisher before reuse."),
        "description_nb": (
            "Indikatorer for digitaliseringsstrategien for offentlig sektor («Én digital offentlig sektor» "
            "2019–2025), med Sverige, Danmark, Finland og EU, slik kildene har publisert dem, og monitorens egne "
            "poeng (ikke Digdirs). Lisensene er ulike per kilde: hver rad har sin egen (kolonnen licence). Vilkår "
            "som brukes: " + ", ".join(used) + ". «unknown» betyr at vilkårene ikke er kjent: spør utgiveren før "
            "gjenbruk."),
        "version": build["build_id"],
        "created": build["built_at"],
        "keywords": ["digitalisation", "digitalisering", "public sector", "offentlig sektor", "Norway", "Norge"],
        # No package-level "licenses": resources inherit them, and the terms differ by source. Each resource lists
        # the standard licences of its rows and says in "rights" when other or unknown terms apply.
        "sources": [{"title": org, "path": info["url"]}
                    for org, info in sorted(_publishers_used(files).items())],
        "resources": resources,
    }


def _publishers_used(files: list[_File]) -> dict[str, dict]:
    from etl.sources import publishers

    info = publishers()
    orgs = {org for f in files for org, _ in f.sources}
    return {org: info[org] for org in orgs if org in info}


# ---------------------------------------------------------------------------------------------------------------
# catalog.ttl
# ---------------------------------------------------------------------------------------------------------------

def _datasets(files: list[_File], extra: dict) -> list[dcat.Dataset]:
    by_key: dict[str, list[_File]] = {}
    for f in files:
        by_key.setdefault(f.dataset, []).append(f)
    obs = extra["obs"]

    def dists(key: str) -> tuple[dcat.Distribution, ...]:
        return tuple(dcat.Distribution(f.path, f.fmt, f.title_nb, f.title_en, len(f.data), f.sha256, f.licences,
                                       None if f.conforms_to is None else dcat.URIRef(f.conforms_to))
                     for f in by_key[key])

    out = []
    for key, meta in extra["indicators"].items():
        frame = obs[obs["indicator_id"] == key]
        orgs = sorted(frame["source_org"].unique())
        geos = sorted(frame["geo"].unique())
        licences = ", ".join(sorted(frame["licence"].unique()))
        out.append(dcat.Dataset(
            key=key, title_nb=meta["name_nb"], title_en=meta["name_en"],
            description_nb=(f"{meta['definition_nb']} Alle publiserte tall ({len(frame)}) for {', '.join(geos)}, med "
                            f"merknader, kilde og foretrukket verdi. Kilder: {'; '.join(orgs)}. Vilkår: {licences}."),
            description_en=(f"{meta['definition_en']} Every published figure ({len(frame)}) for {', '.join(geos)}, "
                            f"with flags, source and preferred value. Sources: {'; '.join(orgs)}. Terms: {licences}."),
            keywords_nb=("digitalisering", "offentlig sektor", extra["goals"][meta["goal_id"]]["short_nb"]),
            keywords_en=("digitalisation", "public sector", extra["goals"][meta["goal_id"]]["short_en"]),
            periods=tuple(sorted(frame["period"].unique())), geos=tuple(geos),
            sources=tuple(sorted(frame["source_url"].unique())), distributions=dists(key)))
    all_periods = tuple(sorted(obs["period"].unique()))
    all_geos = tuple(sorted(obs["geo"].unique()))
    out.append(dcat.Dataset(
        key="observations", title_nb="Alle observasjoner i Digitaliseringsmonitoren",
        title_en="All observations in the digitalisation monitor",
        description_nb=(f"Alle {len(obs)} tall for {obs['indicator_id'].nunique()} indikatorer, med merknader, kilde, "
                        "lisens og foretrukket verdi, og kildene de er lest fra."),
        description_en=(f"All {len(obs)} figures for {obs['indicator_id'].nunique()} indicators, with flags, source, "
                        "licence and preferred value, and the publications they were read from."),
        keywords_nb=("digitalisering", "offentlig sektor", "indikatorer"),
        keywords_en=("digitalisation", "public sector", "indicators"),
        periods=all_periods, geos=all_geos, sources=(), distributions=dists("observations")))
    out.append(dcat.Dataset(
        key="scores", title_nb="Monitorens poeng per indikator og mål",
        title_en="The monitor's scores per indicator and goal",
        description_nb=("Poeng 1,00–3,00 per indikator og mål for Norge, Sverige, Danmark og Finland, beregnet av "
                        "monitoren etter sin egen metode (ikke Digdirs poeng)."),
        description_en=("Scores 1.00–3.00 per indicator and goal for Norway, Sweden, Denmark and Finland, computed by "
                        "the monitor with its own method (not Digdir's scores)."),
        keywords_nb=("digitalisering", "poeng", "Rikets digitale tilstand"),
        keywords_en=("digitalisation", "scores", "Digital State of the Realm"),
        periods=all_periods, geos=("NO", "SE", "DK", "FI"), sources=(), distributions=dists("scores")))
    out.append(dcat.Dataset(
        key="catalogue", title_nb="Indikatorkatalogen", title_en="The indicator catalogue",
        description_nb="Strategiens seks mål, indikatorene med definisjon og enhet, enhetene og livshendelsene.",
        description_en="The strategy's six goals, the indicators with definition and unit, the units and the life events.",
        keywords_nb=("digitalisering", "indikatorer", "mål"), keywords_en=("digitalisation", "indicators", "goals"),
        periods=(), geos=("NO",), sources=(), distributions=dists("catalogue")))
    return out


# ---------------------------------------------------------------------------------------------------------------
# Writing
# ---------------------------------------------------------------------------------------------------------------

def _build(con: duckdb.DuckDBPyConnection) -> dict:
    cursor = con.cursor()
    try:
        rows = cursor.execute("SELECT build_id, built_at FROM build").fetchall()
    finally:
        cursor.close()
    if len(rows) != 1:
        raise PublishError("the warehouse has no build row: build it first (python -m etl build)")
    build_id, built_at = rows[0]
    return {"build_id": build_id, "built_at": pd.Timestamp(built_at).isoformat()}


def render(con: duckdb.DuckDBPyConnection, publisher: dcat.Publisher) -> dict[str, bytes]:
    """Every published file (relative path → bytes), SHA256SUMS last."""
    build = _build(con)
    files, extra = _files(con)
    package = datapackage(con, files, build)
    files.append(_File("datapackage.json", (json.dumps(package, ensure_ascii=False, indent=1) + "\n").encode("utf-8"),
                       "json", "Datapakke (Frictionless)", "Data Package (Frictionless)",
                       dataset="observations", conforms_to=str(dcat.DATA_PACKAGE)))
    datasets = _datasets(files, extra)
    graph = dcat.catalog_graph(
        publisher, datasets, modified=build["built_at"][:10],
        title=("Digitaliseringsmonitoren: åpne data", "The digitalisation monitor: open data"),
        description=("Indikatorene for «Én digital offentlig sektor» som åpne filer: hvert tall med kilde, merknader og "
                     "kildens egne vilkår, og monitorens egne poeng (ikke Digdirs).",
                     "The indicators of 'One digital public sector' as open files: every figure with its source, flags "
                     "and its source's own terms, and the monitor's own scores (not Digdir's)."))
    out = {f.path: f.data for f in files}
    out["catalog.ttl"] = dcat.turtle_bytes(graph)
    sizes = {path: len(data) for path, data in out.items()}
    tables, anchored = [], set()
    for f in files:
        if f.dataset in extra["indicators"]:
            continue
        rights = dcat.rights_text(f.licences)
        lic_nb, lic_en = rights if rights else (f.licences[0], f.licences[0])
        if not f.licences:
            lic_nb, lic_en = "Metadata (se datapackage.json)", "Metadata (see datapackage.json)"
        key = f.dataset if f.dataset not in anchored else f"file-{_resource_name(f.path)}"
        anchored.add(f.dataset)  # the dataset's landing page (index.html#<dataset>) is its first file's row
        tables.append({"key": key, "path": f.path, "title_nb": f.title_nb, "title_en": f.title_en,
                       "format": f.fmt.upper(), "licence_nb": lic_nb, "licence_en": lic_en})
    tables.append({"key": "file-catalog-ttl", "path": "catalog.ttl", "title_nb": "DCAT-AP-NO-katalog",
                   "title_en": "DCAT-AP-NO catalogue", "format": "TURTLE", "licence_nb": "Metadata",
                   "licence_en": "Metadata"})
    indicators = [{"key": key, "name_nb": meta["name_nb"], "name_en": meta["name_en"],
                   "csv": f"{INDICATOR_DIR}/{key}.csv", "json": f"{INDICATOR_DIR}/{key}.json",
                   "licence": ", ".join(sorted(extra["obs"].loc[extra["obs"]["indicator_id"] == key, "licence"].unique()))}
                  for key, meta in extra["indicators"].items()]
    n_files = len(out) + 2  # with index.html and SHA256SUMS
    html = index_html(build_id=build["build_id"], built_at=build["built_at"], tables=tables, indicators=indicators,
                      sizes=sizes, n_files=n_files, total_bytes=sum(sizes.values()))
    out["index.html"] = html.encode("utf-8")
    out[SUMS] = "".join(f"{hashlib.sha256(out[p]).hexdigest()}  {p}\n" for p in sorted(out)).encode("utf-8")
    return out


def publish(warehouse: Path = WAREHOUSE_PATH, target: Path = PUBLISHED_DIR, *,
            publisher: dcat.Publisher | None = None) -> PublishResult:
    """Write the published folder from the warehouse, atomically (new sibling folder, then one swap)."""
    warehouse, target = Path(warehouse), Path(target)
    if not warehouse.exists():
        raise PublishError(f"{warehouse} does not exist: build it first (python -m etl build)")
    publisher = publisher or publisher_from_env()
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            files = render(con, publisher)
            build_id = _build(con)["build_id"]
            n_indicators = len(indicator_ids(con))
    except duckdb.Error as exc:
        raise PublishError(f"{warehouse}: cannot be read ({exc})") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_abandoned(target)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    shutil.rmtree(tmp, ignore_errors=True)
    try:
        for path, data in files.items():
            out = tmp / path
            out.parent.mkdir(parents=True, exist_ok=True)
            with open(out, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        _verify(tmp, files)
        _swap(tmp, target)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    n_datasets = files.get("catalog.ttl", b"").count(b" a dcat:Dataset ")
    return PublishResult(target, build_id, len(files), n_datasets, n_indicators, sum(len(d) for d in files.values()))


def _verify(folder: Path, files: dict[str, bytes]) -> None:
    """Read the written folder back: every file present with the bytes SHA256SUMS names, and nothing else."""
    on_disk = sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file())
    if on_disk != sorted(files):
        raise PublishError(f"written folder {folder} does not hold exactly the published files")
    for line in (folder / SUMS).read_text(encoding="utf-8").splitlines():
        digest, path = line.split("  ", 1)
        if hashlib.sha256((folder / path).read_bytes()).hexdigest() != digest:
            raise PublishError(f"written file {path} does not match its checksum")


_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one system call (Linux renameat2 RENAME_EXCHANGE); False where it is not available."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def _swap(new: Path, target: Path) -> None:
    """Put `new` in place of `target`: one atomic exchange where the OS has it, else two renames (the old folder
    is moved aside only at the moment the new one takes its name)."""
    if not target.exists():
        os.replace(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # `new` now holds the previous folder
        return
    old = target.with_name(f".{target.name}.{os.getpid()}.old")
    shutil.rmtree(old, ignore_errors=True)
    os.replace(target, old)
    os.replace(new, target)
    shutil.rmtree(old, ignore_errors=True)


def _remove_abandoned(target: Path) -> None:
    for path in target.parent.glob(f".{target.name}.*.tmp"):
        pid = path.name[len(target.name) + 2:].split(".", 1)[0]
        if pid.isdigit() and not process_alive(int(pid)):
            shutil.rmtree(path, ignore_errors=True)


def cli_publish(warehouse: Path, target: Path = PUBLISHED_DIR, *, base_url: str | None = None) -> int:
    try:
        result = publish(warehouse, target, publisher=publisher_from_env(base_url))
    except PublishError as exc:
        print(f"Publish failed; {target} was left as it was.\n{exc}", file=sys.stderr)
        return 1
    print(f"Published {result.path} (build {result.build_id}): {result.n_files} files, {result.n_datasets} DCAT "
          f"datasets ({result.n_indicators} indicators), {result.total_bytes / 1e6:.1f} MB.")
    return 0


# The constants re-exported for callers that describe the files (the UI, the docs).
__all__ += ["LICENCES", "OBSERVATION_COLUMNS", "CATALOGUE_TABLES"]
