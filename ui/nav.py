"""The app's pages in one registry: app.py builds the navigation from it, pages link to each other through it."""
from __future__ import annotations

from dataclasses import dataclass

OVERVIEW = "pages/overview.py"
GOAL = "pages/goal.py"
INDICATOR = "pages/indicator.py"
METHOD = "pages/method.py"
REPORT = "pages/report.py"
ASSESSMENT = "pages/assessment.py"
REPORT_ALL = "all"  # the report's `goal` value for the whole final assessment (every goal)


@dataclass(frozen=True)
class PageSpec:
    path: str
    url_path: str       # the file's stem: Streamlit identifies a page by it (see ui/page.py, _through_app_only)
    title_key: str      # a text key in ui/texts
    section: str        # "main" or "more"
    public: bool = True  # shown in the public read-only mode (MONITOR_MODE=public)
    default: bool = False


PAGES: list[PageSpec] = [
    PageSpec(OVERVIEW, "overview", "nav_overview", "main", default=True),
    PageSpec(GOAL, "goal", "nav_goal", "main"),
    PageSpec(INDICATOR, "indicator", "nav_indicator", "main"),
    PageSpec("pages/explorer.py", "explorer", "nav_explorer", "more"),
    PageSpec("pages/compare.py", "compare", "nav_compare", "more"),
    PageSpec("pages/life_events.py", "life_events", "nav_life_events", "more"),
    PageSpec("pages/sources.py", "sources", "nav_sources", "more"),
    PageSpec("pages/about.py", "about", "nav_about", "more"),
    PageSpec("pages/sql.py", "sql", "nav_sql", "more", public=False),
    PageSpec(ASSESSMENT, "assessment", "nav_assessment", "main"),
    PageSpec(REPORT, "report", "nav_report", "main"),
    PageSpec(METHOD, "method", "nav_method", "more"),
]


def visible_pages(public: bool) -> list[PageSpec]:
    return [p for p in PAGES if p.public or not public]
