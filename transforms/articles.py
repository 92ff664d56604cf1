"""Article text: decoding and the repeated-body check (pages are read by `transforms.html_article`).

Pages often repeat their own body (the seed article prints it twice around a disclaimer); the
repetition is detected on whole lines and kept once, with the number of characters removed.
"""

from __future__ import annotations

from transforms.errors import PayloadError

MIN_REPEATED_LINES = 3  # fewer repeated lines than this are ordinary (headings, bylines)


def decode_text(body: bytes, content_type: str | None, source_id: str = "article") -> str:
    """Decode a text body: the declared charset, else UTF-8; undecodable bytes are an error."""
    charset = "utf-8"
    if content_type and "charset=" in content_type.lower():
        charset = content_type.lower().split("charset=", 1)[1].split(";")[0].strip().strip('"') or "utf-8"
    try:
        return body.decode(charset)
    except (LookupError, UnicodeDecodeError) as exc:
        raise PayloadError(source_id, f"body is not valid {charset} text: {exc}") from exc


def drop_repeated_body(text: str) -> tuple[str, int]:
    """Remove a later verbatim copy of the opening lines; return (text, characters removed).

    The copy must start with the first non-empty line and match at least `MIN_REPEATED_LINES`
    consecutive lines; everything it matches is removed, anything after it is kept.
    """
    lines = text.splitlines(keepends=True)
    stripped = [line.strip() for line in lines]
    first = next((i for i, s in enumerate(stripped) if s), None)
    if first is None:
        return text, 0
    for j in range(first + 1, len(lines)):
        if stripped[j] != stripped[first]:
            continue
        length = 0
        while j + length < len(lines) and first + length < j and stripped[first + length] == stripped[j + length]:
            length += 1
        if length >= MIN_REPEATED_LINES:
            kept = "".join(lines[:j] + lines[j + length :])
            return kept, len(text) - len(kept)
    return text, 0
