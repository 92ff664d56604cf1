"""SDMX REST providers (OECD, Eurostat, ...): SDMX-CSV data plus the SDMX-ML structure, kind ``sdmx_csv``.

Requests: the dataflow's structure (``references=all`` by default, ``structure_references`` to change
it: the codelists that name every code, kept with the data), then the data for the entry's ``key`` as
SDMX-CSV from ``start_period``, with the query parameters ``data_params`` (default
``dimensionAtObservation=AllDimensions&format=<format>``, OECD ``csvfilewithlabels``). No paging.
A new provider of this kind is a catalog entry (``base_url``, ``dataflow``, ``structure``, ``key``,
and the provider's column options, passed to `parse_sdmx_csv`: ``series_dims``, ``area_dimension``,
``partner_dimension``, ``status_column``, ``vintage_column``, ``area_codes``) plus its recording.

"No records": an HTTP 404 to a data query is the SDMX REST specification's answer for a query that
matched no data (sdmx-twg/sdmx-rest, v2_1 ws/rest/docs/4_7_errors.md: "404 — If the result from the
query is empty"; the ECB documents 404 "No results found", and Eurostat lists its fault 100 "No results
found" with HTTP 404, as quoted in rOpenGov/eurostat#261), so
`answer_to_status` turns it into an empty result with a note. A 404 to the structure query is not
answered: the dataflow must exist, which also keeps a mistyped dataflow from passing as "no data".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar
from xml.sax.saxutils import escape, quoteattr

from transforms.adapters.base import Parsed, Request, ResponseInfo, SampleBody, SourceAdapter, with_query
from transforms.sdmx import SdmxOptions, parse_sdmx_codelist, parse_sdmx_csv

if TYPE_CHECKING:
    from catalog.loader import Catalog, Source

STRUCTURE_TYPE = "application/vnd.sdmx.structure+xml; version=2.1"
DATA_TYPE = "application/vnd.sdmx.data+csv; charset=utf-8"
_NS = 'xmlns:{0}="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/{0}"'


class SdmxAdapter(SourceAdapter):
    kind: ClassVar[str] = "sdmx_csv"

    def check(self, source: Source) -> None:
        missing = [k for k in ("base_url", "dataflow", "structure", "key") if not source.options.get(k)]
        if missing:
            raise ValueError(f"needs {', '.join(missing)}")
        SdmxOptions.of(source.options)
        if not isinstance(source.options.get("data_params", {}), Mapping):
            raise ValueError("data_params must be a mapping of query parameters")

    def plan(self, source: Source, catalog: Catalog) -> list[Request]:
        opts = source.options
        references = str(opts.get("structure_references", "all"))
        structure = with_query(f"{source.base_url}/dataflow/{opts['structure']}", {"references": references})
        extra = opts.get("data_params") or {
            "dimensionAtObservation": "AllDimensions",
            "format": str(opts.get("format", "csvfilewithlabels")),
        }
        params = {"startPeriod": str(opts.get("start_period", "2014")), **{k: str(v) for k, v in extra.items()}}
        data = with_query(f"{source.base_url}/data/{opts['dataflow']}/{opts['key']}", params)
        return [
            Request(source.id, structure, "structure (codelists)", step="structure"),
            Request(source.id, data, str(opts["key"]), step="data"),
        ]

    def parse(self, body: bytes, request: Request, source: Source, catalog: Catalog, info: ResponseInfo) -> Parsed:
        if request.step == "structure":
            return Parsed(tables={"codelists": parse_sdmx_codelist(body)})
        return Parsed.of(parse_sdmx_csv(body, source.options))

    def answer_to_status(self, request: Request, status: int) -> Parsed | None:
        """HTTP 404 to a data query: no records (see the module docstring); nothing else is an answer."""
        if request.step != "data" or status != 404:
            return None
        return Parsed(notes=(f"no records: HTTP 404 to {request.label} (SDMX REST: the query matched no data)",))

    def render_sample(
        self, request: Request, source: Source, catalog: Catalog, data: Mapping[str, Any]
    ) -> SampleBody:
        """The structure message, or the data as SDMX-CSV (CRLF, as the providers write it).

        `data`: ``prepared`` (timestamp), ``dataflow_names`` (en, fr), ``codelists`` ([(id, agency,
        version, (name en, name fr), [(code, name en, name fr, parent)])]), ``header`` and ``rows``,
        and optionally ``content_type`` (the provider's data Content-Type).
        """
        if request.step == "structure":
            return SampleBody(_structure_message(source, data), STRUCTURE_TYPE, "structure")
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(data["header"])
        writer.writerows(data["rows"])
        return SampleBody(out.getvalue().encode(), str(data.get("content_type", DATA_TYPE)), "data")


def _names(pad: str, en: str, fr: str) -> list[str]:
    return [
        f'{pad}<common:Name xml:lang="en">{escape(en)}</common:Name>',
        f'{pad}<common:Name xml:lang="fr">{escape(fr)}</common:Name>',
    ]


def _structure_message(source: Source, data: Mapping[str, Any]) -> bytes:
    """An SDMX-ML 2.1 structure message: the dataflow and the codelists its series codes use."""
    agency, flow_id, version = str(source.options["structure"]).split("/")
    flow_urn = f"urn:sdmx:org.sdmx.infomodel.datastructure.Dataflow={agency}:{flow_id}({version})"
    dsd_id = flow_id.split("@", 1)[0]
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        f"<message:Structure {_NS.format('message')} {_NS.format('structure')} {_NS.format('common')}>",
        "  <message:Header>",
        f"    <message:ID>{escape(data['message_id'])}</message:ID>",
        "    <message:Test>false</message:Test>",
        f"    <message:Prepared>{escape(data['prepared'])}</message:Prepared>",
        f"    <message:Sender id={quoteattr(data['sender'])} />",
        "  </message:Header>",
        "  <message:Structures>",
        "    <structure:Dataflows>",
        f"      <structure:Dataflow id={quoteattr(flow_id)} agencyID={quoteattr(agency)} version={quoteattr(version)}"
        f' isFinal="false" urn={quoteattr(flow_urn)}>',
        *_names("        ", *data["dataflow_names"]),
        "        <structure:Structure>",
        f'          <Ref id="{dsd_id}" version="{version}" agencyID="{agency}" package="datastructure"'
        ' class="DataStructure" />',
        "        </structure:Structure>",
        "      </structure:Dataflow>",
        "    </structure:Dataflows>",
        "    <structure:Codelists>",
    ]
    for list_id, list_agency, list_version, (list_en, list_fr), codes in data["codelists"]:
        list_urn = f"urn:sdmx:org.sdmx.infomodel.codelist.Codelist={list_agency}:{list_id}({list_version})"
        lines.append(
            f'      <structure:Codelist id="{list_id}" agencyID="{list_agency}" version="{list_version}"'
            f' isFinal="false" urn="{list_urn}">'
        )
        lines += _names("        ", list_en, list_fr)
        for code, en, fr, parent in codes:
            code_urn = f"urn:sdmx:org.sdmx.infomodel.codelist.Code={list_agency}:{list_id}({list_version}).{code}"
            lines.append(f'        <structure:Code id="{code}" urn="{code_urn}">')
            lines += _names("          ", en, fr)
            if parent:
                lines += [
                    "          <structure:Parent>",
                    f'            <Ref id="{parent}" />',
                    "          </structure:Parent>",
                ]
            lines.append("        </structure:Code>")
        lines.append("      </structure:Codelist>")
    lines += ["    </structure:Codelists>", "  </message:Structures>", "</message:Structure>", ""]
    return "\n".join(lines).encode()


ADAPTER = SdmxAdapter()
