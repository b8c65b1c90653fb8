"""Live connectors, one module per source, behind one interface (`etl.connectors.base.Connector`).

Which catalogue indicator is fed by which connector is data, not code: `connector = {...}` on the indicator in
`indicators/catalog.toml`. Source options (e.g. the UN EGDI file list, Eurostat geos) are `[sources.<name>]` in
`etl/connectors/sources.toml`.
"""
from __future__ import annotations

from etl.connectors.base import Connector, ConnectorError, IndicatorSpec
from etl.connectors.datanorge import DataNorgeConnector
from etl.connectors.eurostat import EurostatConnector
from etl.connectors.ssb import SsbConnector
from etl.connectors.un_egdi import UnEgdiConnector

CONNECTORS: dict[str, type[Connector]] = {
    c.name: c for c in (SsbConnector, EurostatConnector, DataNorgeConnector, UnEgdiConnector)
}

__all__ = ["CONNECTORS", "Connector", "ConnectorError", "IndicatorSpec"]
