"""The dashboard: the published marts and manifest in, one self-contained HTML page (and the CSV of what each
chart draws) out. Pure: no DuckDB, no network, no file written here; `flows/publish_dashboard.py` reads the
published files and writes the page, and `dashboard.assets` reads the packaged JavaScript and CSS.
"""

from dashboard.charts import CHART_IDS, CHARTS
from dashboard.model import Assets, ChartFile, Page, PageData
from dashboard.page import NO_DATA_TEXT, SAMPLE_BANNER_TEXT, build_page

__all__ = [
    "CHARTS",
    "CHART_IDS",
    "NO_DATA_TEXT",
    "SAMPLE_BANNER_TEXT",
    "Assets",
    "ChartFile",
    "Page",
    "PageData",
    "build_page",
]
