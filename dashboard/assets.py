"""The static files the page inlines, read from installed packages (the only reading this package does).

- plotly.js from the `plotly` package (already a dependency);
- DataTables, with its styling, from the `itables` package: it ships the offline bundle `html/dt_bundle.js`
  (+ `.css`), DataTables 2 and its extensions built as one ES module, MIT licence (itables and DataTables
  alike). Pinned in requirements.lock; the versions are shown in the page's footer;
- the page's own script and style, `dashboard/static/` (package data).
"""

from __future__ import annotations

import re
from importlib import metadata, resources

from plotly.offline import get_plotlyjs

from dashboard.model import Assets

DATATABLES_VERSION = re.compile(r"\*! DataTables (\d+\.\d+\.\d+)")


def _text(package: str, path: str) -> str:
    return resources.files(package).joinpath(path).read_text(encoding="utf-8")


def load_assets() -> Assets:
    """Read every asset; a missing one is an install problem, said plainly."""
    try:
        dt_js = _text("itables", "html/dt_bundle.js")
        dt_css = _text("itables", "html/dt_bundle.css")
    except (ModuleNotFoundError, FileNotFoundError) as exc:
        raise RuntimeError(
            f"the dashboard's table browser needs the DataTables bundle of the `itables` package ({exc}); "
            "run `make .venv/.installed` (or `pip install -r requirements.lock`) to install it"
        ) from exc
    plotly_js = get_plotlyjs()
    found = DATATABLES_VERSION.search(dt_js)
    js_version = re.search(r"plotly\.js v(\d+\.\d+\.\d+)", plotly_js[:2000])
    versions = {
        "plotly.js": js_version.group(1) if js_version else metadata.version("plotly"),
        "DataTables": found.group(1) if found else "?",
        "itables": metadata.version("itables"),
    }
    return Assets(
        plotly_js=plotly_js,
        datatables_js=dt_js,
        datatables_css=dt_css,
        page_js=_text("dashboard", "static/dashboard.js"),
        page_css=_text("dashboard", "static/dashboard.css"),
        versions=versions,
    )
