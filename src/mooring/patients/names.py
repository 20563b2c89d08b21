"""Name normalisation and similarity for search and duplicate detection."""

from __future__ import annotations

import unicodedata
from difflib import SequenceMatcher


def fold(text: str) -> str:
    """Lower-case and strip accents: "José Álvarez" -> "jose alvarez"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in stripped.casefold())
    return " ".join(cleaned.split())


def search_name(given: str, family: str, preferred: str = "") -> str:
    return fold(" ".join(part for part in (given, preferred, family) if part))


def similarity(a: str, b: str) -> float:
    """0..1 similarity of two folded names, forgiving a typo or two."""
    return SequenceMatcher(None, fold(a), fold(b)).ratio()


def token_match(query_tokens: list[str], name: str, threshold: float = 0.75) -> float:
    """Score a name against query tokens: each token must match some word of the name."""
    words = name.split()
    if not words:
        return 0.0
    total = 0.0
    for token in query_tokens:
        best = max((_word_score(token, word) for word in words), default=0.0)
        if best < threshold:
            return 0.0
        total += best
    return total / len(query_tokens)


def _word_score(token: str, word: str) -> float:
    if word.startswith(token):
        return 1.0
    # Compare against the word's prefix of the same length so "alv" ~ "alvarez" is not
    # punished for being short, while "alvares" still matches "alvarez".
    candidate = word[: max(len(token), 1) + 1] if len(token) < len(word) else word
    return SequenceMatcher(None, token, candidate).ratio()
