"""Article text: decoding, the repeated-body check, the stored row."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from transforms.articles import decode_text, drop_repeated_body
from transforms.errors import PayloadError
from transforms.html_article import extract_article

SEED = Path(__file__).resolve().parent.parent / "fixtures" / "seed" / "takaichi-ai-anime-fr.txt"


def test_seed_article_body_is_kept_once() -> None:
    raw = SEED.read_bytes().decode("utf-8")
    doc = extract_article(SEED.read_bytes(), "text/plain; charset=utf-8")
    text, removed = drop_repeated_body(doc.text)
    assert raw.count("Le Premier ministre japonais") == 2
    assert text.count("Le Premier ministre japonais") == 1
    assert text.count("Que ce soit l’investissement de 1兆円") == 1
    assert "Voir l'original" in text  # the lines between the copies stay
    assert removed == len(doc.text) - len(text) > 8000
    assert doc.title.startswith("Les ambitions économiques de Sanae Takaichi") and doc.language == "fr"


def test_text_without_repetition_is_unchanged() -> None:
    text = "Title\nLine one\nLine two\nTitle\nsomething else\n"
    assert drop_repeated_body(text) == (text, 0)


@given(st.lists(st.text(alphabet="abc \n", max_size=8), max_size=12))
def test_dropping_a_repetition_never_adds_text(lines: list[str]) -> None:
    text = "\n".join(lines)
    kept, removed = drop_repeated_body(text)
    assert len(kept) + removed == len(text) and removed >= 0


def test_wrong_encoding_is_a_payload_error() -> None:
    body = "価格は１兆円".encode("shift_jis")
    with pytest.raises(PayloadError, match="not valid utf-8"):
        decode_text(body, "text/html")
    assert decode_text(body, "text/html; charset=Shift_JIS") == "価格は１兆円"
