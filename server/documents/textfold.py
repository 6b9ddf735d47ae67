"""Folding Vietnamese text for search, and the snippets and highlights of a match. Pure.

`fold` maps every character to exactly one character (lower case, diacritics removed,
đ -> d), so an offset in the folded text is the same offset in the original: a match
found in the folded page text gives the snippet, the highlight offsets and the words
(with their boxes) of the original at once. "ngan sach" then finds "ngân sách", and
"Đà Lạt" is found by "da lat" as by "đà lạt".
"""

from __future__ import annotations

import re
import struct
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

#: Letters whose base letter NFD does not reveal.
_SPECIAL = {"đ": "d", "Đ": "d", "ð": "d", "Ð": "d", "ł": "l", "Ł": "l", "ø": "o", "Ø": "o"}

#: A search token: letters and digits (Unicode), never the underscore.
TOKEN = re.compile(r"[^\W_]+")

MAX_QUERY_TOKENS = 12


@lru_cache(maxsize=4096)
def fold_char(char: str) -> str:
    """One character, folded to one character: lower case without diacritics."""
    special = _SPECIAL.get(char)
    if special is not None:
        return special
    if char.isascii():
        return char.lower()
    decomposed = unicodedata.normalize("NFD", char)
    base = next((c for c in decomposed if not unicodedata.combining(c)), char)
    lowered = base.lower()
    return lowered if len(lowered) == 1 else base


class _FoldTable(dict[int, str]):
    """str.translate's table, filled as characters are met (translate runs in C)."""

    def __missing__(self, code: int) -> str:
        folded = fold_char(chr(code))
        self[code] = folded
        return folded


_TABLE = _FoldTable()


def fold(text: str) -> str:
    """`text` folded character by character; the result has the same length."""
    return text.translate(_TABLE)


def query_tokens(query: str) -> list[str]:
    """The folded tokens of a search query (at most MAX_QUERY_TOKENS, duplicates dropped)."""
    return [folded for folded, _ in query_terms(query)]


def query_terms(query: str) -> list[tuple[str, str | None]]:
    """(folded token, the token as typed in lower case if it carries diacritics, else None).

    Someone who types "phóng" means "phóng", not "phòng": such matches rank and highlight
    first, while "phong" finds both.
    """
    text = unicodedata.normalize("NFC", query)
    folded = fold(text)
    terms: list[tuple[str, str | None]] = []
    for found in TOKEN.finditer(folded):
        token = found.group()
        typed = text[found.start() : found.end()].lower()
        exact = typed if typed != token else None
        if all(t != token for t, _ in terms):
            terms.append((token, exact))
    return terms[:MAX_QUERY_TOKENS]


class PageText:
    """A page's words joined by single spaces, and the same text folded."""

    __slots__ = ("folded", "text")

    def __init__(self, text: str, folded: str | None = None) -> None:
        self.text = text
        self.folded = fold(text) if folded is None else folded


def page_text(words: list[str]) -> PageText:
    """Join a page's words with single spaces (NFC; a space inside a word becomes a no-break
    space, so word n is the n-th piece of the text)."""
    parts = [unicodedata.normalize("NFC", w).replace(" ", "\u00a0") for w in words if w]
    return PageText(" ".join(parts))


def find_matches(folded: str, tokens: list[str], prefix_last: bool = True) -> list[tuple[int, int]]:
    """Where the tokens occur in folded text, at the start of a word, in order of position.

    Every token must match a whole word, except the last, which may be the start of one
    (as the search engines treat it: "ngan sa" finds "ngân sách").
    """
    # str.find and a look at the neighbours: a regular expression with a look-behind tries
    # every position of the page, and this runs on every candidate page of every search.
    matches: list[tuple[int, int]] = []
    for index, token in enumerate(tokens):
        if not token:
            continue
        prefix = prefix_last and index == len(tokens) - 1
        start = folded.find(token)
        while start != -1:
            end = start + len(token)
            if start == 0 or not folded[start - 1].isalnum():
                if prefix:
                    word_end = TOKEN.match(folded, start)
                    matches.append((start, word_end.end() if word_end else end))
                elif end == len(folded) or not folded[end].isalnum():
                    matches.append((start, end))
            start = folded.find(token, start + 1)
    return sorted(set(matches))


def _token_index(found: str, tokens: list[str]) -> int:
    """Which token a match is (the first that it equals, or that it starts with)."""
    for index, token in enumerate(tokens):
        if found == token:
            return index
    return next((i for i, t in enumerate(tokens) if found.startswith(t)), -1)


def exact_matches(
    page: PageText, terms: list[tuple[str, str | None]], matches: list[tuple[int, int]]
) -> list[tuple[int, int]]:
    """Keep, for each term typed with diacritics, only the matches spelled as typed.

    A term whose exact spelling does not occur on the page keeps all its matches.
    """
    keep: list[tuple[int, int]] = []
    for index, (token, exact) in enumerate(terms):
        last = index == len(terms) - 1
        mine = [
            (s, e)
            for s, e in matches
            if page.folded[s:e] == token or (last and page.folded[s:e].startswith(token))
        ]
        if exact is not None:
            spelled = [(s, e) for s, e in mine if page.text[s:e].lower().startswith(exact)]
            mine = spelled or mine
        keep.extend(mine)
    return sorted(set(keep))


def exact_count(
    page: PageText,
    terms: list[tuple[str, str | None]],
    matches: list[tuple[int, int]] | None = None,
) -> int:
    """How many of the terms typed with diacritics occur on the page spelled as typed."""
    if matches is None:
        matches = find_matches(page.folded, [t for t, _ in terms])
    count = 0
    for index, (token, exact) in enumerate(terms):
        if exact is None:
            continue
        last = index == len(terms) - 1
        if any(
            (page.folded[s:e] == token or (last and page.folded[s:e].startswith(token)))
            and page.text[s:e].lower().startswith(exact)
            for s, e in matches
        ):
            count += 1
    return count


@dataclass(frozen=True)
class Snippet:
    text: str
    #: (start, end) of each highlighted match, as offsets in `text`.
    highlights: tuple[tuple[int, int], ...]
    #: The matches in the page text that the snippet shows.
    matches: tuple[tuple[int, int], ...]


def snippet(
    page: PageText,
    tokens: list[str],
    width: int = 180,
    terms: list[tuple[str, str | None]] | None = None,
    matches: list[tuple[int, int]] | None = None,
) -> Snippet:
    """A piece of the page text around the best group of matches, with highlight offsets.

    The best group is the window of `width` characters holding the most different
    tokens, then the most matches; the snippet starts a little before it, at a word
    boundary, and ends at one. With `terms` (from `query_terms`), matches spelled as
    typed win over others of the same folded token.
    """
    if matches is None:
        matches = find_matches(page.folded, tokens)
    if terms:
        matches = exact_matches(page, terms, matches)
    if not matches:
        end = _word_boundary_before(page.text, min(len(page.text), width))
        return Snippet(text=_ellipsis(page.text, 0, end), highlights=(), matches=())
    # Slide a window over the matches (two pointers): the best holds the most different
    # tokens, then the most matches.
    token_of = [_token_index(page.folded[s:e], tokens) for s, e in matches]
    counts: dict[int, int] = {}
    best_key = (-1, -1)
    best_range = (0, 0)
    right = 0
    for left in range(len(matches)):
        while right < len(matches) and matches[right][1] - matches[left][0] <= width:
            counts[token_of[right]] = counts.get(token_of[right], 0) + 1
            right += 1
        if right == left:  # a single match wider than the window
            counts[token_of[right]] = counts.get(token_of[right], 0) + 1
            right += 1
        key = (len(counts), right - left)
        if key > best_key:
            best_key, best_range = key, (left, right)
        counts[token_of[left]] -= 1
        if not counts[token_of[left]]:
            del counts[token_of[left]]
    best = matches[best_range[0] : best_range[1]]
    first, last = best[0][0], best[-1][1]
    lead = max(0, (width - (last - first)) // 3)
    start = _word_boundary_after(page.text, max(0, first - lead))
    if start > first:
        start = first
    end = _word_boundary_before(page.text, min(len(page.text), max(last, start + width)))
    if end < last:
        end = last
    text = _ellipsis(page.text, start, end)
    shift = (1 if start > 0 else 0) - start
    shown = [(s, e) for s, e in matches if s >= start and e <= end]
    highlights = tuple((s + shift, e + shift) for s, e in shown)
    return Snippet(text=text, highlights=highlights, matches=tuple(shown))


def _ellipsis(text: str, start: int, end: int) -> str:
    return ("…" if start > 0 else "") + text[start:end] + ("…" if end < len(text) else "")


def _word_boundary_after(text: str, index: int) -> int:
    """The start of the first word at or after `index` (index itself at a boundary)."""
    if index <= 0 or text[index - 1] == " ":
        return index
    space = text.find(" ", index)
    return space + 1 if space != -1 else index


def _word_boundary_before(text: str, index: int) -> int:
    """The end of the last whole word at or before `index`."""
    if index >= len(text) or text[index] == " ":
        return index
    space = text.rfind(" ", 0, index)
    return space if space > 0 else index


def words_at(text: str, matches: tuple[tuple[int, int], ...]) -> list[int]:
    """Indexes of the words that the matches touch, in page order.

    Word n is the n-th space-separated piece of the text (see `page_text`), so a match's
    word is the number of spaces before it.
    """
    hit: set[int] = set()
    for start, end in matches:
        first = text.count(" ", 0, start)
        hit.update(range(first, first + text.count(" ", start, end) + 1))
    return sorted(hit)


def unpack_box(packed: bytes, index: int) -> list[float]:
    """The box of word `index` from boxes packed as little-endian float32 x0 y0 x1 y1."""
    return [round(v, 2) for v in struct.unpack_from("<4f", packed, index * 16)]
