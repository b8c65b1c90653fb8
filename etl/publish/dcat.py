"""`catalog.ttl`: the published files described in DCAT-AP-NO (Turtle, written with rdflib), for data.norge.no to
harvest.

One `dcat:Catalog`; one `dcat:Dataset` per indicator, plus one for all observations, one for the scores and one for
the catalogue; one `dcat:Distribution` per file with its format, media type, size and SHA-256. Titles and
descriptions are in bokmål and English. Licences follow each source's own terms (`etl.sources.publishers()`): a
distribution whose rows are all under one licence with a standard URI (NLOD 2.0, CC BY 4.0) has `dct:license`;
every other distribution (mixed licences, terms without a standard URI, unknown terms) has no `dct:license` and a
`dct:rights` statement that says which terms apply, so nothing is labelled more open than its source allows.
"""
from __future__ import annotations

import calendar
from dataclasses import dataclass
from typing import Iterable

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, RDFS, XSD

from etl import schema
from etl.publish.exports import licence_info

VCARD = Namespace("http://www.w3.org/2006/vcard/ns#")
SPDX = Namespace("http://spdx.org/rdf/terms#")
EU = "http://publications.europa.eu/resource/authority/"
THEME_TAXONOMY = URIRef(EU + "data-theme")
EU_THEMES = (URIRef(EU + "data-theme/GOVE"),)  # Government and public sector
# LOS (the Norwegian public-sector theme vocabulary): public administration. Verify against psi.norge.no when online.
LOS_THEMES = (URIRef("https://psi.norge.no/los/tema/styring-og-administrasjon"),)
LANGUAGES = (URIRef(EU + "language/NOB"), URIRef(EU + "language/ENG"))
ACCESS_PUBLIC = URIRef(EU + "access-right/PUBLIC")
COUNTRIES = {"NO": "NOR", "SE": "SWE", "DK": "DNK", "FI": "FIN"}
FILE_TYPES = {  # format → (EU file type, IANA media type)
    "csv": ("CSV", "text/csv"),
    "parquet": ("PARQUET", "application/vnd.apache.parquet"),
    "json": ("JSON", "application/json"),
    "ttl": ("RDF_TURTLE", "text/turtle"),
    "html": ("HTML", "text/html"),
}
JSON_STAT = URIRef("https://json-stat.org/format/")
DATA_PACKAGE = URIRef("https://specs.frictionlessdata.io/data-package/")


@dataclass(frozen=True)
class Publisher:
    """Who publishes the files. data.norge.no expects `uri` to be the organisation's entry in its organisation
    catalogue (https://organization-catalog.fellesdatakatalog.digdir.no/organizations/<orgnr>)."""

    base_url: str
    name_nb: str = "Digitaliseringsmonitoren"
    name_en: str = "The digitalisation monitor"
    uri: str = ""            # default: <base_url>index.html#publisher
    org_number: str = ""     # dct:identifier of the publisher, when it is a registered organisation
    contact_email: str = ""  # default contact: the index page
    contact_url: str = ""

    @property
    def base(self) -> str:
        return self.base_url if self.base_url.endswith("/") else self.base_url + "/"

    def url(self, path: str) -> URIRef:
        return URIRef(self.base + path)


@dataclass(frozen=True)
class Distribution:
    path: str
    fmt: str
    title_nb: str
    title_en: str
    bytes: int
    sha256: str
    licences: tuple[str, ...]   # the licence texts of the rows it holds ("" for none: the monitor's own)
    conforms_to: URIRef | None = None


@dataclass(frozen=True)
class Dataset:
    key: str
    title_nb: str
    title_en: str
    description_nb: str
    description_en: str
    keywords_nb: tuple[str, ...]
    keywords_en: tuple[str, ...]
    periods: tuple[str, ...]
    geos: tuple[str, ...]
    sources: tuple[str, ...]
    distributions: tuple[Distribution, ...]


def _lang(graph: Graph, subject, predicate, nb: str, en: str) -> None:
    graph.add((subject, predicate, Literal(nb, lang="nb")))
    graph.add((subject, predicate, Literal(en, lang="en")))


def period_bounds(period: str) -> tuple[str, str]:
    """First and last day of a period in the grammar of etl.schema (2021, 2021-2022, 2018-04, 2019-11-20)."""
    year = schema.period_year(period)
    parts = period.split("-")
    if len(parts) == 1:
        return f"{year}-01-01", f"{year}-12-31"
    if len(parts[1]) == 4:
        return f"{year}-01-01", f"{parts[1]}-12-31"
    if len(parts) == 2:
        last = calendar.monthrange(year, int(parts[1]))[1]
        return f"{year}-{parts[1]}-01", f"{year}-{parts[1]}-{last:02d}"
    return period, period


def rights_text(licences: Iterable[str]) -> tuple[str, str] | None:
    """(nb, en) rights statement for a distribution, or None when one standard licence covers it all."""
    found = sorted(set(licences))
    if len(found) == 1 and licence_info(found[0])["uri"]:
        return None
    if not found:
        return ("Metadata skrevet av monitoren om tallene og kildene; prosjektet har ikke erklært noen egen lisens "
                "for dem. Målenes ordlyd er Digdirs (NLOD 2.0).",
                "Metadata written by the monitor about the figures and their sources; the project has not declared a "
                "licence of its own for them. The goals' wording is Digdir's (NLOD 2.0).")
    if found == [""]:
        return ("Beregnet av monitoren fra tall som følger sine kilders vilkår (se sources.csv); prosjektet har ikke "
                "erklært noen egen lisens for sine beregninger.",
                "Computed by the monitor from figures under their sources' own terms (see sources.csv); the project "
                "has not declared a licence of its own for its computations.")
    listed = ", ".join(f or "the monitor's own" for f in found)
    if len(found) == 1:
        return (f"Vilkår: {listed}. Dette er ikke en standardlisens; les utgiverens vilkår før gjenbruk"
                + (" (vilkårene er ikke kjent)." if found[0] == "unknown" else "."),
                f"Terms: {listed}. This is not a standard licence; read the publisher's terms before reuse"
                + (" (the terms are not known)." if found[0] == "unknown" else "."))
    return (f"Blandede vilkår: hver rad følger sin kildes vilkår (kolonnen licence): {listed}. «unknown» betyr at "
            "vilkårene ikke er kjent.",
            f"Mixed terms: each row is under its source's terms (the licence column): {listed}. 'unknown' means the "
            "terms are not known.")


def catalog_graph(publisher: Publisher, datasets: list[Dataset], *, modified: str, title: tuple[str, str],
                  description: tuple[str, str]) -> Graph:
    graph = Graph()
    for prefix, ns in (("dcat", DCAT), ("dct", DCTERMS), ("foaf", FOAF), ("vcard", VCARD), ("spdx", SPDX),
                       ("rdfs", RDFS), ("xsd", XSD)):
        graph.bind(prefix, ns)
    index = publisher.url("index.html")
    agent = URIRef(publisher.uri) if publisher.uri else URIRef(f"{index}#publisher")
    graph.add((agent, RDF.type, FOAF.Agent))
    _lang(graph, agent, FOAF.name, publisher.name_nb, publisher.name_en)
    if publisher.org_number:
        graph.add((agent, DCTERMS.identifier, Literal(publisher.org_number)))
    contact = URIRef(f"{index}#contact")
    graph.add((contact, RDF.type, VCARD.Organization))
    _lang(graph, contact, VCARD.fn, publisher.name_nb, publisher.name_en)
    if publisher.contact_email:
        graph.add((contact, VCARD.hasEmail, URIRef(f"mailto:{publisher.contact_email}")))
    graph.add((contact, VCARD.hasURL, URIRef(publisher.contact_url) if publisher.contact_url else index))

    catalog = URIRef(f"{index}#catalog")
    graph.add((catalog, RDF.type, DCAT.Catalog))
    _lang(graph, catalog, DCTERMS.title, *title)
    _lang(graph, catalog, DCTERMS.description, *description)
    graph.add((catalog, DCTERMS.publisher, agent))
    graph.add((catalog, DCAT.contactPoint, contact))
    graph.add((catalog, FOAF.homepage, index))
    graph.add((catalog, DCAT.themeTaxonomy, THEME_TAXONOMY))
    graph.add((catalog, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
    for language in LANGUAGES:
        graph.add((catalog, DCTERMS.language, language))

    for ds in datasets:
        node = URIRef(f"{index}#dataset-{ds.key}")
        graph.add((catalog, DCAT.dataset, node))
        graph.add((node, RDF.type, DCAT.Dataset))
        graph.add((node, DCTERMS.identifier, Literal(str(node))))
        _lang(graph, node, DCTERMS.title, ds.title_nb, ds.title_en)
        _lang(graph, node, DCTERMS.description, ds.description_nb, ds.description_en)
        graph.add((node, DCTERMS.publisher, agent))
        graph.add((node, DCAT.contactPoint, contact))
        graph.add((node, DCAT.landingPage, URIRef(f"{index}#{ds.key}")))
        graph.add((node, DCTERMS.accessRights, ACCESS_PUBLIC))
        graph.add((node, DCTERMS.modified, Literal(modified, datatype=XSD.date)))
        for theme in (*EU_THEMES, *LOS_THEMES):
            graph.add((node, DCAT.theme, theme))
        for word in ds.keywords_nb:
            graph.add((node, DCAT.keyword, Literal(word, lang="nb")))
        for word in ds.keywords_en:
            graph.add((node, DCAT.keyword, Literal(word, lang="en")))
        for language in LANGUAGES:
            graph.add((node, DCTERMS.language, language))
        if ds.periods:
            bounds = [period_bounds(p) for p in ds.periods]
            period = BNode()
            graph.add((node, DCTERMS.temporal, period))
            graph.add((period, RDF.type, DCTERMS.PeriodOfTime))
            graph.add((period, DCAT.startDate, Literal(min(b[0] for b in bounds), datatype=XSD.date)))
            graph.add((period, DCAT.endDate, Literal(max(b[1] for b in bounds), datatype=XSD.date)))
        for geo in sorted(set(ds.geos)):
            if geo in COUNTRIES:
                graph.add((node, DCTERMS.spatial, URIRef(EU + "country/" + COUNTRIES[geo])))
        for url in sorted(set(ds.sources)):
            if url.startswith(("http://", "https://")) and not any(c in url for c in ' <>"{}|\\^`'):
                graph.add((node, DCTERMS.source, URIRef(url)))
        for dist in ds.distributions:
            _distribution(graph, node, publisher, dist)
    return graph


def _distribution(graph: Graph, dataset: URIRef, publisher: Publisher, dist: Distribution) -> None:
    url = publisher.url(dist.path)
    node = URIRef(f"{url}#distribution")
    file_type, media_type = FILE_TYPES[dist.fmt]
    graph.add((dataset, DCAT.distribution, node))
    graph.add((node, RDF.type, DCAT.Distribution))
    _lang(graph, node, DCTERMS.title, dist.title_nb, dist.title_en)
    _lang(graph, node, DCTERMS.description, dist.title_nb, dist.title_en)
    graph.add((node, DCAT.accessURL, url))
    graph.add((node, DCAT.downloadURL, url))
    graph.add((node, DCTERMS.format, URIRef(EU + "file-type/" + file_type)))
    graph.add((node, DCAT.mediaType, URIRef("https://www.iana.org/assignments/media-types/" + media_type)))
    graph.add((node, DCAT.byteSize, Literal(dist.bytes, datatype=XSD.nonNegativeInteger)))
    checksum = BNode()
    graph.add((node, SPDX.checksum, checksum))
    graph.add((checksum, RDF.type, SPDX.Checksum))
    graph.add((checksum, SPDX.algorithm, SPDX.checksumAlgorithm_sha256))
    graph.add((checksum, SPDX.checksumValue, Literal(dist.sha256, datatype=XSD.hexBinary)))
    if dist.conforms_to is not None:
        graph.add((node, DCTERMS.conformsTo, dist.conforms_to))
    rights = rights_text(dist.licences)
    if rights is None:
        info = licence_info(dist.licences[0])
        licence = URIRef(info["uri"])
        graph.add((node, DCTERMS.license, licence))
        graph.add((licence, RDF.type, DCTERMS.LicenseDocument))
        graph.add((licence, RDFS.label, Literal(info["title"])))
        graph.add((licence, RDFS.seeAlso, URIRef(info["path"])))
    else:
        statement = BNode()
        graph.add((node, DCTERMS.rights, statement))
        graph.add((statement, RDF.type, DCTERMS.RightsStatement))
        _lang(graph, statement, RDFS.label, *rights)


def turtle_bytes(graph: Graph) -> bytes:
    return graph.serialize(format="turtle", encoding="utf-8")
