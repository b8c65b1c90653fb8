"""Old import path of the JSON-stat 2.0 decoder; the decoder is `etl.readers.jsonstat`."""
from etl.readers.jsonstat import Dataset, Dimension, JsonStatError, cli_decode, decode, read_dimensions, to_csv

__all__ = ["Dataset", "Dimension", "JsonStatError", "cli_decode", "decode", "read_dimensions", "to_csv"]
