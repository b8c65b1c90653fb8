"""Where the ETL reads and writes, relative to the repository root."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
CURATED_DIR = DATA_DIR / "curated"
LIVE_DIR = DATA_DIR / "live"
SNAPSHOT_DIR = CURATED_DIR  # old name, until every caller says CURATED_DIR
WAREHOUSE_PATH = DATA_DIR / "warehouse.duckdb"
RAW_DIR = DATA_DIR / "raw"
PUBLISHERS_PATH = DATA_DIR / "publishers.toml"
CATALOG_PATH = ROOT / "indicators" / "catalog.toml"
SOURCES_DIR = ROOT / "etl" / "sources"
