"""`python -m etl curate`: the curated files `data/curated/<source>.csv` from the published reference files.

Inputs, all read-only: the shared reference material (`$MONITOR_SHARED`, default `../shared` beside the repository):
`reference-data/published-figures.csv` (published values from every publisher, with source URLs and provenance
notes) and the raw publisher files each source pins in its `source.toml`; each source's `extra.csv` (hand-curated
rows, each naming its source URL); `indicators/catalog.toml` (only catalogue indicators are kept, each row gets the
catalogue's unit id).

Rules (docs/data-model.md):
- real published figures only: nothing is computed, summed or interpolated here; the one derivation is a rank from
  the scores of every country in one published table where the publisher gives the scores and ranks them only in
  its report (flag `derived`, the note says how: etl/sources/egov_benchmark/curate.py);
- rows of published-figures.csv go to the source that claims them (`[[claims]]` in each source.toml, lowest
  precedence first: `etl.sources.assign`); a source's own rows (its `curate.py`, its `extra.csv`) must be claimed by
  that same source;
- raw-file values are cross-checked against published-figures.csv: where both give a figure for the same key and
  source URL, one row is kept (the published-figures row, which carries the provenance note) and a disagreement
  stops curation; likewise a catalogue indicator without observations, a duplicate key or a row without a URL;
- provenance markers in the notes become flags (SECONDARY → secondary, INFERRED YEAR → inferred_year,
  UNCERTAIN / UNVERIFIED → uncertain, approx. → approximate, lower bound → lower_bound, not comparable →
  break_in_series, provisional → provisional); series breaks the publishers state are declared by the sources
  (`[[curate.series_breaks]]`) and flag every row of the indicator and period, whoever reported it;
- a row names where its figure was read: a figure read from a copy of the publisher's file gets the copy's
  address (`[[curate.read_from]]`, the publisher's address kept in the note, flagged as the rule says), and a
  figure whose document cannot be located is left out (`[[curate.exclude]]`, with the reason): a figure nobody can
  look up cannot be defended;
- one dating convention: a row's period is the period the figure measures; figures cited by their report's year
  are re-dated by the rules the sources declare (`[[curate.report_year_periods]]`: the report of year Y measures
  Y-2 and Y-1), keeping the report year as `published`;
- the output is deterministic: one file per source, rows sorted by key, fixed column order, UTF-8, LF line ends.

`python -m etl curate --check` writes nothing and exits 1 naming the files that differ from what the code produces.
"""
from __future__ import annotations

import csv
import hashlib
import io
import math
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from etl import schema
from etl.errors import MonitorError
from etl.inputs import read_toml
from etl.paths import CATALOG_PATH, CURATED_DIR, ROOT
from etl.readers import ReadError
from etl.readers.csv import read_file
from etl.sources import Source, SourceError, all_sources, assign, claims

PUBLISHED_FIGURES = "reference-data/published-figures.csv"
COLUMNS = schema.CURATED_COLUMNS
FLAG_ORDER = list(schema.FLAGS)
PERIOD_OK = re.compile(r"^\d{4}(-\d{2}(-\d{2})?|-\d{4})?$")
EXIT_OK, EXIT_STALE, EXIT_NO_SHARED = 0, 1, 2
_PRODUCER = "_source"  # bookkeeping key on a row: the source whose curate.py or extra.csv produced it


class CurateError(MonitorError, RuntimeError):
    """Curation cannot produce trustworthy files; the message lists every problem."""


def shared_dir() -> Path:
    return Path(os.environ.get("MONITOR_SHARED") or (ROOT.parent / "shared")).resolve()


# ----------------------------------------------------------------------------------------------------------------
# helpers for the sources' curate.py
# ----------------------------------------------------------------------------------------------------------------

def clean_number(text: str) -> str:
    """Trim binary float artefacts (0.8116800000000001 → 0.81168) but keep the published precision otherwise."""
    text = str(text).strip()
    if re.fullmatch(r"-?\d+(\.\d{1,10})?", text):
        return text
    number = float(text)
    if not math.isfinite(number):
        raise ValueError(f"not a finite number: {text!r}")
    return format(round(number, 10), ".10g")


def join_flags(flags: set[str]) -> str:
    unknown = set(flags) - set(FLAG_ORDER)
    if unknown:
        raise ValueError(f"unknown flags {sorted(unknown)}")
    return ";".join(f for f in FLAG_ORDER if f in flags)


def flags_from_text(notes: str, unit_text: str = "", source_org: str = "") -> set[str]:
    text = f"{notes} | {unit_text}"
    flags: set[str] = set()
    if "SECONDARY" in notes or "third-party transcription" in source_org:
        flags.add("secondary")
    if re.search(r"INFERRED (YEAR|DATE)", notes):
        flags.add("inferred_year")
    if "UNCERTAIN" in notes or "UNVERIFIED" in notes:
        flags.add("uncertain")
    if re.search(r"lower bound", text, re.IGNORECASE):
        flags.add("lower_bound")
    if re.search(r"approx", text, re.IGNORECASE):
        flags.add("approximate")
    if re.search(r"not comparable|break in series|series break", notes, re.IGNORECASE):
        flags.add("break_in_series")
    if re.search(r"provisional", notes, re.IGNORECASE):
        flags.add("provisional")
    return flags


@dataclass
class CurateContext:
    """What a source's `curate(ctx)` gets: its Source (metadata), the shared folder and the catalogue."""

    source: Source
    shared: Path
    catalog: dict[str, dict[str, Any]]

    def path(self, relative: str) -> Path:
        """A reference file the source pins in its source.toml, checked to exist and to match its sha256."""
        pinned = {f["path"]: f for f in self.source.reference_files}
        if relative not in pinned:
            raise CurateError(f"{self.source.name}: {relative} is not pinned in its source.toml [[curate.files]]")
        path = self.shared / relative
        if not path.exists():
            raise CurateError(f"{self.source.name}: reference file {path} is missing")
        expected = pinned[relative].get("sha256")
        if expected and hashlib.sha256(path.read_bytes()).hexdigest() != expected:
            raise CurateError(f"{self.source.name}: {relative} is not the pinned file (sha256 differs from "
                              f"source.toml); check the new file and update the pin")
        return path

    def unit(self, indicator_id: str) -> str:
        return self.catalog[indicator_id]["unit"]

    def row(self, **fields: str) -> dict[str, str]:
        """A curated row: every column, empty unless given, the catalogue's unit."""
        row = {c: str(fields.get(c, "")) for c in COLUMNS}
        unknown = set(fields) - set(COLUMNS)
        if unknown:
            raise CurateError(f"{self.source.name}: unknown column(s) {', '.join(sorted(unknown))}")
        row["unit"] = self.unit(row["indicator_id"])
        return row


# ----------------------------------------------------------------------------------------------------------------
# inputs
# ----------------------------------------------------------------------------------------------------------------

def load_catalog(catalog_path: Path = CATALOG_PATH) -> dict[str, dict[str, Any]]:
    """indicator id → its catalogue entry; CurateError naming the file for invalid TOML or a wrong shape."""
    raw = read_toml(catalog_path, error=CurateError, label=f"curate: {catalog_path}")
    try:
        return {ind["id"]: ind for ind in raw["indicators"]}
    except (KeyError, TypeError) as exc:
        raise CurateError(f"curate: {catalog_path}: [[indicators]] entries with an 'id' are needed "
                          f"({type(exc).__name__}: {exc})") from None


def split_geo(geo: str) -> tuple[str, str]:
    """`NO:age16-24` → (`NO`, `age=16-24`); `NO:central_government` → (`NO`, `government_level=central_government`)."""
    if ":" not in geo:
        return geo, ""
    country, detail = geo.split(":", 1)
    age = re.fullmatch(r"age(\d.*)", detail)
    if age:
        return country, f"age={age.group(1)}"
    if detail in {"central_government", "county_municipalities", "municipalities"}:
        return country, f"government_level={detail}"
    return country, f"region={detail}"


def from_published_figures(shared: Path, catalog: dict[str, dict]) -> list[dict[str, str]]:
    """Catalogue rows of the cross-publisher published-figures.csv (undated and day-span figures left out)."""
    required = ("indicator", "geo", "period", "value", "unit", "source_org", "source_dataset", "source_url", "notes")
    rows = []
    for src in read_file(shared / PUBLISHED_FIGURES, label=PUBLISHED_FIGURES, required=required):
        ind = catalog.get(src["indicator"])
        if ind is None or not PERIOD_OK.match(src["period"]):
            continue  # not in the catalogue, or an undated / day-span figure (e.g. 'n.d.', '2018-04-04/05')
        geo, breakdown = split_geo(src["geo"])
        note = src["notes"].strip()
        unit_text = src["unit"].strip()
        if re.search(r"approx|lower bound|published|estimate|average", unit_text, re.IGNORECASE):
            note = f"{note}; unit as published: {unit_text}" if note else f"unit as published: {unit_text}"
        rows.append({
            "indicator_id": src["indicator"], "geo": geo, "breakdown": breakdown, "period": src["period"],
            "value": clean_number(src["value"]), "unit": ind["unit"], "source_org": src["source_org"].strip(),
            "source_dataset": src["source_dataset"].strip(), "source_url": src["source_url"].strip(),
            "published": "", "flags": join_flags(flags_from_text(src["notes"], unit_text, src["source_org"])),
            "note": note,
        })
    return rows


def from_extra(source: Source, catalog: dict[str, dict]) -> list[dict[str, str]]:
    """A source's hand-curated rows (extra.csv, the curated columns; unit and number format normalised)."""
    label = f"etl/sources/{source.name}/extra.csv"
    rows = []
    for n, src in enumerate(read_file(source.extra_path, label=label, required=tuple(COLUMNS)), start=2):
        if src["indicator_id"] not in catalog:
            raise CurateError(f"{label} row {n}: unknown indicator {src['indicator_id']!r}")
        if not src["source_url"].strip():
            raise CurateError(f"{label} row {n}: no source_url (every hand-curated row names where it was read)")
        row = {c: src.get(c, "").strip() for c in COLUMNS}
        row["unit"] = catalog[row["indicator_id"]]["unit"]
        row["value"] = clean_number(row["value"])
        row["flags"] = join_flags(set(filter(None, row["flags"].split(";"))))
        rows.append(row)
    return rows


# ----------------------------------------------------------------------------------------------------------------
# assembly
# ----------------------------------------------------------------------------------------------------------------

def key(row: dict[str, str]) -> tuple[str, str, str, str, str]:
    return tuple(row[c] for c in schema.FILE_KEY)  # type: ignore[return-value]


def merge(primary: list[dict], raw: list[dict], problems: list[str], label: str) -> list[dict]:
    """Add raw-file rows whose key is not already present; report disagreements with existing rows and take over
    a publication date the existing row lacks."""
    seen = {key(r): r for r in primary}
    added = []
    for row in raw:
        existing = seen.get(key(row))
        if existing is None:
            seen[key(row)] = row
            added.append(row)
            continue
        if not existing["published"] and row["published"]:
            existing["published"] = row["published"]  # e.g. Eurostat's LAST UPDATE date from the raw export
        if not math.isclose(float(existing["value"]), float(row["value"]), rel_tol=0, abs_tol=1e-9):
            problems.append(f"{label}: {key(row)[:4]} raw file {row['value']} vs published-figures {existing['value']}")
    return primary + added


def apply_series_breaks(rows: list[dict[str, str]], breaks: list[dict[str, Any]]) -> None:
    """Flag `break_in_series` (and say why in the note) on every row of the declared indicator(s) and period."""
    for row in rows:
        for brk in breaks:
            if (row["indicator_id"].startswith(brk["indicator_prefix"]) and row["period"] == brk["period"]
                    and not any(t in row["indicator_id"] for t in brk.get("except_containing", []))):
                row["flags"] = join_flags(set(filter(None, row["flags"].split(";"))) | {"break_in_series"})
                row["note"] = f"{row['note']}; {brk['note']}" if row["note"] else brk["note"]


def _matches(row: dict[str, str], rule: dict[str, Any]) -> bool:
    return (rule.get("note_contains", "") in row["note"]
            and rule.get("source_org_contains", "") in row["source_org"]
            and ("source_org" not in rule or row["source_org"] in rule["source_org"])
            and rule.get("links", row["source_url"]) == row["source_url"])


def apply_read_from(rows: list[dict[str, str]], rules: list[dict[str, Any]]) -> None:
    """Say where each row was read. A rule with `source_url` gives rows read from a copy the copy's address (the
    publisher's address moves into the note); a rule without one says the row's own address is another party's page
    (a report citing the publisher). Either adds the rule's flags (`secondary` for another party's work)."""
    for row in rows:
        for rule in rules:
            if not _matches(row, rule):
                continue
            flags = set(filter(None, row["flags"].split(";")))
            if "source_url" not in rule:
                if not set(rule.get("flags", [])) <= flags:
                    row["note"] = f"{row['note']}; {rule['reason']}" if row["note"] else rule["reason"]
                    row["flags"] = join_flags(flags | set(rule.get("flags", [])))
            elif row["source_url"] != rule["source_url"]:
                text = f"read from {rule['source_url']} ({rule['reason']}); published at {row['source_url']}"
                row["note"] = f"{row['note']}; {text}" if row["note"] else text
                row["source_url"] = rule["source_url"]
                row["flags"] = join_flags(flags | set(rule.get("flags", [])))


def excluded(row: dict[str, str], rules: list[dict[str, Any]]) -> bool:
    return any(_matches(row, rule) for rule in rules)


# Phrases in a row's source_org or note that say its figure was read from a party other than its publisher
# (docs/data-model.md, "Where it was read"). Case-insensitive, except "via" followed by a capitalised name ("Oxford
# Insights (via Digdir)"), so that "read via its language-switch URL" or "via internet" are not taken for a party.
READ_FROM_ANOTHER_PARTY = {
    "reported by": r"(?i)\breported by\b",
    "citing": r"(?i)\bciting\b",
    "quoting": r"(?i)\bquoting\b",
    "via <Name>": r"\bvia [A-Z]",
    "as published by": r"(?i)\bas published by\b",
    "copied from": r"(?i)\bcopied from\b",
    "copy": r"(?i)\bcopy\b",
    "extracted ... by": r"(?i)\bextracted\b[^;]*?\bby\b",
    "third-party": r"(?i)\bthird[- ]party\b",
}


def another_party_phrase(row: dict[str, str]) -> str | None:
    """The first READ_FROM_ANOTHER_PARTY phrase the row's source_org or note uses, or None."""
    text = f"{row['source_org']} | {row['note']}"
    return next((name for name, pattern in READ_FROM_ANOTHER_PARTY.items() if re.search(pattern, text)), None)


def provenance_problems(rows: list[dict[str, str]], official_hosts: list[set[str] | None],
                        copies: set[str] = frozenset()) -> list[str]:
    """Rows that do not say where their figure was read. `official_hosts[i]` are the publisher's own sites for
    `rows[i]` (its source's `official_hosts`; None when the source declares none); `copies` the addresses of copies of
    a publisher's own file that `[[curate.read_from]]` rules declare. A problem is:
    - a secondary figure that links the publisher's own site (it must link where it was read);
    - a figure that links a site other than the publisher's (nor a declared copy) but is not flagged secondary;
    - a figure whose source_org or note says it was read from another party (READ_FROM_ANOTHER_PARTY) but is not
      flagged secondary and does not link a declared copy."""
    problems = []
    for row, hosts in zip(rows, official_hosts, strict=True):
        flags = set(row["flags"].split(";"))
        host = urlsplit(row["source_url"]).hostname
        if "secondary" in flags:
            if hosts and host in hosts:
                problems.append(f"{key(row)[:4]}: a secondary figure links the publisher's own page "
                                f"{row['source_url']}: name where it was read ([[curate.read_from]]) or leave it out "
                                "([[curate.exclude]])")
            continue
        if row["source_url"] in copies:
            continue
        if hosts is not None and host not in hosts:
            problems.append(f"{key(row)[:4]}: links {host}, not the publisher's own site "
                            f"({', '.join(sorted(hosts)) or 'none declared'}), but is not flagged secondary: flag it "
                            "([[curate.read_from]]) or add the host to official_hosts")
        phrase = another_party_phrase(row)
        if phrase:
            problems.append(f"{key(row)[:4]}: says it was read from another party ('{phrase}'), but is not flagged "
                            "secondary: flag it or name the copy ([[curate.read_from]])")
    return problems


def apply_report_year_periods(rows: list[dict[str, str]], rules: list[dict[str, Any]]) -> None:
    """Re-date rows cited by report year Y to the data years the report measures (Y-2)-(Y-1); Y becomes
    `published` where the row has none."""
    for row in rows:
        for rule in rules:
            if (row["indicator_id"].startswith(rule["indicator_prefix"])
                    and all(t in row["indicator_id"] for t in rule.get("containing", []))
                    and re.fullmatch(r"\d{4}", row["period"])):
                year = int(row["period"])
                row["period"] = f"{year - 2}-{year - 1}"
                row["published"] = row["published"] or str(year)
                text = f"dated by the data years {year - 2}-{year - 1} of the {year} report ({rule['note']})"
                row["note"] = f"{row['note']}; {text}" if row["note"] else text


def curate_all(shared: Path | None = None, catalog_path: Path = CATALOG_PATH,
               sources_dir: Path | None = None) -> dict[str, list[dict[str, str]]]:
    """source name → its sorted curated rows. Raises CurateError listing every problem."""
    shared = Path(shared) if shared else shared_dir()
    catalog = load_catalog(catalog_path)
    sources = all_sources(sources_dir)
    ordered = claims(sources_dir)
    problems: list[str] = []
    read_from = [r for _, s in sorted(sources.items()) for r in s.curate_options.get("read_from", [])]
    exclusions = [r for _, s in sorted(sources.items()) for r in s.curate_options.get("exclude", [])]

    def located(produced: list[dict[str, str]]) -> list[dict[str, str]]:
        apply_read_from(produced, read_from)
        return [row for row in produced if not excluded(row, exclusions)]

    try:
        rows = located(from_published_figures(shared, catalog))
        for name, source in sorted(sources.items()):
            if source.curate is None:
                continue
            produced = located(source.curate(CurateContext(source, shared, catalog)))
            for row in produced:
                row[_PRODUCER] = name
            rows = merge(rows, produced, problems, f"etl/sources/{name}/curate.py")
        for name, source in sorted(sources.items()):
            if source.extra_path is None:
                continue
            extra = located(from_extra(source, catalog))
            for row in extra:
                row[_PRODUCER] = name
            rows = merge(rows, extra, problems, f"etl/sources/{name}/extra.csv")
    except (ReadError, SourceError, ValueError, KeyError) as exc:
        raise CurateError(f"curate: {type(exc).__name__}: {exc}") from None

    apply_report_year_periods(rows, [r for _, s in sorted(sources.items())
                                     for r in s.curate_options.get("report_year_periods", [])])
    apply_series_breaks(rows, [b for _, s in sorted(sources.items()) for b in s.series_breaks])

    owners = [assign(row, ordered) for row in rows]
    hosts = {name: set(s.metadata["source"]["official_hosts"]) if "official_hosts" in s.metadata.get("source", {})
             else None for name, s in sources.items()}
    problems += [f"etl/sources/{name}/source.toml: its rows need [source] official_hosts (the publisher's own sites; "
                 "[] when every row is read from another party)" for name in sorted(set(owners) - {None})
                 if name in hosts and hosts[name] is None]
    problems += provenance_problems(rows, [hosts.get(o) for o in owners], {r["source_url"] for r in read_from
                                                                            if "source_url" in r})
    counts: dict[tuple, int] = {}
    groups: dict[str, list[dict[str, str]]] = {}
    for row, owner in zip(rows, owners, strict=True):
        counts[key(row)] = counts.get(key(row), 0) + 1
        if not row["source_url"]:
            problems.append(f"no source_url: {key(row)}")
        producer = row.pop(_PRODUCER, None)
        if owner is None:
            problems.append(f"no source claims {key(row)[:4]} (source_org {row['source_org']!r}): add a [[claims]] "
                            "entry to the right source.toml")
            continue
        if producer is not None and owner != producer:
            problems.append(f"etl/sources/{producer} produced {key(row)[:4]} (source_org {row['source_org']!r}) but "
                            f"{owner}'s claims take it: fix the row or the claims")
        groups.setdefault(owner, []).append(row)
    problems += [f"duplicate key within one source: {k}" for k, n in counts.items() if n > 1]
    missing = sorted(set(catalog) - {r["indicator_id"] for r in rows})
    problems += [f"catalogue indicator without observations: {m}" for m in missing]
    if problems:
        raise CurateError("curate: cannot build the curated files:\n  " + "\n  ".join(problems))
    for group in groups.values():
        group.sort(key=key)
    return dict(sorted(groups.items()))


def render(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def outputs(shared: Path | None = None, catalog_path: Path = CATALOG_PATH,
            sources_dir: Path | None = None) -> dict[str, str]:
    """file name (`<source>.csv`) → its text."""
    return {f"{name}.csv": render(rows) for name, rows in curate_all(shared, catalog_path, sources_dir).items()}


def stale_files(out_dir: Path, produced: dict[str, str]) -> list[str]:
    """Files in `out_dir` that differ from `produced`, are missing, or are not produced any more."""
    out_dir = Path(out_dir)
    existing = {p.name for p in out_dir.glob("*.csv")}
    stale = sorted(n for n in produced if n not in existing
                   or (out_dir / n).read_bytes() != produced[n].encode("utf-8"))
    return stale + sorted(existing - set(produced))


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(text.encode("utf-8"))
    os.replace(tmp, path)


def cli_curate(out_dir: Path = CURATED_DIR, *, catalog_path: Path = CATALOG_PATH, shared: Path | None = None,
               check: bool = False, out=None, err=None) -> int:
    out, err = out or sys.stdout, err or sys.stderr
    shared = Path(shared) if shared else shared_dir()
    if not (shared / PUBLISHED_FIGURES).exists():
        print(f"curate: shared reference data not found at {shared} (set MONITOR_SHARED)", file=err)
        return EXIT_NO_SHARED
    try:
        produced = outputs(shared, catalog_path)
    except CurateError as exc:
        print(str(exc), file=err)
        return EXIT_STALE
    out_dir = Path(out_dir)
    if check:
        stale = stale_files(out_dir, produced)
        if stale:
            print(f"curate: out of date in {out_dir}: {', '.join(stale)} (run python -m etl curate)", file=err)
            return EXIT_STALE
        print(f"curate: {out_dir} is up to date ({len(produced)} files)", file=out)
        return EXIT_OK
    out_dir.mkdir(parents=True, exist_ok=True)
    for name in sorted({p.name for p in out_dir.glob("*.csv")} - set(produced)):
        (out_dir / name).unlink()
    total = 0
    for name, text in produced.items():
        if not (out_dir / name).exists() or (out_dir / name).read_bytes() != text.encode("utf-8"):
            _write_atomically(out_dir / name, text)
        n = text.count("\n") - 1
        total += n
        print(f"{name}: {n} rows", file=out)
    print(f"total: {total} rows", file=out)
    return EXIT_OK
