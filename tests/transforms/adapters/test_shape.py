"""Every source kind is one module of transforms/adapters with the same shape, and its sample
answers read back through its own parser (the generator relies on both)."""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil

import pytest

import transforms.adapters as adapters
from catalog import load_catalog
from transforms.adapters import ResponseInfo, SourceAdapter, adapter_for, kinds
from transforms.adapters.base import with_query_param

MODULES = sorted(m.name for m in pkgutil.iter_modules(adapters.__path__) if m.name != "base")


@pytest.mark.parametrize("name", MODULES)
def test_each_module_defines_one_registered_adapter(name: str) -> None:
    module = importlib.import_module(f"transforms.adapters.{name}")
    adapter = module.ADAPTER
    assert isinstance(adapter, SourceAdapter)
    assert adapter_for(adapter.kind) is adapter
    assert adapter.parser_id == f"{adapter.kind}@{adapter.version}"


def test_the_registry_holds_exactly_the_modules() -> None:
    assert kinds() == {importlib.import_module(f"transforms.adapters.{n}").ADAPTER.kind for n in MODULES}


def test_every_shipped_source_plans_requests_of_its_own_source() -> None:
    catalog = load_catalog()
    for source in catalog.sources.values():
        requests = adapter_for(source.kind).plan(source, catalog)
        assert requests, source.id
        assert {r.source_id for r in requests} == {source.id}


def test_paged_kinds_name_the_next_page_in_their_page_parameter() -> None:
    catalog = load_catalog()
    for source in catalog.sources.values():
        adapter = adapter_for(source.kind)
        first = adapter.plan(source, catalog)[0]
        following = adapter.next_request(first, adapters.Parsed(next_page=7))
        if adapter.page_param is None:
            assert following is None
        else:
            assert following is not None
            assert following.url == with_query_param(first.url, adapter.page_param, "7")


def test_a_boj_sample_answer_reads_back_to_its_values() -> None:
    catalog = load_catalog()
    source = catalog.sources["boj"]
    adapter = adapter_for(source.kind)
    request = next(r for r in adapter.plan(source, catalog) if "db=FM08" in r.url)
    meta = {"name_en": "USD/JPY", "unit_en": "Yen per U.S. Dollar", "frequency": "MONTHLY",
            "category_en": "FX", "last_update": "20251110"}
    data = {"reference": {"FXERM07": meta}, "dates": [202501, 202502], "values": {"FXERM07": [156.5, 152.1]},
            "stamp": "2025-11-10T09:00:00.000+09:00"}
    sample = adapter.render_sample(request, source, catalog, data)
    parsed = adapter.parse(sample.body, request, source, catalog, ResponseInfo(request.url, sample.content_type,
                                                                                  dt.datetime(2025, 11, 10)))
    assert parsed.observations["value"].to_list() == [156.5, 152.1]
    assert adapter.vintage(parsed) == dt.date(2025, 11, 10)
