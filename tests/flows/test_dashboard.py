"""The dashboard in a real browser: a real pipeline run publishes `index.html`, headless Chromium
(Debian's `chromium`) opens it from the file system with every host name unresolvable, and the test
reads what the browser produced.

What is checked, exactly:
- charts: in the DOM Chromium dumps after running the page's scripts (`--dump-dom`, 10 s of virtual
  time), every chart div (`flows.dashboard.CHART_IDS`) holds at least 2 `<svg class="main-svg">`
  elements (Plotly draws the plot and its hover layer as such SVGs) and at least one plotted trace
  (`<g class="trace ...">`); no "No data" note appears with the shipped snapshots;
- console: Chromium (`--enable-logging=stderr --v=0`) writes every console message of the page to
  stderr as an `INFO:CONSOLE` line whatever its level (this build does not tell console.error from
  console.log there), and uncaught exceptions as `"Uncaught ..."`; the test fails on ANY console line
  and any "Uncaught" line, so a page error, warning or stray log all fail it;
- offline: no `<script src>` or `<link href>` of the page source or of the rendered DOM is an
  http(s) URL, and Chromium's NetLog (`--log-net-log`) records no request started by the page
  (`URL_REQUEST_START_JOB` with an origin initiator, or a file:// site-for-cookies); Chromium's own
  background requests ("not an origin") are ignored, and all fail anyway (`--host-resolver-rules`);
- `test_the_detectors_work` feeds a page with a console.error, an uncaught exception and an image on
  the network to the same functions first, so a change of Chromium's log format cannot make the
  console or network checks pass vacuously;
- text: the sample banner, the BOJ and e-Stat credit lines, the claims' verdict badges and sentences
  (escaped), the link to dictionary.md;
- screenshot: `--screenshot=<data>/published/dashboard.png --window-size=1400,4000` writes a PNG of
  1400x4000 pixels and more than 100 kB.
If Chromium is missing, set-up installs it with `apt-get update && apt-get install -y chromium`; if
that fails the test FAILS with apt-get's output (never skips).
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import duckdb
import polars as pl
import pytest

from flows.dashboard import CHART_IDS, SAMPLE_BANNER_TEXT, PageData, build_page, render_dashboard
from tests.conftest import SNAPSHOTS

BOJ_CREDIT = "このサービスは、日本銀行時系列統計データ検索サイトの API 機能を使用しています。"
ESTAT_CREDIT = "このサービスは、政府統計総合窓口(e-Stat)のAPI機能を使用していますが"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
    "--virtual-time-budget=10000",
    "--host-resolver-rules=MAP * ~NOTFOUND",  # nothing resolves: the page can only work offline
]
CONSOLE_LINE = re.compile(r":CONSOLE[:(]|Uncaught")


# ---------------------------------------------------------------------------------------------
# Chromium


def _install_chromium() -> str:
    """`apt-get update && apt-get install -y chromium` (we run as root); fail with the reason."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    try:
        proc = subprocess.run(
            ["sh", "-c", "apt-get update && apt-get install -y chromium"],
            capture_output=True,
            text=True,
            timeout=1800,
            env=env,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        pytest.fail(f"Chromium is not installed and `apt-get install -y chromium` could not run: {exc}")
    found = shutil.which("chromium")
    if proc.returncode != 0 or not found:
        tail = "\n".join((proc.stdout + proc.stderr).splitlines()[-25:])
        pytest.fail(
            f"Chromium is not installed and `apt-get update && apt-get install -y chromium` failed "
            f"(exit {proc.returncode}); the dashboard test needs a real browser:\n{tail}"
        )
    return found


def _ensure_japanese_font() -> None:
    """Japanese labels in the screenshot need a CJK font (3.5 MB package). Best effort: the checks
    do not depend on glyphs, only a person reading the screenshot does."""
    listed = subprocess.run(["fc-list", ":lang=ja"], capture_output=True, text=True, check=False)
    if listed.stdout.strip():
        return
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["sh", "-c", "apt-get install -y fonts-ipafont-gothic || (apt-get update && "
                    "apt-get install -y fonts-ipafont-gothic)"], capture_output=True, text=True, timeout=900,
                   env=env, check=False)


@pytest.fixture(scope="session")
def chromium() -> str:
    found = shutil.which("chromium") or _install_chromium()
    _ensure_japanese_font()
    return found


@dataclass(frozen=True)
class BrowserRun:
    dom: str  # --dump-dom output ("" for a screenshot run)
    console: list[str]  # console and "Uncaught" lines of stderr
    page_requests: list[str]  # network URLs the page itself asked for


def console_lines(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if CONSOLE_LINE.search(line)]


def page_requests(netlog: Path) -> list[str]:
    """URLs of requests the page started, from a Chromium NetLog (browser-internal requests, whose
    initiator is "not an origin", are left out)."""
    raw = netlog.read_text(encoding="utf-8", errors="replace")
    log, _ = json.JSONDecoder().raw_decode(raw)  # a trailing newline or partial tail is ignored
    start_job = log["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
    urls = []
    for event in log.get("events", []):
        params = event.get("params") or {}
        if event.get("type") != start_job or "url" not in params:
            continue
        from_page = params.get("initiator") != "not an origin" or "file://" in str(params.get("site_for_cookies"))
        if from_page and not str(params["url"]).startswith("file:"):
            urls.append(params["url"])
    return urls


def run_chromium(binary: str, page: Path, workdir: Path, *extra: str) -> BrowserRun:
    workdir.mkdir(parents=True, exist_ok=True)
    netlog = workdir / "netlog.json"
    command = [
        binary,
        *CHROMIUM_FLAGS,
        f"--user-data-dir={workdir / 'profile'}",
        f"--log-net-log={netlog}",
        *extra,
        page.resolve().as_uri(),
    ]
    proc = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 0, f"chromium exited {proc.returncode}:\n{proc.stderr[-3000:]}"
    return BrowserRun(proc.stdout, console_lines(proc.stderr), page_requests(netlog))


class _ChartCounter(HTMLParser):
    """Counts, inside each chart div, the Plotly main SVGs and the trace groups drawn."""

    def __init__(self, ids: set[str]) -> None:
        super().__init__(convert_charrefs=True)
        self.ids = ids
        self.svgs = dict.fromkeys(ids, 0)
        self.traces = dict.fromkeys(ids, 0)
        self._open: str | None = None
        self._depth = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = dict(attrs)
        if self._open is None:
            if tag == "div" and attr.get("id") in self.ids:
                self._open, self._depth = attr["id"], 1
            return
        classes = (attr.get("class") or "").split()
        if tag == "div":
            self._depth += 1
        elif tag == "svg" and "main-svg" in classes:
            self.svgs[self._open] += 1
        elif tag == "g" and "trace" in classes:
            self.traces[self._open] += 1

    def handle_endtag(self, tag: str) -> None:
        if self._open is not None and tag == "div":
            self._depth -= 1
            if self._depth == 0:
                self._open = None


def chart_counts(dom: str) -> tuple[dict[str, int], dict[str, int]]:
    parser = _ChartCounter(set(CHART_IDS.values()))
    parser.feed(dom)
    return parser.svgs, parser.traces


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


def external_resources(page: str) -> list[str]:
    parser = _Resources()
    parser.feed(page)
    return [u for u in parser.urls if re.match(r"(?i)\s*(https?:)?//", u)]


# ---------------------------------------------------------------------------------------------
# fixtures: one real pipeline run, one DOM dump and one screenshot for the module


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory, prefect_api: str) -> Path:
    from flows.pipeline import pipeline

    data = tmp_path_factory.mktemp("dashboard") / "data"
    pipeline(data_dir=str(data), snapshots_dir=str(SNAPSHOTS))
    return data / "published"


@pytest.fixture(scope="module")
def page_run(published: Path, chromium: str) -> BrowserRun:
    return run_chromium(chromium, published / "index.html", published.parent / "chromium-dom", "--dump-dom")


@pytest.fixture(scope="module")
def screenshot(published: Path, chromium: str) -> tuple[Path, BrowserRun]:
    png = published / "dashboard.png"
    run = run_chromium(
        chromium,
        published / "index.html",
        published.parent / "chromium-shot",
        f"--screenshot={png}",
        "--window-size=1400,4000",
    )
    print(f"dashboard screenshot: {png}")
    return png, run


# ---------------------------------------------------------------------------------------------
# tests


def test_the_detectors_work(chromium: str, tmp_path: Path) -> None:
    bad = tmp_path / "bad.html"
    bad.write_text(
        "<!doctype html><html><body><p>x</p><script>console.error('boom error');</script>"
        "<script>undefinedFunction();</script><img src='https://example.invalid/x.png'></body></html>",
        encoding="utf-8",
    )
    run = run_chromium(chromium, bad, tmp_path / "chromium", "--dump-dom")
    assert any("boom error" in line for line in run.console), run.console
    assert any("Uncaught" in line for line in run.console), run.console
    assert run.page_requests == ["https://example.invalid/x.png"]
    assert chart_counts(run.dom) == (dict.fromkeys(CHART_IDS.values(), 0), dict.fromkeys(CHART_IDS.values(), 0))


def test_every_chart_is_drawn(page_run: BrowserRun) -> None:
    svgs, traces = chart_counts(page_run.dom)
    for name, div_id in CHART_IDS.items():
        assert svgs[div_id] >= 2, f"chart of {name} (#{div_id}) not drawn: {svgs[div_id]} main-svg"
        assert traces[div_id] >= 1, f"chart of {name} (#{div_id}) has no trace drawn"
    assert "No data" not in page_run.dom  # every mart of the shipped snapshots has rows


def test_no_console_message_or_uncaught_error(page_run: BrowserRun, screenshot: tuple[Path, BrowserRun]) -> None:
    assert page_run.console == []
    assert screenshot[1].console == []


def test_the_page_is_offline(published: Path, page_run: BrowserRun) -> None:
    source = (published / "index.html").read_text(encoding="utf-8")
    assert external_resources(source) == []
    assert external_resources(page_run.dom) == []
    assert page_run.page_requests == []
    # Plotly's JavaScript is inlined exactly once (its licence header), and each chart only calls it
    assert len(re.findall(r"\* plotly\.js v\d", source)) == 1
    assert source.count("Plotly.newPlot(") == len(CHART_IDS)


def test_banner_credits_and_links(published: Path, page_run: BrowserRun) -> None:
    dom = page_run.dom
    assert 'id="sample-banner"' in dom and SAMPLE_BANNER_TEXT in dom
    assert BOJ_CREDIT in dom
    assert ESTAT_CREDIT in dom
    assert 'href="dictionary.md"' in dom and (published / "dictionary.md").is_file()


def test_claims_have_verdict_badges_and_their_sentences(published: Path, page_run: BrowserRun) -> None:
    claims = pl.read_parquet(published / "claims_check.parquet")
    assert claims.height > 0
    for verdict in claims["verdict"].unique().to_list():
        assert re.search(
            rf"<span class=\"badge verdict\" style=\"background:#[0-9a-f]{{6}}\">{verdict}</span>", page_run.dom
        ), verdict
    source = (published / "index.html").read_text(encoding="utf-8")
    for sentence in claims["sentence"].drop_nulls().unique().to_list():
        assert html.escape(sentence) in source


def test_screenshot_is_written(screenshot: tuple[Path, BrowserRun]) -> None:
    png, _ = screenshot
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1400, 4000)
    assert len(data) > 100_000, f"{png} is only {len(data)} bytes"


def test_a_missing_or_empty_mart_shows_no_data(published: Path, chromium: str, tmp_path: Path) -> None:
    copy = tmp_path / "published"
    shutil.copytree(published, copy, ignore=shutil.ignore_patterns("*.png", "index.html"))
    budgets = pl.read_parquet(copy / "support_budgets.parquet")
    budgets.head(0).write_parquet(copy / "support_budgets.parquet")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    manifest["tables"]["support_budgets"]["rows"] = 0
    del manifest["tables"]["creator_pay_gap"]
    (copy / "creator_pay_gap.parquet").unlink()
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")

    run = run_chromium(chromium, render_dashboard(copy), tmp_path / "chromium", "--dump-dom")
    svgs, _ = chart_counts(run.dom)
    assert "No data</b> — marts.support_budgets has no rows." in run.dom
    assert "No data</b> — marts.creator_pay_gap was not published in this run." in run.dom
    assert svgs[CHART_IDS["support_budgets"]] == 0 and svgs[CHART_IDS["creator_pay_gap"]] == 0
    assert svgs[CHART_IDS["digital_deficit_annual"]] >= 2 and svgs[CHART_IDS["content_exports_vs_target"]] >= 2
    assert run.console == []


def test_article_text_is_escaped() -> None:
    """A sentence is article text: whatever it holds is shown as text, never run as markup."""
    claims = pl.DataFrame(
        {
            "article_id": ["a"],
            "figure_index": [0],
            "surface": ["<b>1兆円</b>"],
            "sentence": ["<script>alert('x')</script> & <img src=x onerror=alert(1)>"],
            "verdict": ["differs"],
            "reason": ["r <i>"],
            "is_sample": [False],
        }
    )
    page = build_page(PageData({"generated_at": "now", "is_sample": False, "tables": {}}, {"claims_check": claims}), "")
    assert "<script>alert" not in page and "<img src=x" not in page and "<b>1兆円" not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;" in page
    assert "sample-banner" not in page  # nothing flagged sample: no banner
    assert page.count("<b>No data</b>") == len(CHART_IDS) + 2  # every chart, freshness and the table list


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
