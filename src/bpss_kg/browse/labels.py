"""Language choice and label fallback: the chosen language, then the other, then an untagged
literal, then the IRI's last segment."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

import pyoxigraph as ox

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"


def language(raw: str | None) -> str:
    """``en`` when asked for English, Chinese otherwise (the default)."""
    return "en" if (raw or "").lower().startswith("en") else DEFAULT_LANGUAGE


INSTANCE_BASE = "https://w3id.org/bpss-kg/id/"


def local_name(iri: str) -> str:
    """A readable stand-in for a missing label: the path of a bpss-kg instance IRI
    (``observation/370502/child-vaccination-rate/2024``), else the last segment of the IRI."""
    if iri.startswith(INSTANCE_BASE) and len(iri) > len(INSTANCE_BASE):
        return iri[len(INSTANCE_BASE):]
    return last_segment(iri)


def last_segment(iri: str) -> str:
    """The part after the last ``#`` or ``/`` (a concept's slug, a term's local name)."""
    tail = re.split(r"[#/]", iri.rstrip("/#"))[-1]
    return tail or iri


def _order(lang: str) -> tuple[str, ...]:
    other = "en" if lang == "zh" else "zh"
    return (lang, other, "")


def pick(texts: dict[str, str], lang: str) -> str | None:
    """The text in ``lang``, else the other UI language, else untagged, else any."""
    for wanted in _order(lang):
        if wanted in texts:
            return texts[wanted]
    return next(iter(texts.values()), None)


def lang_of(term: ox.Literal) -> str:
    tag = (term.language or "").lower()
    return tag.split("-")[0] if tag else ""


class LabelBook:
    """Labels of many IRIs gathered from query rows, read back in the chosen language."""

    def __init__(self) -> None:
        self._texts: dict[str, dict[str, str]] = defaultdict(dict)

    def add(self, iri: str, term: object) -> None:
        if isinstance(term, ox.Literal):
            self._texts[iri].setdefault(lang_of(term), term.value)

    def has(self, iri: str) -> bool:
        return iri in self._texts

    def get(self, iri: str, lang: str) -> str:
        return pick(self._texts.get(iri, {}), lang) or local_name(iri)

    def texts(self, iri: str) -> dict[str, str]:
        return dict(self._texts.get(iri, {}))


@dataclass(frozen=True)
class Link:
    """A resource to link to, with its label in the chosen language."""

    iri: str
    label: str


def value(term: object) -> str | None:
    """The lexical value of a term from a query row (None when unbound)."""
    return term.value if term is not None and hasattr(term, "value") else None


def number(term: object) -> float | None:
    text = value(term)
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None
