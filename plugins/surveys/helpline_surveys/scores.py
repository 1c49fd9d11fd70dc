"""The arithmetic of the scores: CSAT %, NPS and response rate (pure functions)."""

from __future__ import annotations

from collections.abc import Iterable

#: CSAT scores are stored on 1-5 whatever the scale: good = 5, bad = 1.
GOOD, BAD = 5, 1


def is_good(score: int) -> bool:
    """A satisfied customer: 4 or 5 (so "good" on the good/bad scale)."""
    return score >= 4


def csat_percent(scores: Iterable[int]) -> float | None:
    """Satisfied answers out of all CSAT answers, in percent: good / (good + bad)."""
    scores = [s for s in scores if s is not None]
    if not scores:
        return None
    good = sum(1 for s in scores if is_good(s))
    return round(100 * good / len(scores), 1)


def nps(scores: Iterable[int]) -> float | None:
    """% promoters (9-10) - % detractors (0-6) of all NPS answers; from -100 to 100."""
    scores = [s for s in scores if s is not None]
    if not scores:
        return None
    promoters = sum(1 for s in scores if s >= 9)
    detractors = sum(1 for s in scores if s <= 6)
    return round(100 * (promoters - detractors) / len(scores), 1)


def response_rate(answered: int, sent: int) -> float | None:
    """Answered surveys out of surveys delivered, in percent."""
    if not sent:
        return None
    return round(100 * answered / sent, 1)


def rating_label(score: int | None, scale: str) -> str:
    """How a CSAT score reads: "good"/"bad" on the good/bad scale, "4/5" on the five-point one."""
    if score is None:
        return ""
    if scale == "good_bad" and score in (GOOD, BAD):
        return "good" if score == GOOD else "bad"
    return f"{score}/5"
