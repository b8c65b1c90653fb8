"""Texts for scores, trend statuses, the method page, the goal report and "what changed"."""

TEXTS: dict[str, dict[str, str]] = {
    "status_target_achieved": {"nb": "Mål nådd", "en": "Target achieved"},
    "status_substantial_progress": {"nb": "Betydelig framgang", "en": "Substantial progress"},
    "status_moderate_progress": {"nb": "Moderat framgang", "en": "Moderate progress"},
    "status_limited_progress": {"nb": "Begrenset framgang", "en": "Limited progress"},
    "status_deterioration": {"nb": "Tilbakegang", "en": "Deterioration"},
    "status_insufficient_data": {"nb": "For lite data", "en": "Insufficient data"},
    "label_god": {"nb": "god", "en": "good"},
    "label_middels": {"nb": "middels", "en": "medium"},
    "label_mindre god": {"nb": "mindre god", "en": "less good"},
    "label_none": {"nb": "ingen vurdering (for lite data)", "en": "no rating (insufficient data)"},
    "goal_score": {"nb": "Poengsum {score} av 3 – {label}", "en": "Score {score} of 3 – {label}"},
    "goal_score_short": {"nb": "Poengsum", "en": "Score"},
    "score_disclaimer": {
        "nb": "Poengsummene er monitorens egen, etterprøvbare lesning av Digdirs skala 1,00–3,00 – ikke Digdirs egne tall.",
        "en": "The scores are the monitor's own reproducible reading of Digdir's 1.00–3.00 scale – not Digdir's own numbers.",
    },
    "score_trend": {"nb": "Utvikling i poengsum", "en": "Score over time"},
    "score_trend_text": {
        "nb": "Poengsummen var {first} med data til og med {first_year} og {last} med data til og med {last_year}.",
        "en": "The score was {first} with data up to {first_year} and {last} with data up to {last_year}.",
    },
    "score_history_title": {"nb": "Målets poengsum etter år (data til og med året)", "en": "Goal score by year (data up to the year)"},
    "col_as_of": {"nb": "Data til og med", "en": "Data up to"},
    "col_label": {"nb": "Vurdering", "en": "Rating"},
    "col_n_indicators": {"nb": "Indikatorer med poeng", "en": "Indicators scored"},
    "col_first_score": {"nb": "Poengsum første år", "en": "Score in the first year"},
    "at_a_glance": {"nb": "Målene på ett blikk", "en": "The goals at a glance"},
    "col_development": {"nb": "Utviklingspoeng", "en": "Development score"},
    "col_level": {"nb": "Nivåpoeng", "en": "Level score"},
    "col_weight": {"nb": "Vekt", "en": "Weight"},
    "col_base": {"nb": "Utgangspunkt", "en": "Base"},
    "col_cagr": {"nb": "Årlig vekst (CAGR)", "en": "Annual growth (CAGR)"},
    "movers": {"nb": "Trekker mest", "en": "Moves the score most"},
    "movers_up": {"nb": "trekker opp", "en": "pulls up"},
    "movers_down": {"nb": "trekker ned", "en": "pulls down"},
    "how_calculated": {"nb": "Hvordan ble dette beregnet?", "en": "How was this calculated?"},
    "explain_goal": {
        "nb": "Målets poengsum er det vektede gjennomsnittet av {n} indikatorpoeng (sum vekter {weight}): {score}. "
              "God ≥ 2,25, mindre god ≤ 1,75, middels imellom. {excluded} indikatorer manglet data nok til poeng.",
        "en": "The goal score is the weighted mean of {n} indicator scores (total weight {weight}): {score}. "
              "Good ≥ 2.25, less good ≤ 1.75, medium between. {excluded} indicators lacked the data for a score.",
    },
    "explain_trend": {
        "nb": "Utgangspunkt {base_value} ({base_period}), siste {latest_value} ({latest_period}); årlig vekst {cagr}. "
              "Sammenlignet med tersklene {thresholds}{limit}: {status}.",
        "en": "Base {base_value} ({base_period}), latest {latest_value} ({latest_period}); annual growth {cagr}. "
              "Compared with thresholds {thresholds}{limit}: {status}.",
    },
    "explain_limit": {
        "nb": " (redusert med faktor c = {c} fordi verdien er nær grensen {limit})",
        "en": " (reduced by the factor c = {c} as the value is near the limit {limit})",
    },
    "explain_target": {
        "nb": " Med mål {target} i {target_year}: nødvendig årlig vekst {required}, forhold {ratio}.",
        "en": " With the target {target} in {target_year}: required annual growth {required}, ratio {ratio}.",
    },
    "explain_level": {
        "nb": "Nivå: Norge er minst like godt som {matched} av {n} sammenligningsland/-områder ({peers}) → nivåpoeng {level}.",
        "en": "Level: Norway is at least as good as {matched} of {n} comparators ({peers}) → level score {level}.",
    },
    "explain_level_target": {
        "nb": "Nivå: sammenlignet med målet → nivåpoeng {level}.",
        "en": "Level: compared with the target → level score {level}.",
    },
    "explain_no_level": {"nb": "Nivå: ingen sammenligningstall.", "en": "Level: no comparison figures."},
    "explain_score": {
        "nb": "Indikatorpoeng = snitt av utviklingspoeng {development} og nivåpoeng {level} = {score}.",
        "en": "Indicator score = mean of development score {development} and level score {level} = {score}.",
    },
    "explain_warnings": {"nb": "Merknader: {warnings}", "en": "Notes: {warnings}"},
    "neighbour_scores": {"nb": "Samme mål for nabolandene", "en": "The same goal for the neighbouring countries"},
    "neighbour_scores_note": {
        "nb": "Samme regler: hvert land sammenlignes med de tre andre og EU27. Færre indikatorer har tall for nabolandene.",
        "en": "Same rules: each country is compared with the other three and EU27. Fewer indicators have figures for the neighbours.",
    },
    "method_link": {"nb": "Les hele metoden", "en": "Read the full method"},
    "nav_method": {"nb": "Metode", "en": "Method"},
    "nav_report": {"nb": "Rapport (utskrift)", "en": "Report (print)"},
    "report_title": {"nb": "Rapport: mål {n}", "en": "Report: goal {n}"},
    "report_intro": {
        "nb": "Denne siden er laget for utskrift eller PDF fra nettleseren (Ctrl+P / Cmd+P).",
        "en": "This page is made to print, or save as PDF, from the browser (Ctrl+P / Cmd+P).",
    },
    "report_generated": {"nb": "Laget fra bygg {build_id}, {built}.", "en": "Made from build {build_id}, {built}."},
    "what_changed": {"nb": "Hva er endret siden forrige dataoppdatering", "en": "What changed since the last data update"},
    "changes_none": {
        "nb": "Ingen nye eller endrede tall sammenlignet med forrige bygg av datavarehuset.",
        "en": "No new or changed figures compared with the previous build of the warehouse.",
    },
    "changes_first_build": {
        "nb": "Dette er det første bygget av datavarehuset, så det er ingenting å sammenligne med ennå.",
        "en": "This is the first build of the warehouse, so there is nothing to compare with yet.",
    },
    "changes_summary": {
        "nb": "{new} nye og {changed} endrede tall, {statuses} endrede utviklingsstatuser (bygg {build_id}).",
        "en": "{new} new and {changed} changed figures, {statuses} changed trend statuses (build {build_id}).",
    },
    "change_new": {"nb": "nytt tall", "en": "new figure"},
    "change_changed": {"nb": "endret tall", "en": "changed figure"},
    "change_removed": {"nb": "fjernet tall", "en": "removed figure"},
    "col_change_kind": {"nb": "Endring", "en": "Change"},
    "col_old_value": {"nb": "Før", "en": "Before"},
    "col_new_value": {"nb": "Nå", "en": "Now"},
    "col_old_status": {"nb": "Status før", "en": "Status before"},
    "col_new_status": {"nb": "Status nå", "en": "Status now"},
}
