"""Choose e-Stat categories by the names in a table's own CLASS_INF, never by hard-coded codes.

Why names: the codes of the Basic Survey on Wage Structure (00450091) change from table to table
and even inside one table. The same measure is ``tab=40`` in one table, ``tab=08`` in another, and
a table may list 所定内給与額 twice (``10`` and ``42``), each code carrying other cells or other
years. The position of a classification moves too: age is ``cat02`` in one table and ``cat04`` in
the next. The names stay. They are written in several forms, though: full-width letters and digits
with a code prefix (``Ｔ１ 産業計``; the 2020 tables also have ``Ｔ２ 産業計``), full-width
brackets and tildes (``企業規模計（10人以上）``, ``20～24歳``), full-width commas
(``美術家，写真家，映像撮影者``) and, in other surveys, prefixes glued to the name
(``B22美術家,デザイナー,…``).

How a wanted name is compared (`name_key`, `bare_key`):

1. NFKC, then the wave dash 〜 (U+301C) and the minus sign − (U+2212), which NFKC leaves alone,
   are folded to ``~`` and ``-``; all whitespace is dropped. ``企業規模計(10人以上)`` equals
   ``企業規模計（10人以上）``.
2. When no item has that full name: both sides again without a leading code
   (``T1 ``, ``D ``, ``1221 ``, ``(1) ``, or an uppercase letter and digits glued to a non-ASCII
   name). ``産業計`` then finds ``Ｔ１ 産業計``.

The first stage that finds anything decides. Items with the same name and the same parent are one
item listed more than once: all their codes are kept (the request asks for all and the rows
of each map to the same indicator). Different names, or the same name under different parents,
are ambiguous and raise `SelectionError` with the candidates. No partial or substring matching of
item names: ``年齢`` must never pick ``年齢階級``.

Which classification a word names (``性別`` → ``cat03 性別_基本``), in stages: the whole
@name; the @name before ``_`` and without a trailing bracket (``学歴_基本８区分（2020年～）`` →
``学歴``); the word inside the @name. ``地域`` always names the area classification. A stage
with several candidates raises; none falls to the next stage.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from transforms.errors import PayloadError
from transforms.estat import SOURCE, Classification, ClassItem, TableMeta

#: The classification of periods: never chosen by a word (every period is loaded).
TIME = "time"
#: The word that names the area classification, whatever its @name says.
AREA_WORD = "地域"
_FOLD = str.maketrans({"\u301c": "~", "\u2212": "-"})
_SPACE = re.compile(r"\s+")
_CODE_PREFIX = re.compile(
    r"^(?:[A-Z]{1,2}[0-9]{0,4}[a-z]?|[0-9]{1,6}|\([0-9]{1,3}\)) "  # "T1 産業計", "D 建設業", "1221 美術家…"
    r"|^[A-Z][0-9]{0,4}[a-z]?(?=[^\x00-\x7f])"  # "B22美術家…", "A管理的職業従事者"
)
_BRACKETED_TAIL = re.compile(r"\([^()]*\)$")
_MAX_LISTED = 30  # candidate names quoted in one message


class SelectionError(PayloadError):
    """A wanted name is not in the table, or names more than one thing; the message lists the candidates."""

    def __init__(self, message: str) -> None:
        super().__init__(SOURCE, message)


@dataclass(frozen=True)
class Selection:
    """The codes chosen in every classification but time, for one indicator of one table.

    ``codes[class_id]`` has one code, or several when the table lists the chosen item more than
    once. ``names[class_id]`` is the item's name as the table writes it (for messages and docs).
    """

    stats_data_id: str | None
    measure_class: str
    codes: Mapping[str, tuple[str, ...]]
    names: Mapping[str, str]


def normalise(name: str) -> str:
    """NFKC with the wave dash and minus folded, whitespace runs cut to one space and trimmed."""
    folded = unicodedata.normalize("NFKC", name).translate(_FOLD)
    return _SPACE.sub(" ", folded).strip()


def name_key(name: str) -> str:
    """What two names are compared by in the first stage: `normalise` without any whitespace."""
    return _squeeze(normalise(name))


def bare_key(name: str) -> str:
    """`name_key` after removing a leading code such as ``T1 ``, ``D ``, ``1221 `` or a glued ``B22``."""
    return _squeeze(_CODE_PREFIX.sub("", normalise(name), count=1))


def _squeeze(text: str) -> str:
    """Drop the spaces, then compose again: NFKC writes a lone ``¸`` as a space and a combining mark."""
    return unicodedata.normalize("NFKC", text.replace(" ", ""))


def find_items(table: TableMeta, classification: Classification, wanted: str, role: str) -> tuple[ClassItem, ...]:
    """The item(s) of `classification` named `wanted`; `SelectionError` when none or several things match.

    `role` says what the name is for (``年齢``, ``measure``) so the message names it.
    """
    found = _match(table, classification, wanted, role)
    if found is None:
        raise SelectionError(
            f"{_table(table)}: {role} '{wanted}' is not among the {len(classification.items)} items of "
            f"{_describe(classification)}: {_listing(item.name for item in classification.items)} "
            f"(names are compared after NFKC and without code prefixes such as 'Ｔ１ ')"
        )
    return found


def _match(table: TableMeta, classification: Classification, wanted: str, role: str) -> tuple[ClassItem, ...] | None:
    """The items named `wanted` (full name first, then without code prefixes); None if none; raises if ambiguous."""
    for key in (name_key, bare_key):
        target = key(wanted)
        found = tuple(item for item in classification.items if target and key(item.name) == target)
        if found:
            if len({(name_key(item.name), item.parent) for item in found}) > 1:
                raise SelectionError(
                    f"{_table(table)}: {role} '{wanted}' is ambiguous in {_describe(classification)}: "
                    f"{_listing(_labelled(found))}; write the item's full name as the table does"
                )
            return found
    return None


def find_classification(table: TableMeta, word: str, exclude: Iterable[str] = ()) -> Classification | None:
    """The classification `word` names (see the module docstring), None when none does; several raise."""
    excluded = {TIME, *exclude}
    candidates = [c for c in table.classifications if c.id not in excluded]
    if name_key(word) == AREA_WORD:
        return next((c for c in candidates if c.id == "area"), None)
    target = name_key(word)
    stages = (
        lambda c: name_key(c.name) == target,
        lambda c: _base_name(c.name) == target,
        lambda c: bool(target) and target in name_key(c.name),
    )
    for stage in stages:
        found = [c for c in candidates if stage(c)]
        if len(found) > 1:
            raise SelectionError(
                f"{_table(table)}: '{word}' names several classifications: "
                f"{', '.join(_describe(c) for c in found)}; write the classification's full name"
            )
        if found:
            return found[0]
    return None


def resolve(
    table: TableMeta,
    measure: str,
    categories: Mapping[str, str],
    totals: Mapping[str, str] | None = None,
) -> Selection:
    """Choose one item (or one repeated item) in every classification of `table` except time.

    - `measure` (所定内給与額) is looked for in ``tab`` first, then in every other classification;
      exactly one classification may have it.
    - `categories` map a classification word to an item name (``{"年齢": "20～24歳"}``); each
      classification must exist in the table.
    - `totals` do the same for classifications the indicator does not name (``{"性別": "男女計"}``)
      but apply only where the table has that classification: a table without an industry
      classification already covers every industry.
    - Any other classification must have exactly one item, else `SelectionError` names it with its
      items, so a table with an unexpected dimension never adds up rows silently.
    """
    measure_class, measure_items = _find_measure(table, measure)
    chosen: dict[str, tuple[ClassItem, ...]] = {measure_class.id: measure_items}
    for word, name in categories.items():
        found = find_classification(table, word, exclude=(measure_class.id,))
        if found is None:
            raise SelectionError(
                f"{_table(table)}: no classification matches '{word}' (for '{name}'); the table has "
                f"{', '.join(_describe(c) for c in table.classifications)}"
            )
        if found.id in chosen:
            raise SelectionError(
                f"{_table(table)}: '{word}' names {_describe(found)}, which another word chose already"
            )
        chosen[found.id] = find_items(table, found, name, word)
    for word, name in (totals or {}).items():
        found = find_classification(table, word, exclude=(measure_class.id,))
        if found is not None and found.id not in chosen:
            chosen[found.id] = find_items(table, found, name, f"total {word}")
    for classification in table.classifications:
        if classification.id == TIME or classification.id in chosen:
            continue
        if len(classification.items) != 1:
            raise SelectionError(
                f"{_table(table)}: {_describe(classification)} is chosen neither by the indicator nor by a "
                f"total, and has {len(classification.items)} items: "
                f"{_listing(item.name for item in classification.items)}; name one in the catalog"
            )
        chosen[classification.id] = classification.items
    return Selection(
        stats_data_id=table.stats_data_id,
        measure_class=measure_class.id,
        codes={cid: tuple(item.code for item in items) for cid, items in chosen.items()},
        names={cid: items[0].name for cid, items in chosen.items()},
    )


def _find_measure(table: TableMeta, measure: str) -> tuple[Classification, tuple[ClassItem, ...]]:
    """The measure's classification and item(s): ``tab`` first, then any other classification but time."""
    others = [c for c in table.classifications if c.id not in (TIME, "tab")]
    tab = table.classification("tab")
    if tab is not None:
        found = _match(table, tab, measure, "measure")
        if found is not None:
            return tab, found
    hits = [(c, items) for c in others if (items := _match(table, c, measure, "measure")) is not None]
    if len(hits) == 1:
        return hits[0]
    if hits:
        raise SelectionError(
            f"{_table(table)}: measure '{measure}' is in several classifications: "
            f"{', '.join(_describe(c) for c, _ in hits)}; name the measure's classification"
        )
    shown = tab or (others[0] if others else None)
    listing = f"; {_describe(shown)} has {_listing(i.name for i in shown.items)}" if shown else ""
    raise SelectionError(f"{_table(table)}: measure '{measure}' is in no classification{listing}")


def _base_name(name: str) -> str:
    """``学歴_基本８区分（2020年～）`` → ``学歴``; ``職種（小分類）`` → ``職種``."""
    return _BRACKETED_TAIL.sub("", name_key(name).split("_", 1)[0])


def _table(table: TableMeta) -> str:
    return f"table {table.stats_data_id or '(no id)'}"


def _describe(classification: Classification) -> str:
    return f"{classification.id} '{classification.name}'"


def _labelled(items: Iterable[ClassItem]) -> list[str]:
    return [f"{item.name} (code {item.code}{f', under {item.parent}' if item.parent else ''})" for item in items]


def _listing(names: Iterable[str]) -> str:
    names = list(names)
    shown = ", ".join(f"'{n}'" for n in names[:_MAX_LISTED])
    return shown + (f" … ({len(names) - _MAX_LISTED} more)" if len(names) > _MAX_LISTED else "")
