"""`index.html`: the published files listed in bokmål and English (one page, no script, accessible tables)."""
from __future__ import annotations

from html import escape


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"


def _link(path: str, text: str | None = None) -> str:
    return f'<a href="{escape(path)}">{escape(text or path)}</a>'


def index_html(*, build_id: str, built_at: str, tables: list[dict], indicators: list[dict], sizes: dict[str, int],
               n_files: int, total_bytes: int) -> str:
    """tables: {key, path, title_nb, title_en, licence_nb, licence_en}; indicators: {key, name_nb, name_en, csv,
    json, licence} (licence: the terms text of its rows)."""
    rows_tables = "\n".join(
        f'<tr id="{escape(t["key"])}"><td>{_link(t["path"])}</td>'
        f'<td lang="nb">{escape(t["title_nb"])}</td><td lang="en">{escape(t["title_en"])}</td>'
        f'<td>{escape(t["format"])}</td><td>{_size(sizes[t["path"]])}</td>'
        f'<td lang="nb">{escape(t["licence_nb"])}</td><td lang="en">{escape(t["licence_en"])}</td></tr>'
        for t in tables)
    rows_indicators = "\n".join(
        f'<tr id="{escape(i["key"])}"><th scope="row"><code>{escape(i["key"])}</code></th>'
        f'<td lang="nb">{escape(i["name_nb"])}</td><td lang="en">{escape(i["name_en"])}</td>'
        f'<td>{_link(i["csv"], "CSV")}, {_link(i["json"], "JSON-stat")}</td><td>{escape(i["licence"])}</td></tr>'
        for i in indicators)
    return f"""<!DOCTYPE html>
<html lang="nb">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Digitaliseringsmonitoren: åpne data / The digitalisation monitor: open data</title>
<link rel="alternate" type="text/turtle" href="catalog.ttl" title="DCAT-AP-NO">
<style>
body {{ font-family: system-ui, sans-serif; max-width: 72rem; margin: 1rem auto; padding: 0 1rem; line-height: 1.45;
       color: #1a1a1a; background: #fff; }}
table {{ border-collapse: collapse; width: 100%; margin: 1rem 0 2rem; }}
caption {{ text-align: left; font-weight: 600; padding: .4rem 0; }}
th, td {{ border: 1px solid #767676; padding: .3rem .5rem; text-align: left; vertical-align: top; }}
thead th {{ background: #f0f0f0; }}
a {{ color: #0b57d0; }}
a:focus {{ outline: 3px solid #1a1a1a; outline-offset: 2px; }}
</style>
</head>
<body>
<header>
<h1>Digitaliseringsmonitoren: åpne data <span lang="en">/ The digitalisation monitor: open data</span></h1>
</header>
<main>
<p>Alle tall i monitoren som filer alle kan gjenbruke: per indikator (CSV og JSON-stat 2.0), alle observasjoner og
alle poengtabeller (Parquet og CSV), katalogen (JSON), en Frictionless-datapakke (<a href="datapackage.json">datapackage.json</a>)
og en DCAT-AP-NO-katalog (<a href="catalog.ttl">catalog.ttl</a>) som data.norge.no kan høste.
Hvert tall følger sin kildes lisens eller vilkår (kolonnen <code>licence</code>); «unknown» betyr at vilkårene ikke er
kjent. Poengene er monitorens egen beregning, ikke Digdirs. Sjekksummer: <a href="SHA256SUMS">SHA256SUMS</a>.</p>
<p lang="en">Every figure in the monitor as files anyone can reuse: per indicator (CSV and JSON-stat 2.0), all
observations and all score tables (Parquet and CSV), the catalogue (JSON), a Frictionless Data Package
(datapackage.json) and a DCAT-AP-NO catalogue (catalog.ttl) that data.norge.no can harvest. Each figure is under its
source's licence or terms (the <code>licence</code> column); 'unknown' means the terms are not known. The scores are
the monitor's own computation, not Digdir's. Checksums: SHA256SUMS.</p>
<p>Bygg <span lang="en">/ build</span> <code>{escape(build_id)}</code>, {escape(built_at)}:
{n_files} filer <span lang="en">/ files</span>; datafilene og metadataene er {_size(total_bytes)}
<span lang="en">/ the data and metadata files are {_size(total_bytes)}</span>.</p>

<table>
<caption>Hele tabeller <span lang="en">/ Whole tables</span></caption>
<thead><tr><th scope="col">Fil <span lang="en">/ file</span></th><th scope="col">Innhold</th>
<th scope="col" lang="en">Content</th><th scope="col">Format</th><th scope="col">Størrelse <span lang="en">/ size</span></th>
<th scope="col">Lisens</th><th scope="col" lang="en">Licence</th></tr></thead>
<tbody>
{rows_tables}
</tbody>
</table>

<table>
<caption>Indikatorer <span lang="en">/ Indicators</span> ({len(indicators)})</caption>
<thead><tr><th scope="col">Id</th><th scope="col">Navn</th><th scope="col" lang="en">Name</th>
<th scope="col">Filer <span lang="en">/ files</span></th><th scope="col">Lisens <span lang="en">/ licence</span></th></tr></thead>
<tbody>
{rows_indicators}
</tbody>
</table>
</main>
</body>
</html>
"""
