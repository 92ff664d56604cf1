"""SAMPLE values for the EU–Japan mirror: Eurostat bop_its6_det (the EU27's TCI and IP charges with
Japan, annual, € million) and the BOJ's quarterly regional series of Japan with the EU (億円), plus
the euro area's official exchange rate for the World Bank sample. Used by generate_samples.py.

No published figure of these items for the EU with Japan was found, so the values are plausible
magnitudes only. They are kept consistent three ways, and `check` stops the script if they are not:
- each BOJ value is the Eurostat mirror flow (Japan's credit = the EU's debit, Japan's debit = the
  EU's credit) converted at the sample's yen per euro (World Bank JPN rate / EMU rate, as the mart
  converts) times an asymmetry factor of 0.7–1.5 per year, as mirror statistics differ in practice;
- Japan's TCI with the EU stays under half of Japan's TCI with the world (item 907 of the monthly
  sample) in every quarter: TCI with the EU is part of 907;
- the EU's TCI plus IP flows with Japan stay under the EU's total services trade with Japan that
  Eurostat published for 2014 (EU28: exports €25.6 bn, imports €15.3 bn; `EU_JAPAN_2014`).
Deterministic: its own seeded RNG, so the other samples do not change.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable

EU_RNG_SEED = 20260211
EU_YEARS = range(2014, 2025)  # Eurostat annual 2014-2024 (2024 provisional)
BOJ_QUARTERS = [(y, q) for y in range(2014, 2026) for q in range(1, 5)][: 12 * 4 - 1]  # 2014Q1..2025Q3 (metadata)
EUROSTAT_LAST_UPDATE = "15/10/26 23:00:00"  # dd/mm/yy HH:MM:SS, as Eurostat writes LAST UPDATE
PROVISIONAL_YEAR = 2024

#: Euro area official rate, EUR per USD (World Bank PA.NUS.FCRF for EMU), 2014..2024: reciprocals of the
#: ECB's USD-per-EUR reference rate annual averages as recalled (1.3285, 1.1095, 1.1069, 1.1297, 1.1810,
#: 1.1195, 1.1422, 1.1827, 1.0530, 1.0813, 1.0824), to 4 decimals. SAMPLE, not World Bank data.
EUR_PER_USD = [0.7527, 0.9013, 0.9034, 0.8852, 0.8467, 0.8933, 0.8755, 0.8455, 0.9497, 0.9248, 0.9239]

EU_JAPAN_2014 = {
    "figure": "EU28 trade in services with Japan, 2014: exports €25.6 bn, imports €15.3 bn (all services)",
    "url": "https://finchannel.com/almost-a-third-of-eu-trade-in-services-with-the-united-states-in-2014/45408/business-2/2015/06/",
    "reported_as": "Eurostat news release of 11 June 2015, as reported by The FINANCIAL",
    "exports_eur": 25.6e9,
    "imports_eur": 15.3e9,
}

#: (item, flow) → annual anchors, € million (geometric in between, then noise).
EUROSTAT_ANCHORS: dict[tuple[str, str], dict[int, float]] = {
    ("SI", "CRE"): {2014: 2050, 2019: 2900, 2024: 3650},  # EU exports of TCI to Japan
    ("SI", "DEB"): {2014: 820, 2019: 1010, 2024: 1240},
    ("SH", "CRE"): {2014: 2580, 2019: 3350, 2024: 4150},  # EU receipts of IP charges from Japan
    ("SH", "DEB"): {2014: 3150, 2019: 3900, 2024: 4480},
}
#: BOJ series → (Eurostat mirror, asymmetry factor around which the yearly factors scatter).
BOJ_MIRROR: dict[str, tuple[tuple[str, str], float]] = {
    "BPBP6QSCEU96": (("SI", "DEB"), 1.08),  # Japan's TCI receipts from the EU vs the EU's payments to Japan
    "BPBP6QSDEU96": (("SI", "CRE"), 0.86),
    "BPBP6QSCEU95": (("SH", "DEB"), 1.22),
    "BPBP6QSDEU95": (("SH", "CRE"), 0.91),
}
QUARTER_SEASON = {"96": [-0.02, 0.01, -0.01, 0.02], "95": [0.05, -0.02, -0.01, -0.02]}


def jpy_per_eur(jpy_per_usd: list[float]) -> list[float]:
    """Yen per euro by year, through USD, from the two World Bank sample rates (as the mart converts)."""
    return [j / e for j, e in zip(jpy_per_usd, EUR_PER_USD, strict=True)]


def eurostat_values(rng: random.Random) -> dict[tuple[str, str], list[float]]:
    """€ million, one decimal, 2014..2024."""
    out = {}
    for key, anchors in EUROSTAT_ANCHORS.items():
        years = sorted(anchors)
        values = []
        for y in EU_YEARS:
            a = max(k for k in years if k <= y)
            b = min(k for k in years if k >= y)
            v = anchors[a] if a == b else anchors[a] * (anchors[b] / anchors[a]) ** ((y - a) / (b - a))
            values.append(round(v * (1 + rng.gauss(0, 0.03)), 1))
        out[key] = values
    return out


def _split(total: int, weights: list[float]) -> list[int]:
    """Integers proportional to `weights` summing to `total` exactly (largest remainder)."""
    raw = [total * w / sum(weights) for w in weights]
    parts = [math.floor(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: raw[i] - parts[i], reverse=True)[: total - sum(parts)]:
        parts[i] += 1
    return parts


def boj_values(
    rng: random.Random, eurostat: dict[tuple[str, str], list[float]], yen_per_euro: list[float]
) -> tuple[dict[str, list[float]], dict[str, list[float]]]:
    """(quarterly values in 億円 with one decimal, 2014Q1..2025Q3, by series; yearly factors by series)."""
    values, factors = {}, {}
    for code, (mirror, base) in BOJ_MIRROR.items():
        yearly = [base * (1 + rng.gauss(0, 0.05)) for _ in EU_YEARS]
        tenths = [
            round(eurostat[mirror][i] * 1e6 * yen_per_euro[i] * yearly[i] / 1e8 * 10) for i in range(len(EU_YEARS))
        ]
        tenths.append(round(tenths[-1] * 1.04))  # 2025, of which Q1-Q3 are published
        quarters: list[int] = []
        for annual in tenths:
            season = QUARTER_SEASON[code[-2:]]
            quarters += _split(annual, [1 + s + rng.gauss(0, 0.03) for s in season])
        values[code] = [q / 10 for q in quarters[: len(BOJ_QUARTERS)]]
        factors[code] = yearly
    return values, factors


def boj_dates() -> list[int]:
    """SURVEY_DATES of a quarterly BOJ series: YYYYQQ (202401 = 2024 Q1), sources.md §1.2."""
    return [y * 100 + q for y, q in BOJ_QUARTERS]


def check(
    eurostat: dict[tuple[str, str], list[float]],
    boj: dict[str, list[float]],
    yen_per_euro: list[float],
    tci_world: Callable[[str, int, int], float],
    require: Callable[[bool, str], None],
) -> None:
    """Fail the script when the EU samples break the relations in the module docstring.

    `tci_world(side, year, quarter)`: Japan's TCI (907) credit ``C`` or debit ``D`` with the world in
    a quarter, 億円, from the monthly sample.
    """
    for code, (mirror, _) in BOJ_MIRROR.items():
        for i, year in enumerate(EU_YEARS):
            annual = sum(boj[code][4 * i : 4 * i + 4]) * 1e8
            ratio = annual / (eurostat[mirror][i] * 1e6 * yen_per_euro[i])
            require(0.7 <= ratio <= 1.5, f"{code} {year} mirror ratio {ratio:.2f}")
    for code, side in (("BPBP6QSCEU96", "C"), ("BPBP6QSDEU96", "D")):
        for (year, quarter), value in zip(BOJ_QUARTERS, boj[code], strict=True):
            require(0 < value < 0.5 * tci_world(side, year, quarter), f"{code} {year}Q{quarter} vs 907")
    first = EU_YEARS.index(2014)
    exports = sum(eurostat[(item, "CRE")][first] for item in ("SI", "SH")) * 1e6
    imports = sum(eurostat[(item, "DEB")][first] for item in ("SI", "SH")) * 1e6
    require(exports < EU_JAPAN_2014["exports_eur"] and imports < EU_JAPAN_2014["imports_eur"], "EU 2014 bound")


# --- Eurostat's answer: SDMX-CSV 1.0 and the structure message ---------------------------------------

EUROSTAT_HEADER = [
    "DATAFLOW", "LAST UPDATE", "freq", "currency", "bop_item", "stk_flow", "partner", "geo", "TIME_PERIOD",
    "OBS_VALUE", "OBS_FLAG", "CONF_STATUS",
]  # fmt: skip
EUROSTAT_DATA_TYPE = "application/vnd.sdmx.data+csv;version=1.0.0"
EUROSTAT_NAMES = ("International trade in services (since 2010) (BPM6)",
                  "Échanges internationaux de services (depuis 2010) (MBP6)")
# (id, agency, version, (name en, name fr), [(code, name en, name fr, parent)]). GEO names both the reporter
# and the partner (the BOP DSD uses one area list for both). Ids, versions and labels plausible, not verified.
EUROSTAT_CODELISTS = [
    ("FREQ", "ESTAT", "1.0", ("Time frequency", "Fréquence (temps)"), [("A", "Annual", "Annuel", None)]),
    ("CURRENCY", "ESTAT", "1.0", ("Currency", "Monnaie"), [("MIO_EUR", "Million euro", "Millions d'euros", None)]),
    ("BOP_ITEM", "ESTAT", "1.0", ("BOP_item", "Poste de la BDP"), [
        ("S", "Services", "Services", None),
        ("SH", "Services: Charges for the use of intellectual property n.i.e.",
         "Services : frais pour usage de la propriété intellectuelle n.c.a.", "S"),
        ("SI", "Services: Telecommunications, computer, and information services",
         "Services : services de télécommunications, d'informatique et d'information", "S"),
    ]),
    ("STK_FLOW", "ESTAT", "1.0", ("Stock or flow", "Stock ou flux"), [
        ("CRE", "Credit", "Crédit", None), ("DEB", "Debit", "Débit", None),
    ]),
    ("GEO", "ESTAT", "1.0", ("Geopolitical entity", "Entité géopolitique"), [
        ("EU27_2020", "European Union - 27 countries (from 2020)", "Union européenne - 27 pays (à partir de 2020)",
         None),
        ("JP", "Japan", "Japon", None),
    ]),
    ("OBS_FLAG", "ESTAT", "1.0", ("Observation status (Flag)", "Statut d'observation (drapeau)"), [
        ("p", "provisional", "provisoire", None),
    ]),
]  # fmt: skip


def eurostat_rows(dataflow: str, eurostat: dict[tuple[str, str], list[float]]) -> list[list[str]]:
    """SDMX-CSV rows as Eurostat orders them: by the key's dimensions, then by period."""
    agency, flow_id, version = dataflow.split(",")
    return [
        [f"{agency}:{flow_id}({version})", EUROSTAT_LAST_UPDATE, "A", "MIO_EUR", item, flow, "JP", "EU27_2020",
         str(year), f"{eurostat[(item, flow)][i]:.1f}", "p" if year == PROVISIONAL_YEAR else "", ""]
        for item in ("SH", "SI")
        for flow in ("CRE", "DEB")
        for i, year in enumerate(EU_YEARS)
    ]  # fmt: skip


def origins(generator: str, seed: int) -> dict[str, str]:
    """PROVENANCE origins of the EU samples, by part."""
    bound = f"{EU_JAPAN_2014['figure']} ({EU_JAPAN_2014['reported_as']}, {EU_JAPAN_2014['url']})"
    return {
        "eurostat_structure": (
            f"{generator}; SAMPLE: an SDMX-ML 2.1 structure message (dataflow ESTAT:BOP_ITS6_DET(1.0), "
            "references=descendants) trimmed to the codelists of the requested key (FREQ, CURRENCY, BOP_ITEM, "
            "STK_FLOW, GEO for the reporter and the partner, OBS_FLAG); codelist ids, versions and labels are "
            "plausible, not verified against Eurostat's registry"
        ),
        "eurostat_data": (
            f"{generator}; SAMPLE: SDMX-CSV 1.0 in the layout Eurostat's SDMX 2.1 API writes for "
            "format=SDMX-CSV (DATAFLOW, LAST UPDATE dd/mm/yy HH:MM:SS, lower-case dimension ids in the "
            "dataflow's key order freq.currency.bop_item.stk_flow.partner.geo, TIME_PERIOD, OBS_VALUE, "
            "OBS_FLAG, CONF_STATUS; as live captures quoted in public code show it), EU27_2020 with JP, SI and "
            "SH, credit and debit, 2014-2024, € million, 2024 flagged p; values are plausible magnitudes only "
            f"(seeded RNG {seed}; no published item-level EU-Japan figure found), kept below the published "
            f"total: {bound}; content type as public client tests give it, not verified"
        ),
        "boj_quarterly": (
            f"{generator}; SAMPLE: getDataCode for the BOJ's quarterly regional series of Japan with the EU "
            "(BPBP6QS{C|D}EU{95|96}: IP charges and TCI, credit and debit; 100 million yen; SURVEY_DATES "
            "YYYYQQ, 2014Q1-2025Q3 as the metadata's end_of_time_series 202503 says) in the real JSON shape; "
            "values are the Eurostat sample's mirror flow (Japan's credit = the EU's debit and vice versa) at "
            "the sample's yen per euro (World Bank JPN rate / EMU rate) times a yearly asymmetry factor "
            "(means 1.08, 0.86, 1.22 and 0.91, scattered by 5 %), split into quarters; plausible magnitudes "
            "only; TCI with the EU stays under half of item 907 with the world in every quarter; names, units "
            "and LAST_UPDATE from catalog/reference/BP01.parquet"
        ),
        "emu_rate": "; EMU = 1 / the ECB's USD-per-EUR reference rate, annual average, as recalled (4 decimals)",
    }
