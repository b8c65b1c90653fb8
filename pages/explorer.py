"""Explorer: any indicators × any countries on one chart per unit, optional index to a base year, breakdowns,
a sortable table of exactly what is shown, downloads of it, and a bundle of all the data. State in the URL. The
body is ui/explorer_page.py."""
from ui.explorer_page import show

show()
