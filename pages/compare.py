"""International comparison: Norway's rank over time in the UN EGDI, the EU eGovernment Benchmark and the OECD
Digital Government Index, and Norway against Sweden, Denmark, Finland and EU27 wherever peers are published.
What it shows is built once per warehouse version and language (ui.compare_view); this page only sends it."""
import streamlit as st

from ui.compare_view import (one_downloads, one_figure, one_texts, peer_indicators, peer_names, peer_table,
                             rank_figure, rank_texts)
from ui.downloads import download_buttons_for
from ui.i18n import t
from ui.page import current_lang
from ui.tables import show_markdown
from ui.url_state import choose

lang = current_lang()
st.title(t("compare_title", lang))
st.write(t("compare_intro", lang))

# ---- Norway's rank in the three international rankings ---------------------------------------------------------
st.header(t("compare_ranks", lang))
ranks = rank_texts(lang)
if ranks["empty"]:
    st.info(t("compare_no_ranks", lang))
else:
    st.markdown(ranks["sentence"])
    st.plotly_chart(rank_figure(lang), config={"displaylogo": False}, key="compare_ranks_chart")
    show_markdown(ranks["table"])
    st.caption(t("compare_rank_note", lang))
    if ranks["missing"]:
        st.caption(ranks["missing"])

# ---- Norway against the peers ----------------------------------------------------------------------------------
st.header(t("compare_peers", lang))
with_peers = list(peer_indicators())
if not with_peers:
    st.info(t("compare_no_peers", lang))
    st.stop()

st.write(t("compare_peers_intro", lang, n=len(with_peers)))
st.caption(t("compare_table_caption", lang))
show_markdown(peer_table(lang))

st.subheader(t("compare_one", lang))
indicator_id = choose("indicator", with_peers, label=t("choose_indicator", lang), lang=lang,
                      unknown_key="unknown_indicator", key="compare_indicator",
                      format_func=peer_names(lang).__getitem__)
texts = one_texts(indicator_id, lang)
st.markdown(texts["summary"])
st.plotly_chart(one_figure(indicator_id, lang), config={"displaylogo": False}, key="compare_chart")
show_markdown(texts["table"])
st.page_link("pages/indicator.py", label=t("compare_open_indicator", lang), icon=":material/arrow_forward:",
             query_params={"indicator": indicator_id, "lang": lang})
download_buttons_for(one_downloads(indicator_id), f"compare-{indicator_id}", lang)
