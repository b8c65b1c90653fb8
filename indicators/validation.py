"""Validation against the publisher's own judgement: Digdir's published ratings per RDT edition and goal
(``indicators/digdir_ratings.toml``, from strategy.md §8.1) beside the monitor's label for Norway as of the
edition's year (only the figures published by then). Pure: the score tables in, a table out."""
from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any, Mapping

import pandas as pd

from indicators.scoring import LABEL_MEDIUM

RATINGS_PATH = Path(__file__).resolve().parent / "digdir_ratings.toml"
COLUMNS = ["edition", "goal_id", "digdir", "uncertain", "as_of", "monitor_score", "monitor", "agree"]


def load_ratings(path: Path | str = RATINGS_PATH) -> list[dict[str, Any]]:
    """[{edition, as_of, goal_id, digdir, uncertain}] in file order (goals in G1–G6 order within an edition)."""
    raw = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    out = []
    for ed in raw["editions"]:
        uncertain = set(ed.get("uncertain", []))
        for goal in sorted(ed["ratings"]):
            out.append({"edition": ed["id"], "as_of": int(ed["as_of"]), "goal_id": goal,
                        "digdir": ed["ratings"][goal], "uncertain": goal in uncertain})
    return out


def validation_table(history: pd.DataFrame, ratings: list[Mapping[str, Any]] | None = None,
                     geo: str = "NO") -> pd.DataFrame:
    """Digdir's rating beside the monitor's (goal_score_history of ``geo`` at the edition's as-of year)."""
    ratings = load_ratings() if ratings is None else ratings
    h = history[history["geo"] == geo].set_index(["as_of", "goal_id"])
    rows = []
    for r in ratings:
        key = (r["as_of"], r["goal_id"])
        score = h["score"].get(key) if key in h.index else None
        label = h["label"].get(key) if key in h.index else None
        label = None if label is None or pd.isna(label) else str(label)
        rows.append({**{k: r[k] for k in ("edition", "goal_id", "digdir", "uncertain", "as_of")},
                     "monitor_score": None if score is None or pd.isna(score) else float(score),
                     "monitor": label, "agree": label == r["digdir"]})
    return pd.DataFrame(rows, columns=COLUMNS)


def summary(table: pd.DataFrame) -> dict[str, int]:
    sure, unsure = table[~table["uncertain"]], table[table["uncertain"]]
    return {"n": len(table), "agree": int(table["agree"].sum()),
            "n_confirmed": len(sure), "agree_confirmed": int(sure["agree"].sum()),
            "n_uncertain": len(unsure), "agree_uncertain": int(unsure["agree"].sum()),
            "always_middels": int((table["digdir"] == LABEL_MEDIUM).sum())}


def render(table: pd.DataFrame) -> str:
    """The table and the counts as Markdown (what ``python -m indicators validate`` prints; docs/method.md quotes it)."""
    lines = ["| edition | goal | Digdir | as of | monitor | score | agree |", "|---|---|---|---|---|---|---|"]
    for r in table.itertuples():
        digdir = f"{r.digdir}?" if r.uncertain else r.digdir
        score = "–" if r.monitor_score is None or pd.isna(r.monitor_score) else f"{r.monitor_score:.2f}"
        lines.append(f"| {r.edition} | {r.goal_id} | {digdir} | {r.as_of} | {r.monitor or '–'} | {score} | "
                     f"{'yes' if r.agree else 'no'} |")
    s = summary(table)
    lines += ["", f"Agree: {s['agree']} of {s['n']} (published: {s['agree_confirmed']} of {s['n_confirmed']}; "
                  f"published but uncertain («?»): {s['agree_uncertain']} of {s['n_uncertain']}). "
                  f"Answering «middels» every time: {s['always_middels']} of {s['n']}."]
    return "\n".join(lines) + "\n"
