"""The sources' tests share the framework's HTTP fixtures (tests/etl/conftest.py)."""
from tests.etl.conftest import blackhole, closed_port, fast_http, replay, session  # noqa: F401
