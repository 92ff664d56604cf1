"""The SDMX adapter reads a body with the catalog entry's options, plans the provider's query forms,
and answers an HTTP 404 to a data query as "no records"."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from catalog import load_catalog
from catalog.loader import Source
from transforms.adapters import Parsed, Request, ResponseInfo, adapter_for
from transforms.adapters.base import query_of

FIXTURES = Path(__file__).resolve().parent.parent.parent / "fixtures" / "sdmx"
ADAPTER = adapter_for("sdmx_csv")
#: the catalog's own Eurostat entry: the adapter is tested with the options the pipeline passes it
EUROSTAT = load_catalog().sources["eurostat"]
INFO = ResponseInfo("https://example.invalid/data", "application/vnd.sdmx.data+csv", dt.datetime(2026, 1, 1))


def requests() -> dict[str, Request]:
    return {r.step: r for r in ADAPTER.plan(EUROSTAT, load_catalog())}


def test_plan_uses_the_entry_s_query_forms() -> None:
    planned = requests()
    assert planned["structure"].url == (
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/dataflow/ESTAT/BOP_ITS6_DET/1.0?references=descendants"
    )
    assert planned["data"].url == (
        "https://ec.europa.eu/eurostat/api/dissemination/sdmx/2.1/data/ESTAT,BOP_ITS6_DET,1.0/"
        "A.MIO_EUR.SI+SH.CRE+DEB.JP.EU27_2020?startPeriod=2014&format=SDMX-CSV"
    )


def test_the_oecd_entry_keeps_its_default_query() -> None:
    catalog = load_catalog()
    data = next(r for r in ADAPTER.plan(catalog.sources["oecd"], catalog) if r.step == "data")
    assert query_of(data.url) == {"startPeriod": "2014", "dimensionAtObservation": "AllDimensions",
                                  "format": "csvfilewithlabels"}


def test_parse_reads_the_body_with_the_entry_s_options() -> None:
    body = (FIXTURES / "eurostat_bop_its6_det_sdmx_csv10.csv").read_bytes()
    parsed = ADAPTER.parse(body, requests()["data"], EUROSTAT, load_catalog(), INFO)
    assert parsed.observations.select("area", "counterpart_area").row(0) == ("EU27_2020", "JPN")
    assert ADAPTER.vintage(parsed) == dt.date(2025, 12, 18)  # the newest LAST UPDATE of the answer


def test_a_no_records_body_gives_its_note() -> None:
    parsed = ADAPTER.parse(b"NoRecordsFound", requests()["data"], EUROSTAT, load_catalog(), INFO)
    assert parsed.observations.height == 0
    assert parsed.notes and parsed.notes[0].startswith("no records")


@pytest.mark.parametrize(
    ("step", "status", "answered"), [("data", 404, True), ("structure", 404, False), ("data", 500, False),
                                     ("data", 400, False)],
)
def test_only_a_404_to_a_data_query_is_an_answer(step: str, status: int, answered: bool) -> None:
    answer = ADAPTER.answer_to_status(requests()[step], status)
    if answered:
        assert isinstance(answer, Parsed) and answer.observations.height == 0 and answer.next_page is None
        assert answer.notes == (f"no records: HTTP 404 to {requests()['data'].label} "
                                "(SDMX REST: the query matched no data)",)
    else:
        assert answer is None


@pytest.mark.parametrize(
    ("option", "value", "fragment"),
    [("area_codes", "iso", "area_codes"), ("series_dims", "freq", "series_dims"), ("data_params", "format=x",
     "data_params")],
)
def test_check_names_a_malformed_option(option: str, value: object, fragment: str) -> None:
    source = Source(EUROSTAT.id, EUROSTAT.name, EUROSTAT.kind, {**EUROSTAT.options, option: value})
    with pytest.raises(ValueError, match=fragment):
        ADAPTER.check(source)
