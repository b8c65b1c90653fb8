"""Old import path of the JSON-stat 2.0 decoder; the decoder is `etl.readers.jsonstat`."""
from etl.readers.jsonstat import (MAX_BODY_BYTES, MAX_CELLS, MAX_DEPTH, MAX_DIMENSIONS, Dataset, Dimension,
                                 JsonStatError, cli_decode, decode, parse_json, read_dimensions, to_csv)

__all__ = ["MAX_BODY_BYTES", "MAX_CELLS", "MAX_DEPTH", "MAX_DIMENSIONS", "Dataset", "Dimension", "JsonStatError",
           "cli_decode", "decode", "parse_json", "read_dimensions", "to_csv"]
