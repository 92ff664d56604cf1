"""The catalog loads, and every inconsistency fails naming the file and the entry."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from catalog import CatalogError, load_catalog
from catalog.loader import CATALOG_DIR
from transforms.adapters import Parsed, adapter_for
from transforms.adapters.boj import MAX_CODES as BOJ_MAX_CODES


def test_shipped_catalog_declares_the_sources_and_series_the_pipeline_needs() -> None:
    catalog = load_catalog()
    assert {"boj", "worldbank", "news"} <= set(catalog.sources)
    codes = {i.series_code for i in catalog.indicators_of("boj")}
    for item in ("907", "9071", "9072", "9073", "9062", "9082", "9081", "9091"):
        assert {f"BPBP6JYNS{flow}{item}" for flow in "CDN"} <= codes
    assert "FXERM07" in codes
    assert {i.series_code for i in catalog.indicators_of("worldbank")} == {
        "BX.GSR.CCIS.CD", "BM.GSR.NFSV.CD", "NY.GDP.MKTP.CD", "PA.NUS.FCRF"}
    assert "日本銀行" in catalog.sources["boj"].credit


def test_boj_requests_group_by_database_within_the_code_limit() -> None:
    catalog = load_catalog()
    adapter = adapter_for(catalog.sources["boj"].kind)
    requests = adapter.plan(catalog.sources["boj"], catalog)
    assert [r.label for r in requests] == [
        "BP01 (24 monthly series)", "BP01 (4 quarterly series)", "FM08 (1 monthly series)"
    ]
    for r in requests:
        codes = r.url.split("code=")[1].split("&")[0].split(",")
        assert len(codes) <= BOJ_MAX_CODES and "startDate=201401" in r.url
    following = adapter.next_request(requests[0], Parsed(next_page=3))
    assert following is not None and "startPosition=3" in following.url


def _catalog_copy(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG_DIR, target, ignore=shutil.ignore_patterns("*.py", "__pycache__", "reference"))
    return target


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda t: t.replace("    source: worldbank\n", "    source: wordbank\n", 1), "unknown source 'wordbank'"),
        (lambda t: t.replace("  - id: bop_services_907_debit", "  - id: bop_services_907_credit", 1),
         "duplicate id 'bop_services_907_credit'"),
        (lambda t: t.replace("    unit: JPY\n", "", 1), "missing unit"),
        (lambda t: t.replace("counterpart_area: EU27_2020", "counterpart_area: [EU27_2020]", 1),
         "counterpart_area must be an area code"),
    ],
    ids=["unknown-source", "duplicate-id", "missing-unit", "counterpart-not-a-code"],
)
def test_catalog_errors_name_the_file_and_entry(tmp_path: Path, edit, message: str) -> None:
    folder = _catalog_copy(tmp_path)
    path = folder / "indicators.yaml"
    path.write_text(edit(path.read_text()))
    with pytest.raises(CatalogError) as info:
        load_catalog(folder)
    assert message in str(info.value) and "indicators.yaml: entry" in str(info.value)


def test_unknown_source_kind_is_rejected(tmp_path: Path) -> None:
    folder = _catalog_copy(tmp_path)
    path = folder / "sources.yaml"
    path.write_text(path.read_text().replace("kind: worldbank_v2", "kind: worldbank_v9"))
    with pytest.raises(CatalogError, match=re.escape("sources.yaml: source 'worldbank': unknown kind 'worldbank_v9'")):
        load_catalog(folder)


def test_bilateral_indicators_state_their_counterpart_area() -> None:
    by_id = {i.id: i for i in load_catalog().indicators}
    assert by_id["boj_jpn_eu_tci_credit"].counterpart_area == "EU27_2020"  # the BOJ answer does not say it
    assert by_id["estat_eu_jpn_ip_debit"].counterpart_area == "JPN"  # the data's partner must agree
    assert by_id["bop_services_907_net"].counterpart_area is None  # the world, filled at conform
    assert "EMU" in by_id["wb_fx_lcu_per_usd"].areas


def test_the_eurostat_entry_reads_its_own_answer_with_its_options() -> None:
    catalog = load_catalog()
    source = catalog.sources["eurostat"]
    adapter = adapter_for(source.kind)
    data = next(r for r in adapter.plan(source, catalog) if r.step == "data")
    assert data.url.startswith(
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/ESTAT,BOP_ITS6_DET,1.0/"
        "A.MIO_EUR.SI+SH.CRE+DEB.JP.EU27_2020?"
    )
    declared = {i.series_code for i in catalog.indicators_of("eurostat")}
    assert declared == {"A.MIO_EUR.SI.CRE", "A.MIO_EUR.SI.DEB", "A.MIO_EUR.SH.CRE", "A.MIO_EUR.SH.DEB"}
