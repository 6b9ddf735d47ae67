"""Quoted text: what an annotation covers, and where it is found again on another version.

Pure: no Flask, no database. Pages come as their word boxes ([x0, y0, x1, y1, text], in
points on the unrotated page, as the documents feature stores them). Words are compared
after Unicode normalisation (NFC), case folding and trimming punctuation at their ends,
so "Ngân sách," matches "ngân sách"; diacritics count ("ngan" is not "ngân"): a changed
accent is a changed text.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, NamedTuple

Rect = tuple[float, float, float, float]

#: Words of context kept on each side of a quote to tell repeated passages apart.
CONTEXT_WORDS: Final = 6
#: A word box counts as covered when this share of its area is inside a highlight.
COVERED: Final = 0.5
#: Quotes of at least this many words may be found approximately (same ends, text between
#: changed).
FUZZY_MIN_WORDS: Final = 4
#: How far the length of an approximate match may differ from the quote's (share).
FUZZY_SLACK: Final = 0.34


def norm(word: str) -> str:
    """A word as compared: NFC, case-folded, without punctuation or symbols at its ends."""
    text = unicodedata.normalize("NFC", word).casefold()
    start, end = 0, len(text)
    while start < end and unicodedata.category(text[start])[0] in "PSZC":
        start += 1
    while end > start and unicodedata.category(text[end - 1])[0] in "PSZC":
        end -= 1
    return text[start:end]


def tokens(text: str) -> list[str]:
    """The compared words of a text (empty ones dropped)."""
    return [t for t in (norm(w) for w in text.split()) if t]


class Word(NamedTuple):
    x0: float
    y0: float
    x1: float
    y1: float
    text: str

    @property
    def rect(self) -> Rect:
        return (self.x0, self.y0, self.x1, self.y1)


def parse_words(raw: str | Iterable[object]) -> list[Word]:
    """Word boxes from the stored JSON text (or already parsed); malformed entries skipped."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw or "[]")
        except ValueError:
            return []
        if not isinstance(raw, list):
            return []
    words: list[Word] = []
    for item in raw:
        if isinstance(item, Word):
            words.append(item)
            continue
        if not isinstance(item, list | tuple) or len(item) < 5:
            continue
        text = item[4]
        coords = [v for v in item[:4] if isinstance(v, int | float) and not isinstance(v, bool)]
        if not isinstance(text, str) or len(coords) != 4:
            continue
        words.append(
            Word(float(coords[0]), float(coords[1]), float(coords[2]), float(coords[3]), text)
        )
    return words


@dataclass(frozen=True)
class Anchor:
    """A quote and its place on the page it was taken from."""

    quote: str
    prefix: str
    suffix: str
    #: The box around the quoted words on their page (None when not found there).
    box: Rect | None


def _area(r: Rect) -> float:
    return max(0.0, r[2] - r[0]) * max(0.0, r[3] - r[1])


def _overlap(a: Rect, b: Rect) -> float:
    return _area((max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])))


def union(rects: Iterable[Rect]) -> Rect | None:
    items = list(rects)
    if not items:
        return None
    return (
        min(r[0] for r in items),
        min(r[1] for r in items),
        max(r[2] for r in items),
        max(r[3] for r in items),
    )


def _context(words: Sequence[Word], start: int, end: int) -> tuple[str, str]:
    before = " ".join(w.text for w in words[max(0, start - CONTEXT_WORDS) : start])
    after = " ".join(w.text for w in words[end : end + CONTEXT_WORDS])
    return before[-120:], after[:120]


def quote_under(rects: Sequence[Rect], raw_words: Iterable[object]) -> Anchor | None:
    """The words a highlight covers (at least half of each word's box), in reading order."""
    words = parse_words(raw_words)
    around = union(rects)
    if around is None:
        return None
    left, top, right, bottom = around
    covered = []
    for i, w in enumerate(words):
        # Most words are nowhere near: two comparisons each.
        if w.y1 <= top or w.y0 >= bottom or w.x1 <= left or w.x0 >= right:
            continue
        area = _area(w.rect)
        if area > 0 and sum(_overlap(w.rect, r) for r in rects) >= COVERED * area:
            covered.append(i)
    if not covered:
        return None
    text = " ".join(words[i].text for i in covered)
    prefix, suffix = _context(words, covered[0], covered[-1] + 1)
    return Anchor(text, prefix, suffix, union(words[i].rect for i in covered))


def line_rects(words: Sequence[Word]) -> list[Rect]:
    """One box per line for consecutive words (what a highlight of them draws)."""
    lines: list[list[float]] = []
    for w in words:
        if lines:
            last = lines[-1]
            height = min(last[3] - last[1], w.y1 - w.y0)
            shared = min(last[3], w.y1) - max(last[1], w.y0)
            if height > 0 and shared >= 0.5 * height and w.x0 >= last[0] - 1:
                last[0] = min(last[0], w.x0)
                last[1] = min(last[1], w.y0)
                last[2] = max(last[2], w.x1)
                last[3] = max(last[3], w.y1)
                continue
        lines.append([w.x0, w.y0, w.x1, w.y1])
    return [(r[0], r[1], r[2], r[3]) for r in lines]


@dataclass
class _Page:
    number: int
    words: list[Word]
    toks: list[str]
    #: Index in `words` of each token.
    owner: list[int]
    index: dict[str, list[int]] = field(default_factory=dict)


class Corpus:
    """The words of a document version, indexed for finding quotes."""

    def __init__(self, pages: Iterable[tuple[int, str | Iterable[object]]]) -> None:
        self.pages: dict[int, _Page] = {}
        for number, raw in pages:
            words = parse_words(raw)
            toks: list[str] = []
            owner: list[int] = []
            for i, w in enumerate(words):
                for t in tokens(w.text):
                    toks.append(t)
                    owner.append(i)
            page = _Page(number, words, toks, owner)
            for pos, t in enumerate(toks):
                page.index.setdefault(t, []).append(pos)
            self.pages[number] = page

    def page_numbers(self) -> list[int]:
        return sorted(self.pages)


@dataclass(frozen=True)
class Match:
    page: int
    #: One box per line of the matched words.
    rects: list[Rect]
    box: Rect
    #: False when found approximately (same first and last words, text between changed).
    exact: bool
    prefix: str
    suffix: str


def _context_score(page: _Page, start: int, end: int, prefix: str, suffix: str) -> int:
    """How many words of the stored context agree around a candidate (more is better)."""
    score = 0
    before = tokens(prefix)[::-1]
    for k, t in enumerate(before):
        pos = start - 1 - k
        if pos < 0 or page.toks[pos] != t:
            break
        score += 1
    after = tokens(suffix)
    for k, t in enumerate(after):
        pos = end + k
        if pos >= len(page.toks) or page.toks[pos] != t:
            break
        score += 1
    return score


def _candidates(page: _Page, quote: list[str], fuzzy: bool) -> list[tuple[int, int]]:
    """(start, end) token ranges on the page matching the quote."""
    n = len(quote)
    found: list[tuple[int, int]] = []
    if not fuzzy:
        for start in page.index.get(quote[0], []):
            if page.toks[start : start + n] == quote:
                found.append((start, start + n))
        return found
    head, tail = quote[:2], quote[-2:]
    low, high = int(n * (1 - FUZZY_SLACK)), int(n * (1 + FUZZY_SLACK)) + 1
    for start in page.index.get(head[0], []):
        if page.toks[start : start + 2] != head:
            continue
        for end in page.index.get(tail[-1], []):
            length = end + 1 - start
            if low <= length <= high and page.toks[end - 1 : end + 1] == tail:
                found.append((start, end + 1))
                break
    return found


def locate(
    corpus: Corpus,
    quote: str,
    *,
    prefix: str = "",
    suffix: str = "",
    near_page: int | None = None,
    near_box: Rect | None = None,
    pages: Sequence[int] | None = None,
) -> Match | None:
    """Where `quote` is found in `corpus`: the best exact match, else an approximate one.

    Among several, the one whose surrounding words agree most with `prefix`/`suffix`
    wins, then the one nearest `near_page`, then the one nearest `near_box` on the page.
    """
    words = tokens(quote)
    if not words:
        return None
    numbers = list(pages) if pages is not None else corpus.page_numbers()
    for fuzzy in (False, True):
        if fuzzy and len(words) < FUZZY_MIN_WORDS:
            break
        best: tuple[tuple[float, float, float], Match] | None = None
        for number in numbers:
            page = corpus.pages.get(number)
            if page is None:
                continue
            for start, end in _candidates(page, words, fuzzy):
                owned = sorted(set(page.owner[start:end]))
                matched = [page.words[i] for i in owned]
                box = union(w.rect for w in matched)
                if box is None:
                    continue
                context = _context_score(page, start, end, prefix, suffix)
                distance = abs(number - near_page) if near_page is not None else 0
                offset = 0.0
                if near_box is not None:
                    offset = abs(box[1] - near_box[1]) + abs(box[0] - near_box[0])
                key = (-float(context), float(distance), offset)
                if best is None or key < best[0]:
                    before, after = _context(page.words, owned[0], owned[-1] + 1)
                    best = (
                        key,
                        Match(number, line_rects(matched), box, not fuzzy, before, after),
                    )
        if best is not None:
            return best[1]
    return None


def anchor(
    kind_is_markup: bool,
    quote: str | None,
    rects: Sequence[Rect],
    box: Rect | None,
    page_number: int,
    raw_words: Iterable[object],
) -> Anchor | None:
    """The anchor of a new or changed annotation on its own page.

    A highlight without a quote gets the words under it. A given quote is looked up on
    the page (nearest the annotation) to learn its context and box; a quote that is not
    on the page is kept as given, without context.
    """
    if quote is None:
        if kind_is_markup and rects:
            return quote_under(rects, raw_words)
        return None
    corpus = Corpus([(page_number, raw_words)])
    found = locate(corpus, quote, near_page=page_number, near_box=box)
    if found is None or not found.exact:
        return Anchor(quote, "", "", None)
    return Anchor(quote, found.prefix, found.suffix, found.box)


@dataclass(frozen=True)
class Carried:
    """An annotation of an earlier version as it stands on the new one."""

    #: "found", "fuzzy" (found approximately), "not_found", or "no_quote" (nothing to look
    #: for: shown on the same page number, if the new version has it).
    status: str
    page: int | None
    rects: list[Rect]
    #: How far the quoted passage moved on its page (new box minus old box, top-left), so
    #: ink, notes and text boxes anchored to it can be moved along; None when unknown.
    offset: tuple[float, float] | None


def carry(
    corpus: Corpus,
    *,
    quote: str | None,
    prefix: str,
    suffix: str,
    page: int,
    box: Rect | None,
) -> Carried:
    """Place an annotation made on page `page` of an earlier version onto `corpus`."""
    if not quote or not tokens(quote):
        return Carried("no_quote", page if page in corpus.pages else None, [], None)
    found = locate(corpus, quote, prefix=prefix, suffix=suffix, near_page=page, near_box=box)
    if found is None:
        return Carried("not_found", None, [], None)
    offset = None
    if box is not None:
        offset = (round(found.box[0] - box[0], 2), round(found.box[1] - box[1], 2))
    return Carried("found" if found.exact else "fuzzy", found.page, found.rects, offset)
