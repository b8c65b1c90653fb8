"""The scoring method in the chosen language, from docs/method.md (one document, both languages)."""
import re
from pathlib import Path

import streamlit as st

from ui.i18n import t
from ui.page import current_lang
from ui.tables import show_markdown, wrap_tables

lang = current_lang()
text = (Path(__file__).resolve().parent.parent / "docs" / "method.md").read_text(encoding="utf-8")
_, rest = text.split("\n## Norsk (bokmål)\n", 1)
norwegian, english = rest.split("\n## English\n", 1)
english, sources = english.split("\n### Sources\n", 1)
st.title(t("nav_method", lang))
st.info(t("score_disclaimer", lang))
body = norwegian if lang == "nb" else english
heading = "Kilder" if lang == "nb" else "Sources"
# The document's headings start at ###; shift them up one level under the page title.
show_markdown(wrap_tables(re.sub(r"^###", "##", body, flags=re.MULTILINE).replace("\n---\n", "\n")))
st.markdown(f"## {heading}\n{sources}")
