"""Indicator catalogue and scoring. The one public entry point for scores is :func:`score_tables`."""
from indicators.scoring import score_tables

__all__ = ["score_tables"]
