"""Page files, in one place so pages can link to each other."""
OVERVIEW = "pages/overview.py"
GOAL = "pages/goal.py"
INDICATOR = "pages/indicator.py"
