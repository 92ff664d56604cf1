"""The dashboard in a real browser: a real pipeline run publishes `index.html`, and ONE headless Chromium
(Debian's `chromium`, driven over the DevTools pipe: tests/support/browser.py) opens it from the file
system with every host name unresolvable, then clicks, types, downloads and reads it like a person.

What is checked, exactly:
- charts: every chart div holds Plotly's SVGs and at least one trace; no "No data" with the snapshots;
- under every chart: a source line naming each source with its link and "data as of" the manifest's
  vintage, a definition of one sentence, and a "Download CSV" link to the file the manifest lists;
- the CSV downloaded for each chart (a real Chromium download) parses, is byte-identical to the file
  published, and equals the rows drawn: the Plotly figure read back from the page names, in each trace's
  meta, the CSV rows and columns it draws, and every point is compared with its row, every row drawn;
- the table browser: a mart opens, sorts by a column both ways (checked against the Parquet file) and
  filters by a column and by the search box (counts computed from the Parquet file);
- the claims table: one row per figure, readable names, and each verdict button shows exactly the
  figures with that verdict;
- freshness: the manifest's state word (as `mieruka status` prints it) per source, never "fresh";
- console and network: no console message, no uncaught exception, no request leaving the machine,
  after all of the above; `test_the_detectors_work` proves those detectors catch each fault;
- screenshots: the whole page and each section, with a Japanese font, kept for a person to look at in
  $MIERUKA_SCREENSHOT_DIR or data/test-artefacts/dashboard-screenshots/ (the path is printed).
If Chromium is missing, set-up installs it with `apt-get update && apt-get install -y chromium`; if that
fails the test FAILS with apt-get's output (never skips).
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import re
import shutil
import struct
import subprocess
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import polars as pl
import pytest

from dashboard import CHART_IDS, CHARTS, SAMPLE_BANNER_TEXT
from dashboard.fmt import fmt_when
from dashboard.sources import SOURCES
from flows.publish_dashboard import render_dashboard
from tests.conftest import PROJECT_ROOT
from tests.support.browser import Browser

BOJ_CREDIT = "このサービスは、日本銀行時系列統計データ検索サイトの API 機能を使用しています。"
ESTAT_CREDIT = "このサービスは、政府統計総合窓口(e-Stat)のAPI機能を使用していますが"


# ---------------------------------------------------------------------------------------------
# Chromium and a Japanese font


def _apt_install(package: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return subprocess.run(
        ["sh", "-c", f"apt-get install -y {package} || (apt-get update && apt-get install -y {package})"],
        capture_output=True, text=True, timeout=1800, env=env, check=False,
    )


def _install_chromium() -> str:
    try:
        proc = _apt_install("chromium")
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"Chromium is not installed and `apt-get install -y chromium` could not run: {exc}")
    found = shutil.which("chromium")
    if proc.returncode != 0 or not found:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        pytest.fail(f"Chromium is not installed and `apt-get install -y chromium` failed (exit {proc.returncode}); "
                    f"the dashboard test needs a real browser:\n{tail}")
    return found


def _japanese_fonts() -> str:
    return subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False).stdout.strip()


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium") or _install_chromium()
    if not _japanese_fonts():  # the screenshots show Japanese labels: without a CJK font they are boxes
        _apt_install("fonts-ipafont-gothic")
    return found


# ---------------------------------------------------------------------------------------------
# fixtures: the session's default pipeline run (tests/conftest.py) and one browser on its page for the module


@pytest.fixture(scope="module")
def published(default_run) -> Path:
    return default_run[0] / "data" / "published"


@pytest.fixture(scope="module")
def manifest(published: Path) -> dict:
    return json.loads((published / "manifest.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def browser(published: Path, chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    with Browser(chromium, tmp_path_factory.mktemp("chromium")) as b:
        b.open(published / "index.html")
        drawn = " && ".join(f"document.querySelector('#{d} .main-svg')" for d in CHART_IDS.values())
        b.wait_until(f"!!({drawn})", timeout=60)
        yield b


@pytest.fixture(scope="module")
def screenshots() -> Path:
    """Where the screenshots are kept after the run (printed): $MIERUKA_SCREENSHOT_DIR, else
    data/test-artefacts/dashboard-screenshots in the checkout (git-ignored). Not the pytest temporary
    directory: pytest keeps only the last three of those, and other runs on the machine rotate them."""
    default = PROJECT_ROOT / "data" / "test-artefacts" / "dashboard-screenshots"
    target = Path(os.environ.get("MIERUKA_SCREENSHOT_DIR") or default)
    target.mkdir(parents=True, exist_ok=True)
    return target


# ---------------------------------------------------------------------------------------------
# helpers


def _visible_rows(b: Browser, table: str) -> list[list[str]]:
    return b.js(f"Array.from(document.querySelectorAll('{table} tbody tr')).map(tr => "
                "Array.from(tr.querySelectorAll('td')).map(td => td.textContent))")


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def _same(point: object, cell: str, scale: float | None) -> bool:
    """A point drawn against its CSV cell: numbers (scaled back) to 1e-9, anything else as text."""
    if isinstance(point, int | float) and not isinstance(point, bool):
        if cell == "":
            return False
        return math.isclose(float(point), float(cell) / (scale or 1.0), rel_tol=1e-9, abs_tol=1e-12)
    return str(point) == cell


def _as_cell(value: object) -> str:
    return "true" if value is True else "false" if value is False else str(value)


# ---------------------------------------------------------------------------------------------
# tests


def test_the_detectors_work(chromium: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!doctype html><html><body><p>x</p><script>console.error('boom error');</script>"
        "<script>undefinedFunction();</script><img src='https://example.invalid/x.png'></body></html>",
        encoding="utf-8",
    )
    with Browser(chromium, tmp_path / "chromium") as b:
        b.open(bad)
        assert any("boom error" in line for line in b.console()), b.console()
        assert any(line.startswith("Uncaught") and "undefinedFunction" in line for line in b.console())
        assert b.network_requests() == ["https://example.invalid/x.png"]


def test_every_chart_is_drawn(browser: Browser) -> None:
    for chart_id, div in CHART_IDS.items():
        svgs = browser.js(f"document.querySelectorAll('#{div} svg.main-svg').length")
        traces = browser.js(f"document.querySelectorAll('#{div} g.trace').length")
        assert svgs >= 2, f"chart {chart_id} not drawn: {svgs} main-svg"
        assert traces >= 1, f"chart {chart_id} has no trace drawn"
    assert "No data" not in browser.js("document.body.innerText")  # every mart of the snapshots has rows


def test_a_source_line_definition_and_csv_link_under_every_chart(browser: Browser, manifest: dict,
                                                                  published: Path) -> None:
    for spec in CHARTS:
        card = f"#fig-{spec.chart_id}"
        line = browser.js(f"document.querySelector('{card} .source-line').innerText")
        links = browser.js(f"Array.from(document.querySelectorAll('{card} .source-line a')).map(a => a.href)")
        for source in spec.sources:
            info = SOURCES[source]
            if source != "published":  # curated figures name their own publishers
                assert info.publisher in line, (spec.chart_id, source, line)
            if info.url:
                assert info.url in links, (spec.chart_id, source)
            assert f"data as of {fmt_when(manifest['source_vintages'][source])}" in line, (spec.chart_id, line)
        definition = browser.js(f"document.querySelector('{card} .definition').innerText")
        assert definition.startswith("Definition: ") and definition.endswith(".") and ". " not in definition
        href = browser.js(f"document.querySelector('{card} a.csv-link').getAttribute('href')")
        entry = manifest["charts"][spec.chart_id]
        assert href == entry["path"] == spec.csv_name
        assert hashlib.sha256((published / href).read_bytes()).hexdigest() == entry["sha256"]
        assert browser.js(f"document.querySelector('{card} a.csv-link').hasAttribute('download')")


def test_the_csv_downloaded_for_each_chart_equals_the_rows_drawn(browser: Browser, published: Path) -> None:
    for spec in CHARTS:
        downloaded = browser.download(f"#fig-{spec.chart_id} a.csv-link")
        raw = downloaded.read_bytes()
        assert raw == (published / spec.csv_name).read_bytes()
        csv = pl.read_csv(raw, infer_schema=False)  # every cell as the text written
        rows = list(csv.iter_rows(named=True))
        traces = browser.js(
            f"JSON.stringify(document.getElementById('{spec.div_id}').data.map(t => "
            "({name: t.name, meta: t.meta, x: Array.from(t.x), y: Array.from(t.y)})))"
        )
        covered: set[int] = set()
        for trace in json.loads(traces):
            meta = trace["meta"]
            picked = [i for i, row in enumerate(rows)
                      if all(row[column] == _as_cell(value) for column, value in meta["rows"].items())]
            assert len(picked) == len(trace["x"]) == len(trace["y"]), (spec.chart_id, trace["name"])
            for i, x, y in zip(picked, trace["x"], trace["y"], strict=True):
                assert _same(x, rows[i][meta["x"]], meta["x_scale"]), (spec.chart_id, trace["name"], x, rows[i])
                assert _same(y, rows[i][meta["y"]], meta["y_scale"]), (spec.chart_id, trace["name"], y, rows[i])
            covered |= set(picked)
        missed = set(range(len(rows))) - covered
        assert not missed, f"{spec.chart_id}: CSV rows not drawn: {sorted(missed)}"


def test_the_table_browser_sorts_and_filters(browser: Browser, published: Path) -> None:
    mart = pl.read_parquet(published / "digital_deficit_annual.parquet")
    section, table = "#table-digital_deficit_annual", "#browse-digital_deficit_annual"
    browser.js(f"document.querySelector('{section} summary').click()")
    browser.wait_until(f"document.querySelector('{section}').dataset.ready === 'true'")
    info = f"document.querySelector('{section} .dt-info').textContent"
    assert f"of {mart.height} entries" in browser.js(info)
    assert browser.js(f"document.querySelector('{section} a.mart-csv').getAttribute('href')") == \
        "digital_deficit_annual.csv"

    column = mart.columns.index("balance_jpy")
    header = f"{table} thead tr:first-child th[data-dt-column='{column}']"
    browser.js(f"document.querySelector(\"{header}\").click()")
    ascending = [_number(r[column]) for r in _visible_rows(browser, table)]
    assert ascending == sorted(mart["balance_jpy"].to_list())[: len(ascending)] and len(ascending) == 10
    browser.js(f"document.querySelector(\"{header}\").click()")
    descending = [_number(r[column]) for r in _visible_rows(browser, table)]
    assert descending == sorted(mart["balance_jpy"].to_list(), reverse=True)[:10]

    component = mart.columns.index("component")
    browser.type_text(f"{table} thead input.column-filter[data-column='{component}']", "9062")
    by_column = mart.filter(pl.col("component").str.contains("9062"))
    browser.wait_until(f"{info}.includes('of {by_column.height} entries')")
    browser.type_text(f"{section} .dt-search input", "narrow")
    text_columns = [c for c, t in mart.schema.items() if t == pl.String]
    both = by_column.filter(pl.any_horizontal([pl.col(c).str.to_lowercase().str.contains("narrow")
                                               for c in text_columns]))
    browser.wait_until(f"{info}.includes('of {both.height} entries (filtered from {mart.height} total')")
    definition = mart.columns.index("definition")
    shown = _visible_rows(browser, table)
    assert shown and all(r[component] == "9062" and r[definition] == "narrow" for r in shown)

    revisions = pl.read_parquet(published / "observation_revisions.parquet").height
    browser.js("window.mieruka.openTable('observation_revisions').then(() => true)")
    assert f"of {revisions:,} entries" in browser.js("document.querySelector('#table-observation_revisions "
                                                       ".dt-info').textContent")


def test_the_claims_filter_works(browser: Browser, published: Path) -> None:
    claims = pl.read_parquet(published / "claims_check.parquet")
    figures = claims.group_by("article_id", "figure_index").agg(pl.col("verdict"))
    bodies = "document.querySelectorAll('table.claims tbody.claim')"
    assert browser.js(f"{bodies}.length") == figures.height  # one row per figure
    shown = f"Array.from({bodies}).filter(t => !t.hidden).map(t => t.dataset.verdicts)"
    for verdict in claims["verdict"].unique().sort().to_list():
        browser.js(f"document.querySelector(\"button.verdict-filter[data-verdict='{verdict}']\").click()")
        visible = browser.js(shown)
        expected = figures.filter(pl.col("verdict").list.contains(verdict)).height
        assert len(visible) == expected and all(verdict in v.split() for v in visible), verdict
        assert browser.js("document.getElementById('claims-shown').textContent") == \
            f"{expected} of {figures.height} figures shown (verdict: {verdict})."
    browser.js("document.querySelector(\"button.verdict-filter[data-verdict='']\").click()")
    assert len(browser.js(shown)) == figures.height
    pairs = claims.filter(pl.col("verdict") == "inconsistent_within_article")
    assert pairs.height >= 2  # both figures of the seed's disagreeing yen/TWD pair
    for article, index, other in pairs.select("article_id", "figure_index", "pair_surface").iter_rows():
        row = f"document.querySelector(\"tbody.claim[data-figure='{article}:{index}']\")"
        assert browser.js(f"{row}.dataset.verdicts").split() == ["inconsistent_within_article"]
        assert other in browser.js(f"{row}.querySelector('tr.detail').innerText")  # the pair, inside its row
    abouts = browser.js("Array.from(document.querySelectorAll('table.claims td.about')).map(td => td.innerText)")
    assert not [a for a in abouts if re.search(r"\b(pub|bop)_\w+", a)]  # names, never ids
    for name in claims["indicator_name_en"].drop_nulls().unique().to_list():
        assert name in abouts


def test_freshness_says_what_the_cli_says(browser: Browser, manifest: dict) -> None:
    for source, state in manifest["sources"].items():
        row = browser.js(f"(() => {{ const r = document.querySelector(\"tr.source[data-source='{source}']\"); "
                         "return [r.dataset.state, r.dataset.data, r.innerText]; })()")
        assert row[0] == state["state"] and row[1] == state["data"], source
        assert state["state"] in row[2]
    text = browser.js("document.getElementById('freshness').innerText")
    assert not re.search(r"\bfresh\b", text, flags=re.I)
    samples = [s for s, v in manifest["sources"].items() if v["data"] == "sample"]
    assert samples  # the snapshots are samples: the table says so per source
    for source in samples:
        badge = browser.js(f"document.querySelector(\"tr.source[data-source='{source}'] .data-sample\").innerText")
        assert badge == "sample"


def test_banner_credits_and_links(browser: Browser, published: Path) -> None:
    text = browser.js("document.body.innerText")
    assert SAMPLE_BANNER_TEXT in text
    assert BOJ_CREDIT in text and ESTAT_CREDIT in text
    assert browser.js("!!document.querySelector('a[href=\"dictionary.md\"]')")
    assert (published / "dictionary.md").is_file()


def test_screenshots_are_kept(browser: Browser, screenshots: Path) -> None:
    assert _japanese_fonts(), "no Japanese font: `apt-get install -y fonts-ipafont-gothic` failed"
    browser.js("window.scrollTo(0, 0)")
    shots = {}
    for section in ["digital-deficit", "countries", "eu-japan-mirror", "revisions", "content-exports",
                    "support-budgets", "pay-gap", "claims", "freshness", "tables"]:
        shots[section] = screenshots / f"{section}.png"
        browser.screenshot_element(f"#{section}", shots[section])
    browser.js("document.querySelector(\"button.verdict-filter[data-verdict='definition_differs']\").click()")
    shots["claims-filtered"] = screenshots / "claims-filtered.png"
    browser.screenshot_element("#claims", shots["claims-filtered"])
    browser.js("document.querySelector(\"button.verdict-filter[data-verdict='']\").click()")
    shots["page"] = screenshots / "page.png"
    size = browser.screenshot(shots["page"])
    print(f"\ndashboard screenshots: {screenshots}")
    for name, png in shots.items():
        data = png.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n", name
        width, height = struct.unpack(">II", data[16:24])
        assert width >= 1000 and height >= 200 and len(data) > 20_000, (name, width, height, len(data))
    assert size[1] > 5000  # the whole page, not the first screen


def test_no_console_message_uncaught_error_or_network_request(browser: Browser) -> None:
    """After everything above (load, clicks, typing, downloads, table browsing, screenshots)."""
    assert browser.console() == []
    assert browser.network_requests() == []


class _Resources(HTMLParser):
    """src of every <script> and href of every <link> (script bodies are not parsed as tags)."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if tag == "script" and attr.get("src"):
            self.urls.append(str(attr["src"]))
        if tag == "link" and attr.get("href"):
            self.urls.append(str(attr["href"]))


def test_the_page_is_offline(published: Path, browser: Browser) -> None:
    source = (published / "index.html").read_text(encoding="utf-8")
    for page in (source, browser.js("document.documentElement.outerHTML")):
        parser = _Resources()
        parser.feed(page)
        assert [u for u in parser.urls if re.match(r"(?i)\s*(https?:)?//", u)] == []
    assert len(re.findall(r"\* plotly\.js v\d", source)) == 1  # inlined exactly once
    assert source.count("Plotly.newPlot(") == len(CHARTS)
    assert source.count("id='dt-bundle'") == 1


def test_chart_csvs_are_byte_stable_and_listed_in_the_manifest(published: Path, manifest: dict,
                                                                tmp_path: Path) -> None:
    copy = tmp_path / "published"
    shutil.copytree(published, copy)
    for path in copy.glob("chart-*.csv"):
        path.unlink()
    render_dashboard(copy)
    again = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    assert again["charts"] == manifest["charts"] and set(manifest["charts"]) == set(CHART_IDS)
    for entry in manifest["charts"].values():
        data = (copy / entry["path"]).read_bytes()
        assert data == (published / entry["path"]).read_bytes()
        assert manifest["run_id"].encode() not in data and manifest["generated_at"][:13].encode() not in data
        assert entry["rows"] == pl.read_csv(data, infer_schema=False).height
    assert {k: v for k, v in again.items() if k != "charts"} == {k: v for k, v in manifest.items() if k != "charts"}


def test_a_missing_or_empty_mart_shows_no_data(published: Path, browser: Browser, tmp_path: Path) -> None:
    """Last: it takes the module's browser to another page."""
    copy = tmp_path / "published"
    shutil.copytree(published, copy, ignore=shutil.ignore_patterns("index.html", "chart-*.csv"))
    budgets = pl.read_parquet(copy / "support_budgets.parquet")
    budgets.head(0).write_parquet(copy / "support_budgets.parquet")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["support_budgets"]["rows"] = 0
    del manifest["tables"]["creator_pay_gap"]
    (copy / "creator_pay_gap.parquet").unlink()
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    start = len(browser.events)
    browser.open(render_dashboard(copy))
    browser.wait_until(f"!!document.querySelector('#{CHART_IDS['digital-deficit']} .main-svg')")
    text = browser.js("document.body.innerText")
    assert "No data — marts.support_budgets has no rows." in text
    assert "No data — marts.creator_pay_gap was not published in this run." in text
    assert browser.js(f"document.getElementById('{CHART_IDS['pay-gap']}')") is None
    assert not (copy / "chart-pay-gap.csv").exists() and (copy / "chart-digital-deficit.csv").is_file()
    assert browser.js(f"document.querySelectorAll('#{CHART_IDS['content-exports']} .main-svg').length") >= 2
    new_events = browser.events[start:]
    assert [e for e in new_events if e.get("method") in ("Runtime.consoleAPICalled", "Runtime.exceptionThrown")] == []


def test_dictionary_lists_every_table_and_column(published: Path) -> None:
    text = (published / "dictionary.md").read_text(encoding="utf-8")
    con = duckdb.connect(str(published.parent / "mieruka.duckdb"), read_only=True)
    try:
        tables = con.sql(
            "SELECT schema_name, table_name, comment FROM duckdb_tables() "
            "WHERE schema_name IN ('core', 'raw', 'ops', 'marts')"
        ).fetchall()
        columns = con.sql(
            "SELECT schema_name, table_name, column_name, data_type FROM duckdb_columns() "
            "WHERE schema_name IN ('core', 'raw', 'ops', 'marts')"
        ).fetchall()
    finally:
        con.close()
    assert {s for s, _, _ in tables} == {"core", "raw", "ops", "marts"}
    for schema, table, comment in tables:
        assert f"### `{schema}.{table}`" in text
        assert comment and comment.split(" ")[0] in text
    for _schema, _table, column, dtype in columns:
        assert f"| `{column}` | {dtype} |" in text
    assert BOJ_CREDIT in text and ESTAT_CREDIT in text
