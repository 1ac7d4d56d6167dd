"""The query library: find a ``.rq`` file, read its header, bind typed parameters, run it.

Header grammar (comment lines at the top of each ``queries/*.rq``)::

    # title-zh: 各县国家基本公共服务项目覆盖率
    # title-en: Coverage of the national service items per county
    # description-en: One row per county ...     (continued on following "#   " lines)
    # description-zh: ...
    # param: county place required -- GB/T 2260 code of the county
    # param: year year default=2024 -- reference year
    # summary: county                             (optional; see summaries.py)
    # summary-fixed: as_of                        (parameters summarized at their default)
    # summary-key: item                           (summary rows indexed by this column)

A parameter is bound to the SPARQL variable of the same name as a typed RDF term (SPARQL
SEP-0007 substitution), never pasted into the query text. Oxigraph substitutes only variables
that the query projects, so a library query lists its parameters in its SELECT clause (and an
optional parameter left unset simply stays a free variable).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from . import resources
from .errors import BadInput, Location, NotFound
from .namespaces import ID, is_division_code
from .store.base import QueryResult, Store, Term

XSD = "http://www.w3.org/2001/XMLSchema#"
PARAM_TYPES = ("place", "iri", "string", "integer", "decimal", "date", "year", "boolean")
_NAME = re.compile(r"^[a-z][a-z0-9-]*$")
_PARAM = re.compile(
    r"^(?P<name>[A-Za-z_][A-Za-z0-9_]*)\s+(?P<type>[a-z]+)"
    r"(?P<flags>(\s+(required|default=\S+))*)\s*(--\s*(?P<doc>.*))?$"
)


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool = False
    default: str | None = None
    description: str = ""

    def to_term(self, raw: str) -> Term:
        """The RDF term for a user's value, or ``BadInput`` naming the parameter."""
        try:
            return _convert(self.type, raw.strip())
        except (ValueError, InvalidOperation) as error:
            raise BadInput(f"parameter {self.name!r} ({self.type}): {error}",
                           Location(value=raw)) from None


def _convert(kind: str, raw: str) -> Term:
    if kind == "place":
        if raw != "CN" and not is_division_code(raw):
            raise ValueError("expected a six-digit GB/T 2260 code, e.g. 370502")
        return ox.NamedNode(str(ID[f"place/{raw}"]))
    if kind == "iri":
        if not re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:[^\s<>\"{}|\\^`]*$", raw):
            raise ValueError("expected an absolute IRI")
        return ox.NamedNode(raw)
    if kind == "string":
        return ox.Literal(raw)
    if kind == "integer":
        return ox.Literal(str(int(raw)), datatype=ox.NamedNode(XSD + "integer"))
    if kind == "decimal":
        return ox.Literal(str(Decimal(raw)), datatype=ox.NamedNode(XSD + "decimal"))
    if kind == "date":
        return ox.Literal(date.fromisoformat(raw).isoformat(), datatype=ox.NamedNode(XSD + "date"))
    if kind == "year":
        if not re.match(r"^\d{4}$", raw):
            raise ValueError("expected a four-digit year")
        return ox.Literal(raw, datatype=ox.NamedNode(XSD + "gYear"))
    if kind == "boolean":
        if raw.lower() not in ("true", "false", "1", "0"):
            raise ValueError("expected true or false")
        value = "true" if raw.lower() in ("true", "1") else "false"
        return ox.Literal(value, datatype=ox.NamedNode(XSD + "boolean"))
    raise ValueError(f"unknown parameter type {kind!r}")


@dataclass(frozen=True)
class LibraryQuery:
    name: str
    path: Path
    text: str
    title: dict[str, str] = field(default_factory=dict)
    description: dict[str, str] = field(default_factory=dict)
    parameters: tuple[Parameter, ...] = ()
    summary: str | None = None  # "county" / "partial" / "national": see summaries.py
    summary_fixed: tuple[str, ...] = ()  # parameters summarized at their default value only
    summary_key: str | None = None  # a parameter whose column the summary rows are indexed by

    def bind(self, values: dict[str, str]) -> dict[str, Term]:
        """Typed terms for the given raw values, defaults filled, unknown names refused."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise BadInput(
                f"query {self.name!r} has no parameter {', '.join(unknown)}; "
                f"it takes: {', '.join(known) or 'none'}"
            )
        bound: dict[str, Term] = {}
        for param in self.parameters:
            raw = values.get(param.name, param.default)
            if raw is None or raw == "":
                if param.required:
                    raise BadInput(f"query {self.name!r} needs parameter {param.name!r}")
                continue
            bound[param.name] = param.to_term(raw)
        return bound

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "parameters": [
                {"name": p.name, "type": p.type, "required": p.required,
                 "default": p.default, "description": p.description}
                for p in self.parameters
            ],
            "query": self.text,
        }


def parse_query_file(path: Path, *, require_titles: bool = True) -> LibraryQuery:
    """Read a library query and its header; a malformed header is ``BadInput`` with the line.

    A user's own query file needs no header (``require_titles=False``): its parameter lines,
    if any, are read the same way."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise BadInput(f"a query file must be UTF-8 text ({error.reason} at byte "
                       f"{error.start})", Location(file=str(path))) from None
    title: dict[str, str] = {}
    description: dict[str, str] = {}
    params: list[Parameter] = []
    summary: str | None = None
    summary_fixed: tuple[str, ...] = ()
    summary_key: str | None = None
    last_key: tuple[dict[str, str], str] | None = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        body = line[1:]
        if body.startswith("   ") and last_key is not None:
            target, lang = last_key
            target[lang] = f"{target[lang]} {body.strip()}".strip()
            continue
        key, sep, value = body.strip().partition(":")
        if not sep:
            last_key = None
            continue
        key, value = key.strip(), value.strip()
        if key.startswith(("title-", "description-")):
            kind, lang = key.split("-", 1)
            target = title if kind == "title" else description
            target[lang] = value
            last_key = (target, lang)
        elif key == "summary":
            if value not in ("county", "partial", "national"):
                raise BadInput("'# summary:' takes 'county', 'partial' or 'national'",
                               Location(file=str(path), line=lineno))
            summary = value
            last_key = None
        elif key == "summary-fixed":
            summary_fixed = tuple(value.split())
            last_key = None
        elif key == "summary-key":
            summary_key = value
            last_key = None
        elif key == "param":
            match = _PARAM.match(value)
            if not match or match["type"] not in PARAM_TYPES:
                raise BadInput(
                    f"malformed parameter line; expected 'NAME TYPE [required] [default=V] "
                    f"-- text' with TYPE one of {', '.join(PARAM_TYPES)}",
                    Location(file=str(path), line=lineno),
                )
            flags = match["flags"].split()
            default = next((f.split("=", 1)[1] for f in flags if f.startswith("default=")), None)
            params.append(Parameter(match["name"], match["type"], "required" in flags, default,
                                    (match["doc"] or "").strip()))
            last_key = None
        else:
            last_key = None
    if require_titles and ("en" not in title or "zh" not in title):
        raise BadInput("library query header needs title-zh and title-en",
                       Location(file=str(path)))
    if summary == "county" and not re.search(r"ORDER\s+BY\s+\?county\b", text, re.IGNORECASE):
        raise BadInput("a query with '# summary: county' must begin its ORDER BY with ?county",
                       Location(file=str(path)))
    if summary_key is not None:
        keyed = next((p for p in params if p.name == summary_key), None)
        if summary != "county" or keyed is None or not (keyed.required or keyed.default):
            raise BadInput("'# summary-key:' names a parameter of a county summary that is "
                           "always bound (required or with a default)", Location(file=str(path)))
    return LibraryQuery(path.stem, path, text, title, description, tuple(params), summary,
                        summary_fixed, summary_key)


def library(directory: Path | None = None) -> dict[str, LibraryQuery]:
    """Every library query by name, sorted. Parsed once per state of the folder (names, sizes
    and modification times), so a request does not re-read every file."""
    folder = directory or resources.queries_dir()
    files = sorted(folder.glob("*.rq"))
    state = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in files)
    return dict(_parsed_library(folder, state))


@lru_cache(maxsize=8)
def _parsed_library(folder: Path, state: tuple[tuple[str, int, int], ...]
                    ) -> tuple[tuple[str, LibraryQuery], ...]:
    return tuple((Path(name).stem, parse_query_file(folder / name)) for name, _, _ in state)


def library_query(name: str) -> LibraryQuery:
    """A query of the bundled library by name (never a path: names come from URLs too)."""
    if not _NAME.match(name):
        raise NotFound(f"no library query named {name!r}")
    candidate = resources.queries_dir() / f"{name}.rq"
    if not candidate.is_file():
        names = ", ".join(library()) or "none"
        raise NotFound(f"no library query named {name!r}; available: {names}")
    return parse_query_file(candidate)


def find_query(name_or_path: str) -> LibraryQuery:
    """A user's SPARQL file by path (its header is optional), or a library query by name."""
    path = Path(name_or_path)
    if path.is_file() and (path.suffix in (".rq", ".sparql") or not _NAME.match(name_or_path)):
        return parse_query_file(path, require_titles=False)
    if not _NAME.match(name_or_path):
        raise NotFound(f"no query file or library query named {name_or_path!r}")
    return library_query(name_or_path)


def is_library_file(query: LibraryQuery) -> bool:
    """True for a query of the bundled library (not a user's file that shares its name)."""
    return query.path.resolve() == (resources.queries_dir() / f"{query.name}.rq").resolve()


def values_as_of(query: LibraryQuery, values: dict[str, str],
                 as_of: date) -> tuple[dict[str, str], str | None]:
    """``values`` for a run ``--as-of`` a date, and the one county the question reads (None:
    all). A query that judges against a date of its own (a parameter named ``as_of``) is
    judged on that date unless the caller set it."""
    if any(p.name == "as_of" for p in query.parameters) and not values.get("as_of"):
        values = values | {"as_of": as_of.isoformat()}
    county = values.get("county", "").strip()
    return values, county if is_division_code(county) else None


def run_library_query(store: Store, query: LibraryQuery, values: dict[str, str], *,
                      as_of: date | None = None) -> QueryResult:
    """Run a query: a library query from the per-county summaries when they can answer it
    (same rows), otherwise on the store; a syntax error names the query file. With ``as_of``
    the query runs on the dataset as in force on that date (``validity.py``), never on the
    summaries, which hold the present."""
    if as_of is not None:
        from .store.oxigraph import OxigraphStore
        from .validity import view_as_of

        values, county = values_as_of(query, values, as_of)
        view, _ = view_as_of(store, as_of, county=county)
        store = OxigraphStore.over(view, description=f"as of {as_of.isoformat()}")
    bindings = query.bind(values)
    from .summaries import summaries_for

    summaries = summaries_for(store) if is_library_file(query) and as_of is None else None
    if summaries is not None:
        answer = summaries.answer(query, bindings)
        if answer is not None:
            return answer
    try:
        return store.query(query.text, bindings=bindings)
    except BadInput as error:
        if error.where.file is None:
            error.where = Location(file=str(query.path), line=error.where.line,
                                   column=error.where.column)
        raise
