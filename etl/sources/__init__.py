"""The registry of sources: one folder per publisher group, `etl/sources/<name>/`, found by scanning.

A folder is a source when it holds a `source.toml`. Everything the code knows about the source is in its folder:

* `source.toml`: `[source]` (title, home page), `[[publishers]]` (one entry per `source_org` text its rows use:
  name, name_nb, name_en, licence, url, note), `[[claims]]` (which rows of the cross-publisher published-figures file are
  the source's, with a precedence), `[curate]` (the pinned reference files it curates from ../shared, series
  breaks the publisher states) and `[fetch]` (base URL and options of the live connector);
* `curate.py` with `curate(ctx) -> list[dict]` when the source curates published reference files into rows;
* `fetch.py` with the live connector class (a subclass of `etl.connector.Connector`) when the source has an API;
* `extra.csv`: hand-curated rows (each names its source URL), optional;
* `fixtures/` and `test_*.py`: its test data and tests.

The framework (`etl.curate`, `etl.refresh`, `etl.build`) names no source: it iterates over `all_sources()`.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import ModuleType
from typing import Any, Callable

from etl.inputs import read_toml
from etl.source_metadata import SourceError, check_metadata  # noqa: F401 (part of this package's API)

SOURCES_DIR = Path(__file__).resolve().parent
CLAIM_KEYS = ("source_org", "source_org_prefix", "source_org_contains", "source_url_contains",
              "source_dataset_contains")
PUBLISHER_KEYS = ("name", "name_nb", "name_en", "licence", "url", "note")


@dataclass(frozen=True)
class Claim:
    """A rule claiming rows of a cross-publisher file for a source. Every key given must match (any of its texts);
    a claim without keys claims every row (the fallback). The claim with the lowest precedence that matches wins."""

    source: str
    precedence: int
    conditions: dict[str, tuple[str, ...]]

    def matches(self, row: dict[str, str]) -> bool:
        org, url, dataset = row.get("source_org", ""), row.get("source_url", ""), row.get("source_dataset", "")
        tests = {
            "source_org": lambda texts: org in texts,
            "source_org_prefix": lambda texts: org.startswith(texts),
            "source_org_contains": lambda texts: any(t in org for t in texts),
            "source_url_contains": lambda texts: any(t in url for t in texts),
            "source_dataset_contains": lambda texts: any(t in dataset for t in texts),
        }
        return all(tests[key](texts) for key, texts in self.conditions.items())


@dataclass(frozen=True)
class Source:
    name: str
    folder: Path
    metadata: dict[str, Any] = field(repr=False)
    curate: Callable[..., list[dict[str, str]]] | None = field(default=None, repr=False)
    connector: type | None = field(default=None, repr=False)

    @property
    def title(self) -> str:
        return str(self.metadata.get("source", {}).get("title", self.name))

    @property
    def home_page(self) -> str:
        return str(self.metadata.get("source", {}).get("home_page", ""))

    @property
    def publishers(self) -> list[dict[str, str]]:
        return list(self.metadata.get("publishers", []))

    @property
    def claims(self) -> list[Claim]:
        return [_claim(self.name, c) for c in self.metadata.get("claims", [])]

    @property
    def curate_options(self) -> dict[str, Any]:
        return dict(self.metadata.get("curate", {}))

    @property
    def reference_files(self) -> list[dict[str, str]]:
        """Pinned files under ../shared this source curates from: `path` (relative), optional `sha256`."""
        return list(self.curate_options.get("files", []))

    @property
    def series_breaks(self) -> list[dict[str, Any]]:
        return list(self.curate_options.get("series_breaks", []))

    @property
    def fetch_options(self) -> dict[str, Any]:
        return dict(self.metadata.get("fetch", {}))

    @property
    def extra_path(self) -> Path | None:
        path = self.folder / "extra.csv"
        return path if path.exists() else None


def _claim(source: str, raw: dict[str, Any]) -> Claim:
    unknown = set(raw) - {"precedence", *CLAIM_KEYS}
    if unknown or not isinstance(raw.get("precedence"), int):
        raise SourceError(f"etl/sources/{source}/source.toml: a [[claims]] entry needs an integer precedence and only "
                          f"the keys {', '.join(CLAIM_KEYS)} (got {', '.join(sorted(raw))})")
    conditions = {}
    for key in CLAIM_KEYS:
        if key in raw:
            value = raw[key]
            conditions[key] = tuple([value] if isinstance(value, str) else value)
    return Claim(source, raw["precedence"], conditions)


def _read_toml(folder: Path) -> dict[str, Any]:
    path = folder / "source.toml"
    meta = read_toml(path, error=SourceError)
    check_metadata(path, meta)
    return meta


def source_folders(folder: Path | None = None) -> list[Path]:
    root = Path(folder) if folder else SOURCES_DIR
    return sorted(p.parent for p in root.glob("*/source.toml"))


def metadata(folder: Path | None = None) -> dict[str, dict[str, Any]]:
    """name → parsed source.toml, without importing any source code (cheap: the build uses it)."""
    return {f.name: _read_toml(f) for f in source_folders(folder)}


def _module(folder: Path, stem: str) -> ModuleType | None:
    path = folder / f"{stem}.py"
    if not path.exists():
        return None
    if folder.parent.resolve() == SOURCES_DIR:
        return importlib.import_module(f"etl.sources.{folder.name}.{stem}")
    name = f"_monitor_source_{folder.name}_{stem}"  # a source folder outside etl/sources (tests)
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def _connector_class(folder: Path, module: ModuleType | None) -> type | None:
    if module is None:
        return None
    from etl.connector import Connector

    classes = [obj for obj in vars(module).values()
               if isinstance(obj, type) and issubclass(obj, Connector) and obj is not Connector
               and obj.__module__ == module.__name__]
    if len(classes) != 1:
        raise SourceError(f"{folder}/fetch.py: defines {len(classes)} connector classes (expected exactly one "
                          "subclass of etl.connector.Connector)")
    return classes[0]


@lru_cache(maxsize=8)
def _load(folder: Path) -> dict[str, Source]:
    out: dict[str, Source] = {}
    for path in source_folders(folder):
        meta = _read_toml(path)
        curate_module = _module(path, "curate")
        curate = getattr(curate_module, "curate", None) if curate_module else None
        if curate_module is not None and not callable(curate):
            raise SourceError(f"{path}/curate.py: has no curate(ctx) function")
        out[path.name] = Source(path.name, path, meta, curate, _connector_class(path, _module(path, "fetch")))
    _check(out)
    return out


def all_sources(folder: Path | None = None) -> dict[str, Source]:
    """Every source folder (name → Source), with its curate callable and connector class (None where absent)."""
    return dict(_load((Path(folder) if folder else SOURCES_DIR).resolve()))


def get(name: str, folder: Path | None = None) -> Source:
    sources = all_sources(folder)
    if name not in sources:
        raise SourceError(f"no source '{name}' (known: {', '.join(sorted(sources))})")
    return sources[name]


def curating(folder: Path | None = None) -> dict[str, str]:
    """name → how it curates, for each source that `python -m etl curate` writes a `data/curated/<name>.csv` for:
    a `curate.py`, an `extra.csv` or `[[claims]]` on the published-figures file (read without importing any code)."""
    out: dict[str, str] = {}
    for name, meta in metadata(folder).items():
        path = (Path(folder) if folder else SOURCES_DIR) / name
        ways = [w for w, present in (("curate.py", (path / "curate.py").exists()),
                                     ("extra.csv", (path / "extra.csv").exists()),
                                     ("[[claims]]", bool(meta.get("claims")))) if present]
        if ways:
            out[name] = " and ".join(ways)
    return out


def connectors(folder: Path | None = None) -> dict[str, type]:
    """name → live connector class, for the sources that have one."""
    return {name: s.connector for name, s in all_sources(folder).items() if s.connector is not None}


def publishers(folder: Path | None = None) -> dict[str, dict[str, str]]:
    """source_org → {licence, name_nb, name_en, url, note, source}: every publisher named by a source.toml (name_nb
    and name_en: the publisher as the pages name it in bokmål and English)."""
    out: dict[str, dict[str, str]] = {}
    for name, meta in metadata(folder).items():
        for entry in meta.get("publishers", []):
            org = entry.get("name", "")
            if not org or not entry.get("licence") or not str(entry.get("url", "")).startswith("http"):
                raise SourceError(f"etl/sources/{name}/source.toml: a [[publishers]] entry needs name, licence and "
                                  f"an http(s) url (got {entry})")
            if org in out:
                raise SourceError(f"publisher '{org}' is declared by both {out[org]['source']} and {name}")
            out[org] = {"licence": entry["licence"], "name_nb": entry.get("name_nb", ""),
                        "name_en": entry.get("name_en", ""), "url": entry["url"],
                        "note": entry.get("note", ""), "source": name}
    return out


def claims(folder: Path | None = None) -> list[Claim]:
    """Every source's claims, in precedence order (lowest first); precedences are unique across sources."""
    found = [c for s in all_sources(folder).values() for c in s.claims]
    return sorted(found, key=lambda c: c.precedence)


def assign(row: dict[str, str], ordered_claims: list[Claim] | None = None) -> str | None:
    """The source a row of the cross-publisher published-figures file belongs to (None: nobody claims it)."""
    for claim in ordered_claims if ordered_claims is not None else claims():
        if claim.matches(row):
            return claim.source
    return None


def _check(sources: dict[str, Source]) -> None:
    seen: dict[int, str] = {}
    for source in sources.values():
        for claim in source.claims:
            if claim.precedence in seen:
                raise SourceError(f"claim precedence {claim.precedence} is used by both {seen[claim.precedence]} "
                                  f"and {source.name}; precedences must be unique")
            seen[claim.precedence] = source.name
        if source.connector is not None and source.connector.name != source.name:
            raise SourceError(f"{source.folder}/fetch.py: connector name {source.connector.name!r} is not the "
                              f"folder name {source.name!r}")
