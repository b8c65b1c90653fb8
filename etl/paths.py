"""Where the ETL reads and writes, relative to the repository root."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
CURATED_DIR = DATA_DIR / "curated"
LIVE_DIR = DATA_DIR / "live"
WAREHOUSE_PATH = DATA_DIR / "warehouse.duckdb"
CATALOG_PATH = ROOT / "indicators" / "catalog.toml"
SOURCES_DIR = ROOT / "etl" / "sources"
