"""Properties of `transforms.figures` for any input of a family: amounts in words read back to their
value in every language, no figure overlaps a URL, and the figure cap keeps the first figures and says
what it left (issue #13, item 11)."""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from num2words import num2words

from transforms.figures import extract_figures, read_figures

# --------------------------------------------------------------------------------------------------
# Amounts written in words
# --------------------------------------------------------------------------------------------------

_ZH_DIGITS = "零一二三四五六七八九"


def _zh_below_10000(n: int, leading: bool) -> str:
    """0 < n < 10000 in Chinese numerals, with 零 for inner zeros (一千零五) and 十 for 10–19 at the start."""
    out = []
    zero = False
    for unit, div in (("千", 1000), ("百", 100), ("十", 10), ("", 1)):
        d = n // div % 10
        if d == 0:
            zero = bool(out)
            continue
        if zero:
            out.append("零")
            zero = False
        if unit == "十" and d == 1 and leading and not out:
            out.append("十")
        else:
            out.append(_ZH_DIGITS[d] + unit)
    return "".join(out)


def _zh(n: int) -> str:
    """An independent renderer of Chinese numerals (num2words has none): 43250000 → 四千三百二十五万."""
    parts = []
    for big, div in (("亿", 10**8), ("万", 10**4), ("", 1)):
        group = n // div % 10**4
        if group:
            if parts and group < 1000:
                parts.append("零")
            parts.append(_zh_below_10000(group, leading=not parts) + big)
    return "".join(parts)


#: (language, how to write n in words, the sentence around it, the unit it must read as)
WORDS = {
    "en": (lambda n: num2words(n, lang="en"), "The ministry said it will spend {} dollars on it.", "USD"),
    "fr": (lambda n: num2words(n, lang="fr"), "Le ministère versera {} euros aux studios.", "EUR"),
    "de": (lambda n: num2words(n, lang="de"), "Das Ministerium zahlt {} Euro an die Studios.", "EUR"),
    "ja": (lambda n: num2words(n, lang="ja"), "政府は{}円を支出する。", "JPY"),
    "zh": (_zh, "政府将拨款{}美元。", "USD"),
}

_AMOUNTS = st.one_of(
    st.integers(min_value=1, max_value=999),
    st.integers(min_value=1, max_value=999_999),
    st.integers(min_value=1, max_value=999_999_999_999),
    st.builds(lambda a, e: a * 10**e, st.integers(min_value=1, max_value=999), st.integers(min_value=3, max_value=9)),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lang=st.sampled_from(sorted(WORDS)), n=_AMOUNTS)
def test_an_amount_in_words_reads_back_to_its_value(lang: str, n: int) -> None:
    render, sentence, unit = WORDS[lang]
    words = render(n)
    text = sentence.format(words)
    rows = list(extract_figures(text, lang).iter_rows(named=True))
    assert len(rows) == 1, (text, rows)
    row = rows[0]
    assert row["value"] == n, (text, row)
    assert row["unit"] == unit
    assert words in row["surface"] or words.lower() in row["surface"].lower()
    assert text[row["start"] : row["end"]] == row["surface"]


def test_the_chinese_renderer_is_right() -> None:
    """The test's own renderer, checked on known spellings (it is the oracle for zh)."""
    assert [_zh(n) for n in (10, 15, 105, 1005, 10500, 43250000, 100000001)] == [
        "十", "十五", "一百零五", "一千零五", "一万零五百", "四千三百二十五万", "一亿零一",
    ]


# --------------------------------------------------------------------------------------------------
# No figure inside a URL
# --------------------------------------------------------------------------------------------------

_SEGMENT = st.text(alphabet=st.sampled_from(list("abcxyz0123456789-_.")), min_size=1, max_size=8)
_PCT = st.sampled_from(["%20", "%2C", "%25", "%E3%81%82", "%24", "50%25", "%C2%A5"])
_VALUE = st.one_of(_SEGMENT, _PCT, st.sampled_from(["$5", "5%", "100yen", "3bn", "1,000", "2024", "€7"]))


@st.composite
def urls(draw: st.DrawFn) -> str:
    scheme = draw(st.sampled_from(["https://", "http://", "www.", "https://www."]))
    host = draw(st.sampled_from(["example.com", "meti.go.jp", "stats.gov.cn", "insee.fr", "destatis.de"]))
    n_segments = draw(st.integers(0, 4))
    path = "".join("/" + draw(_SEGMENT) + draw(st.sampled_from(["", "%20", "%2C1", "50%"])) for _ in range(n_segments))
    query = ""
    if draw(st.booleans()):
        pairs = [f"{draw(_SEGMENT)}={draw(_VALUE)}" for _ in range(draw(st.integers(1, 4)))]
        query = "?" + "&".join(pairs)
    return f"{scheme}{host}{path}{query}"


_AROUND = {
    "en": ("Growth was 5% in 2024. See {} for the rest; costs rose 3%.", ["5%", "3%"]),
    "fr": ("La hausse atteint 12 %. Voir {} : le budget est de 4 milliards d'euros.", ["12 %", "4 milliards d'euros"]),
    "de": ("Der Umsatz stieg um 7 Prozent. Quelle: {} (1,2 Mrd. Euro).", ["7 Prozent", "1,2 Mrd. Euro"]),
    "ja": ("売上は5%増えた。詳細は{} を参照。予算は3億円。", ["5%", "3億円"]),
    "zh": ("利润增长8%。详见{} 。预算为5亿元。", ["8%", "5亿元"]),
}


@settings(max_examples=200, deadline=None)
@given(url=urls(), lang=st.sampled_from(sorted(_AROUND)))
def test_no_figure_overlaps_a_url(url: str, lang: str) -> None:
    template, figures = _AROUND[lang]
    text = template.format(url)
    a = text.index(url)
    b = a + len(url)
    rows = list(extract_figures(text, lang).iter_rows(named=True))
    for r in rows:
        assert r["end"] <= a or r["start"] >= b, (url, r["surface"])
    assert [r["surface"] for r in rows] == figures  # and the figures around it are all still read


@pytest.mark.parametrize(
    "text",
    [
        "mail yen.5%desk@example.co.jp or ops+2024@meti.go.jp about the 3% cut",
        "files: Q3_growth_15%_$2bn.xlsx and report-5%.pdf; the 3% cut",
        "paths /srv/data/2024/50%/ and C:\\Users\\yen\\5$\\ and ./tmp/7%/ hold the 3% cut",
        "code `price = 5 * 1.08 # 8% tax` and <span style=\"width:50%\">x</span>: the 3% cut",
    ],
    ids=["e-mail", "file-names", "paths", "code"],
)
def test_no_figure_in_addresses_file_names_paths_or_code(text: str) -> None:
    assert extract_figures(text, "en")["surface"].to_list() == ["3%"]


# --------------------------------------------------------------------------------------------------
# The figure cap (issue #13, item 11)
# --------------------------------------------------------------------------------------------------


def test_the_cap_keeps_the_first_figures_and_counts_the_rest() -> None:
    text = "約1万円、" * 5_000
    full = read_figures(text)
    assert full.frame.height == 5_000 and not full.truncated and full.overflow_reason is None
    capped = read_figures(text, max_figures=100)
    assert capped.frame.height == 100
    assert capped.frame.equals(full.frame.head(100))
    assert capped.truncated and capped.stopped_at == full.frame["start"][100]
    assert capped.candidates_beyond == 4_900
    reason = capped.overflow_reason
    assert reason is not None and "max_figures=100" in reason and "4900" in reason and str(capped.stopped_at) in reason


@settings(max_examples=60, deadline=None)
@given(
    parts=st.lists(
        st.sampled_from(
            ["5%", "1兆円", "約3億円", "$4bn", "12 euros 50", "seven million yen", "in 2024", "。", " ", "20–30 %"]
        ),
        max_size=40,
    ),
    cap=st.integers(min_value=0, max_value=12),
)
def test_a_capped_read_is_a_prefix_of_the_full_read(parts: list[str], cap: int) -> None:
    text = " ".join(parts)
    full = extract_figures(text, "en")
    result = read_figures(text, "en", max_figures=cap)
    assert result.frame.height <= cap
    assert result.frame.equals(full.head(result.frame.height))
    if full.height > cap:
        assert result.truncated and result.candidates_beyond >= 1
        assert all(s < result.stopped_at for s in result.frame["start"])
    else:
        assert not result.truncated and result.frame.equals(full)


def test_a_negative_cap_is_refused() -> None:
    with pytest.raises(ValueError, match="max_figures"):
        read_figures("5%", max_figures=-1)


def test_reading_does_not_see_percent_encoding_as_percent() -> None:
    assert re.search(r"%\d", "a%20b")  # the trap this guards against
    assert extract_figures("Visit https://x.org/a%20b%2050%25off?q=100%25 today.", "en").height == 0
