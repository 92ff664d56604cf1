"""Article pages: main text without boilerplate, decoding without a declared charset, language."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transforms.errors import PayloadError
from transforms.html_article import ArticleDoc, detect_language, extract_article

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGES = FIXTURES / "articles"
SEED = FIXTURES / "seed" / "takaichi-ai-anime-fr.txt"
BOILERPLATE_FR = ("Mentions légales", "S'abonner", "cookies", "À lire aussi", "Tous droits réservés", "Accueil")


@pytest.mark.parametrize("content_type", ["text/html; charset=utf-8", "text/html", None])
def test_french_page_main_text_title_date_and_language(content_type: str | None) -> None:
    doc = extract_article((PAGES / "seed_page_fr.html").read_bytes(), content_type, url="https://mieruka.invalid/a")
    assert isinstance(doc, ArticleDoc)
    assert doc.title is not None and doc.title.startswith("Les ambitions économiques de Sanae Takaichi")
    assert "| Le Quotidien" not in doc.title
    assert "déficit numérique estimée à 45兆円" in doc.text
    assert "pourrait atteindre 45兆円" in doc.text  # the last paragraphs are kept too (favor_recall)
    assert not [b for b in BOILERPLATE_FR if b in doc.text]
    assert doc.published == date(2025, 12, 20)
    assert doc.language == "fr"


def test_shift_jis_page_without_any_charset_declaration() -> None:
    body = (PAGES / "seed_page_ja.sjis.html").read_bytes()
    assert b"charset" not in body.lower()
    with pytest.raises(UnicodeDecodeError):
        body.decode("utf-8")
    doc = extract_article(body, "text/html")
    assert "2035年までにデジタル赤字が45兆円に拡大する" in doc.text
    assert "日本アニメーター・演出協会（JAniCA）" in doc.text
    assert doc.title == "高市首相、AIに5年で1兆円 アニメなどの海外展開に550億円"
    assert "ログイン" not in doc.text and "プライバシーポリシー" not in doc.text
    assert doc.published == date(2025, 12, 20)
    assert doc.language == "ja"


def test_a_wrong_header_charset_does_not_win_over_the_bytes() -> None:
    body = (PAGES / "seed_page_ja.sjis.html").read_bytes()
    doc = extract_article(body, "text/html; charset=utf-8")
    assert "デジタル赤字が45兆円" in doc.text


def test_euc_jp_page_by_meta_charset_and_by_detection() -> None:
    body = (PAGES / "content_sales_ja.eucjp.html").read_bytes()
    assert b"charset=EUC-JP" in body
    stripped = re.sub(rb"<meta http-equiv[^>]*>", b"", body)
    assert b"charset" not in stripped.lower()
    for page in (body, stripped):
        doc = extract_article(page, None)
        assert "日本のコンテンツの海外売上高は2023年に5兆7769億円となり" in doc.text
        assert doc.title == "コンテンツ海外売上高、2023年は5.8兆円 韓国は支援予算を拡大"
        assert doc.published == date(2024, 11, 6)
        assert doc.language == "ja"


def test_big5_and_gb18030_pages_without_declaration() -> None:
    trad = (
        "<html><body><article><p>南韓的內容產業支援預算為762億日圓，中國為1238億日圓，美國為6176億日圓。"
        "政府表示將持續擴大支持動畫與遊戲產業的海外發展。</p></article></body></html>"
    )
    simp = (
        "<html><body><article><p>韩国的内容产业支持预算为762亿日元，中国为1238亿日元，美国为6176亿日元。"
        "政府表示将继续扩大对动画和游戏产业海外发展的支持。</p></article></body></html>"
    )
    for page, codec in ((trad, "big5"), (simp, "gb18030")):
        doc = extract_article(page.encode(codec), "text/html")
        assert "762億日圓" in doc.text or "762亿日元" in doc.text, codec
        assert doc.language == "zh"


def test_plain_text_goes_through_decode_text() -> None:
    doc = extract_article(SEED.read_bytes(), "text/plain; charset=utf-8")
    assert doc.title is not None and doc.title.startswith("Les ambitions économiques de Sanae Takaichi")
    assert "196,6 万円 (environ 40 000 TWD)" in doc.text
    assert doc.published is None and doc.language == "fr"
    with pytest.raises(PayloadError, match="not valid utf-8"):
        extract_article("デジタル赤字は45兆円".encode("shift_jis"), "text/plain", source="seedsite")


@pytest.mark.parametrize(
    ("body", "content_type", "reason"),
    [
        (b"<html><body><nav><a href='/'>Home</a></nav></body></html>", "text/html", "no article text"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png", "not text"),
        (b"   \n\t ", "text/plain", "no text"),
        (b"<html>\x00\x01\x02\x00\xff\xfe\xfa</html>\x00", "text/html", "binary"),
    ],
)
def test_no_text_is_a_payload_error(body: bytes, content_type: str, reason: str) -> None:
    with pytest.raises(PayloadError, match=reason) as info:
        extract_article(body, content_type, source="seedsite")
    assert info.value.source == "seedsite"


@pytest.mark.parametrize(
    ("text", "lang"),
    [
        ("The government announced a one trillion yen investment in artificial intelligence.", "en"),
        ("Le gouvernement a annoncé un investissement d'un trillion de yens dans l'intelligence artificielle.", "fr"),
        ("Die Regierung kündigte eine Investition von einer Billion Yen in künstliche Intelligenz an.", "de"),
        ("政府は人工知能の開発に5年間で1兆円を投資すると発表した。", "ja"),
        ("政府宣布将在五年内投资一万亿日元发展人工智能产业。", "zh"),
        ("政府宣佈將在五年內投資一兆日圓發展人工智慧產業。", "zh"),
    ],
)
def test_detect_language(text: str, lang: str) -> None:
    assert detect_language(text) == lang


def test_too_little_text_has_no_language() -> None:
    assert detect_language("") is None
    assert detect_language("1兆円 (2025)") is None
    assert detect_language("Bonjour à tous") is None  # 12 letters
    assert detect_language("12345 67890 !!! ??? 2024-12-19") is None


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(
        st.binary(max_size=600),
        st.text(max_size=300).map(lambda s: f"<html><body><p>{s}</p></body></html>".encode("utf-8", "surrogatepass")),
    ),
    st.sampled_from([None, "text/html", "text/plain", "text/html; charset=shift_jis", "text/plain; charset=bogus"]),
)
def test_any_bytes_give_an_article_or_a_payload_error(body: bytes, content_type: str | None) -> None:
    try:
        doc = extract_article(body, content_type)
    except PayloadError:
        return
    assert isinstance(doc, ArticleDoc) and doc.text.strip()
    assert doc.language is None or doc.language in ("en", "fr", "de", "ja", "zh")
