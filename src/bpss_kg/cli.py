"""The ``bpss-kg`` command line: parse arguments, call the library, print.

Exit codes: 0 success; 1 validation found violations; 2 bad input or usage; 3 store error.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from . import loading, results
from .config import Settings
from .errors import BadInput, BpssError, Location, NotFound, StoreError, StoreInUse
from .store import OxigraphStore, RemoteStore, Store, open_store

app = typer.Typer(
    name="bpss-kg",
    help="Knowledge graph of basic public service standardization (基本公共服务标准化).",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
out = Console()
err = Console(stderr=True)

StoreOption = Annotated[
    str | None,
    typer.Option("--store", help="Store directory or SPARQL endpoint URL "
                 "[default: $BPSS_KG_STORE or ./bpss-store]", show_default=False),
]
BaseOption = Annotated[
    str | None,
    typer.Option("--base", help="Base IRI for relative IRIs in the files "
                 "[default: each file's own file: IRI]", show_default=False),
]
EXIT_OK, EXIT_VIOLATIONS, EXIT_BAD_INPUT, EXIT_STORE = 0, 1, 2, 3


def settings_for(store: str | None) -> Settings:
    """The settings of this run; a bad ``BPSS_KG_*`` value ends the command with exit 2."""
    try:
        return Settings.from_env().with_overrides(store=store)
    except BpssError as error:
        fail(error)


def fail(error: BpssError) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, markup=True,
              soft_wrap=True)
    code = EXIT_STORE if isinstance(error, StoreError) else EXIT_BAD_INPUT
    raise typer.Exit(code)


TokenOption = Annotated[
    str | None,
    typer.Option("--token", help="Token for writing through a running `bpss-kg serve` "
                 "[default: $BPSS_KG_TOKEN or $BPSS_KG_UPDATE_TOKEN]", show_default=False),
]


def _open(settings: Settings, *, read: bool, how_to_write: str | None) -> Store:
    """The store; while ``bpss-kg serve`` holds it, its newest checkpoint for a reading
    command (``read``), else an error that says how to write instead."""
    try:
        return open_store(settings)
    except StoreInUse as error:
        from .serving import running_server

        url = running_server(settings)
        if url is None:
            raise
        if read:
            snapshot = OxigraphStore.open_latest_snapshot(settings.store_path)
            if snapshot is not None:
                return snapshot
            raise
        raise StoreInUse(f"the store is served by `bpss-kg serve` at {url}; "
                         f"{how_to_write or 'stop the server first'}", error.where) from None


@contextmanager
def opened_store(store: str | None, *, read: bool = False,
                 how_to_write: str | None = None) -> Iterator[Store]:
    """Open the store for one command; map library errors to exit codes once. A reading
    command (``read``) runs beside a server on its newest checkpoint."""
    handle: Store | None = None
    try:
        handle = _open(settings_for(store), read=read, how_to_write=how_to_write)
        yield handle
    except BpssError as error:
        fail(error)
    finally:
        if handle is not None:
            handle.close()


def _service_token(token: str | None) -> str | None:
    import os

    return token or os.environ.get("BPSS_KG_TOKEN") or os.environ.get("BPSS_KG_UPDATE_TOKEN")


def _served_at(store: str | None) -> str | None:
    """The URL of the server holding the store, when one runs and holds it."""
    from .serving import running_server

    settings = settings_for(store)
    if settings.store_is_remote:
        return None
    url = running_server(settings)
    if url is None:
        return None
    try:
        open_store(settings).close()
    except StoreInUse:
        return url
    except BpssError:
        return None
    return None


def _progress(total: int) -> Progress:
    return Progress(TextColumn("[bold]{task.description}"), BarColumn(), DownloadColumn(),
                    TimeRemainingColumn(), console=err, transient=True,
                    disable=total < 5_000_000 or not err.is_terminal)


@app.command()
def load(
    files: Annotated[
        list[Path] | None,
        typer.Argument(help="RDF files (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML)"),
    ] = None,
    sample: Annotated[bool, typer.Option("--sample", help="Load the bundled ontology, national "
                                          "list and sample counties")] = False,
    graph: Annotated[str | None, typer.Option("--graph", help="Named graph for triple files "
                                               "(default graph if omitted)")] = None,
    no_summaries: Annotated[bool, typer.Option(
        "--no-summaries", help="Do not bring the library queries' summaries up to date now "
        "(the next query or `bpss-kg summarize` will)")] = False,
    base: BaseOption = None,
    token: TokenOption = None,
    store: StoreOption = None,
) -> None:
    """Load RDF files into the store, all or nothing."""
    if not files and not sample:
        fail(BadInput("give FILE... or --sample"))
    try:
        sources = loading.sample_sources() if sample else []
        sources += [loading.source_for_file(Path(f), graph, base) for f in files or []]
    except BpssError as error:
        fail(error)
    url = _served_at(store)
    if url is not None:
        _load_through_service(url, _service_token(token), sources)
        return
    with opened_store(store) as db:
        total = sum(s.size for s in sources)
        with _progress(total) as bar:
            task = bar.add_task("loading", total=total)
            report = _audited(db, "cli load", _graphs_of(sources), lambda: loading.load_sources(
                db, sources, lambda n: bar.advance(task, n)))
        out.print(f"loaded {len(report.documents)} document(s): "
                  f"{report.quads_after - report.quads_before:+,} quads, "
                  f"{report.quads_after:,} in the store")
        if not no_summaries:
            _refresh_summaries(db)


T = TypeVar("T")


def _audited(db: Store, action: str, graphs: set[str] | None, do: Callable[[], T]) -> T:
    """Run a write of this command through the write gate: recorded in the audit log as the
    person at the command line, with the triples it added and removed."""
    from .access import AccessRegistry, command_line_writer
    from .editions import EditionLog
    from .writes import WriteGate

    folder = getattr(db, "path", None) or settings_for(None).state_dir
    with AccessRegistry(folder) as registry, EditionLog(folder) as editions:
        return WriteGate(db, registry, after_write=lambda: None, editions=editions).write(
            command_line_writer(), action, graphs, do)[0]


def _graphs_of(sources: list) -> set[str] | None:  # type: ignore[type-arg]
    from .store.oxigraph import _graphs_loaded

    return _graphs_loaded(sources)


def _load_through_service(url: str, token: str | None, sources: list) -> None:  # type: ignore[type-arg]
    from .service_client import load_through

    if not token:
        fail(StoreInUse(f"the store is served by `bpss-kg serve` at {url}; give --token (or "
                        "set BPSS_KG_TOKEN) to load through it"))
    try:
        sent = load_through(url, token, sources)
    except BpssError as error:
        fail(error)
    out.print(f"loaded {len(sources)} document(s) through {url}: {sent:,} quads sent")


def _refresh_summaries(db: Store) -> None:
    from .summaries import summaries_for

    summaries = summaries_for(db)
    if summaries is None:
        return
    started = time.perf_counter()
    summaries.refresh()
    err.print(f"summaries of {len(summaries.queries)} library queries up to date "
              f"({time.perf_counter() - started:.1f} s)")


@app.command()
def summarize(store: StoreOption = None) -> None:
    """Bring the per-county summaries of the national library queries up to date."""
    with opened_store(store, how_to_write="the server keeps its summaries up to date "
                      "itself") as db:
        _refresh_summaries(db)


@app.command("load-list")
def load_list(
    table: Annotated[Path, typer.Argument(help="National list table (CSV, columns as "
                                          "data/national-list-2023.csv)")],
    store: StoreOption = None,
) -> None:
    """Replace the national service list by the one built from TABLE."""
    with opened_store(store, how_to_write="stop it to replace the national list (an admin "
                      "can also PUT the national graph through /graph-store)") as db:
        from .namespaces import NATIONAL_GRAPH

        count = _audited(db, "cli load-list", {str(NATIONAL_GRAPH)},
                         lambda: loading.load_national_list(db, table))
        out.print(f"national list replaced: {count:,} triples from {table}")


@app.command()
def query(
    query_ref: Annotated[str, typer.Argument(metavar="FILE.rq|NAME",
                                             help="A .rq file or a library query name")],
    param: Annotated[list[str] | None, typer.Option("--param", help="NAME=VALUE, bound as a "
                                                     "typed term (repeatable)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    as_of: Annotated[str | None, typer.Option(
        "--as-of", metavar="DATE",
        help="run on the dataset as in force on DATE (YYYY-MM-DD): statuses from the "
             "standards' dates, nothing issued, adopted or observed later")] = None,
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query from a file or the query library."""
    from .queries import find_query, run_library_query
    from .validity import parse_as_of

    if fmt not in ("table", "csv", "json"):
        fail(BadInput(f"unknown --format {fmt!r}; expected table, csv or json"))
    try:
        day = parse_as_of(as_of) if as_of is not None else None
    except BadInput as error:
        fail(error)
    values: dict[str, str] = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            fail(BadInput(f"--param expects NAME=VALUE, got {item!r}"))
        values[name.strip()] = value
    with opened_store(store, read=True) as db:
        try:
            library_query = find_query(query_ref)
        except (NotFound, BadInput) as error:
            fail(error)
        result = run_library_query(db, library_query, values, as_of=day)
        if fmt == "table":
            columns, body = results.rows(result)
            title = library_query.title.get("zh") or library_query.name
            if day is not None:
                title += f"（{day.isoformat()} 时有效 / as in force on {day.isoformat()}）"
            table = Table(*columns, title=title, show_lines=False)
            for row in body:
                table.add_row(*row)
            out.print(table)
            out.print(f"{len(body)} row(s)", style="dim")
        else:
            sys.stdout.buffer.write(results.serialize(result, fmt))
            sys.stdout.flush()


@app.command()
def stats(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    store: StoreOption = None,
) -> None:
    """Triples per graph, counties, standards per sub-system."""
    from .stats import store_stats

    if fmt not in ("table", "json"):
        fail(BadInput(f"unknown --format {fmt!r}; expected table or json"))
    with opened_store(store, read=True) as db:
        summary = store_stats(db)
    if fmt == "json":
        out.print_json(json.dumps(summary.to_dict(), ensure_ascii=False))
        return
    graphs = Table("graph", "triples", title="triples per graph")
    graphs.add_row("(default graph)", f"{summary.default_graph_triples:,}")
    for name, count in summary.triples_per_graph.items():
        graphs.add_row(name, f"{count:,}")
    out.print(graphs)
    subsystems = Table("sub-system 子体系", "standards 标准数", title="standards per sub-system")
    for name, count in summary.standards_per_subsystem.items():
        subsystems.add_row(name, str(count))
    out.print(subsystems)
    out.print(f"counties: {summary.counties:,}   quads: {summary.total_quads:,}")


@app.command()
def export(
    out_file: Annotated[Path, typer.Option("--out", help="Output file; the syntax follows the "
                                           "extension (.ttl .trig .nt .nq .jsonld .rdf .xlsx)")],
    graph: Annotated[str | None, typer.Option("--graph", help="Export one named graph "
                                               "(default: the whole dataset)")] = None,
    county: Annotated[str | None, typer.Option(
        "--county", help="Export one county's graph (GB/T 2260 code)")] = None,
    table_format: Annotated[str | None, typer.Option(
        "--format", help="xlsx: the county's 标准明细表 (needs --county)")] = None,
    store: StoreOption = None,
) -> None:
    """Write the dataset, one graph, or a county's standard detail table to a file."""
    import pyoxigraph as ox

    from .store.formats import holds_quads, rdf_format_for

    if table_format is not None and table_format != "xlsx":
        fail(BadInput(f"unknown --format {table_format!r}; expected xlsx (RDF syntaxes follow "
                      "the --out extension)"))
    if county is not None and graph is not None:
        fail(BadInput("give --graph or --county, not both"))
    if table_format == "xlsx" or (table_format is None and out_file.suffix.lower() == ".xlsx"):
        _export_county_table(county, out_file, store)
        return
    if county is not None:
        from .namespaces import county_graph, is_division_code

        if not is_division_code(county):
            fail(BadInput(f"--county expects a six-digit GB/T 2260 code, got {county!r}"))
        graph = str(county_graph(county))
    try:
        fmt = rdf_format_for(out_file)
    except BadInput as error:
        fail(error)
    if graph is None and not holds_quads(fmt):
        fail(BadInput(f"{out_file.suffix} holds one graph: give --graph IRI, or use .trig / .nq"))
    with opened_store(store, read=True) as db:
        target = ox.NamedNode(graph) if graph else None
        if target is not None and not db.has_graph(target):
            fail(NotFound(f"no graph {graph} in the store"))
        tmp = out_file.with_name(out_file.name + ".part")
        with open(tmp, "wb") as handle:
            db.dump(handle, fmt, target)
        tmp.replace(out_file)
    out.print(f"wrote {out_file}")


def _export_county_table(county: str | None, out_file: Path, store: str | None) -> None:
    from .tables import county_table_bytes

    if county is None:
        fail(BadInput("--format xlsx needs --county CODE"))
    with opened_store(store, read=True) as db:
        data = county_table_bytes(db, county)
    tmp = out_file.with_name(out_file.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(out_file)
    out.print(f"wrote {out_file}")


@app.command("import")
def import_table(
    table: Annotated[Path, typer.Argument(metavar="TABLE.xlsx|TABLE.csv",
                                          help="Standard detail table (标准明细表)")],
    county: Annotated[str, typer.Option("--county", help="GB/T 2260 code of the county")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check and show what would be "
                                          "written; write nothing")] = False,
    indicators: Annotated[Path | None, typer.Option(
        "--indicators", help="Indicator values in a separate file (columns 指标, 年度, 数值, "
        "单位)")] = None,
    turtle: Annotated[bool, typer.Option("--turtle", "--show", help="With --dry-run, print "
                                         "the would-be county graph as Turtle")] = False,
    token: TokenOption = None,
    store: StoreOption = None,
) -> None:
    """Import a county's 标准明细表; exit 0 imported, 2 nothing imported (problems listed)."""
    from .tables import import_table as run_import

    url = None if dry_run else _served_at(store)
    if url is not None:
        _import_through_service(url, _service_token(token), table, county, indicators)
        return
    with opened_store(store, read=dry_run) as db:
        try:
            if dry_run:
                preview = run_import(db, table, county, dry_run=True, indicators=indicators)
            else:
                from .namespaces import county_graph

                preview = _audited(db, "cli import", {str(county_graph(county))},
                                   lambda: run_import(db, table, county, indicators=indicators))
        except BpssError as error:
            fail(error)
        if preview.ok and not dry_run:
            from .derived import bring_up_to_date

            bring_up_to_date(db, summaries=False)  # the imported names become searchable
            _refresh_summaries(db)  # one county: milliseconds
    for warning in preview.warnings:
        err.print(f"注意 / note: {warning}", markup=False, highlight=False, soft_wrap=True)
    if not preview.ok:
        for problem in preview.problems:
            err.print(str(problem), markup=False, highlight=False, soft_wrap=True)
        err.print(f"{len(preview.problems)} 个问题，未导入任何内容 / {len(preview.problems)} "
                  "problem(s); nothing was imported", markup=False, highlight=False,
                  soft_wrap=True)
        raise typer.Exit(EXIT_BAD_INPUT)
    verb = "would write" if dry_run else "imported"
    out.print(f"{verb} {preview.standards} standard(s) and {preview.observations} indicator "
              f"value(s) for county {county}: {len(preview.graph):,} triples in "
              f"{preview.graph_iri} ({len(preview.table):,} from the table, "
              f"{preview.triples_before:,} before)", markup=False, highlight=False,
              soft_wrap=True)
    if dry_run and turtle:
        sys.stdout.write(preview.graph.serialize(format="turtle"))
        sys.stdout.flush()


def _import_through_service(url: str, token: str | None, table: Path, county: str,
                            indicators: Path | None) -> None:
    from .service_client import import_through

    if not token:
        fail(StoreInUse(f"the store is served by `bpss-kg serve` at {url}; give --token (or "
                        "set BPSS_KG_TOKEN) to import through it"))
    try:
        answer = import_through(url, token, table, county, indicators)
    except BpssError as error:
        fail(error)
    out.print(f"imported {answer.get('standards')} standard(s) and {answer.get('observations')} "
              f"indicator value(s) for county {county} through {url}: "
              f"{answer.get('triples_written'):,} triples in {answer.get('graph')}",
              markup=False, highlight=False, soft_wrap=True)


@app.command()
def template(
    out_file: Annotated[Path, typer.Argument(metavar="OUT.xlsx", help="Where to write it")],
    store: StoreOption = None,  # accepted like every command's; the template needs no store
) -> None:
    """Write a blank 标准明细表 template (XLSX: drop-down lists, instructions, indicators)."""
    from .tables import template_bytes

    tmp = out_file.with_name(out_file.name + ".part")
    tmp.write_bytes(template_bytes())
    tmp.replace(out_file)
    out.print(f"wrote {out_file}")


@app.command()
def generate(
    counties: Annotated[int, typer.Option("--counties", min=1, max=2846,
                                          help="Number of counties (2846 = all)")],
    seed: Annotated[int, typer.Option("--seed", help="Random seed")],
    out_file: Annotated[Path, typer.Option("--out", help="Output .nq or .trig")],
    submissions: Annotated[str | None, typer.Option(
        "--submissions", metavar="YEARS",
        help="also write each county's yearly re-submission (e.g. 2022,2023 or 2021-2024) "
             "to OUT.submissions/YEAR.nq: its graph as at the end of each year")] = None,
    store: StoreOption = None,  # accepted like every command's; generation writes a file only
) -> None:
    """Write a deterministic synthetic national dataset (marked synthetic) and its manifest."""
    from .generate import generate as run_generator
    from .submissions import parse_years, write_submissions

    if out_file.suffix.lower() not in (".nq", ".trig"):
        fail(BadInput(f"--out must end in .nq or .trig, got {out_file.name!r}"))
    try:
        years = parse_years(submissions) if submissions is not None else []
        manifest = run_generator(counties=counties, seed=seed, out=out_file)
        files = write_submissions(out_file, years) if years else []
    except BpssError as error:
        fail(error)
    injected = getattr(manifest, "faults", None)
    out.print(f"wrote {out_file} ({counties} counties, seed {seed})"
              + (f", {len(injected)} injected faults listed in the manifest" if injected else ""))
    if files:
        out.print(f"wrote {len(files)} yearly submission(s) in {files[0].parent}")


@app.command("report")
def county_report(
    county: Annotated[str, typer.Option("--county", help="GB/T 2260 code of the county")],
    out_file: Annotated[Path, typer.Option("--out", help="report.pdf or report.html")],
    lang: Annotated[str, typer.Option("--lang", help="zh or en")] = "zh",
    store: StoreOption = None,
) -> None:
    """The county assessment report (coverage, indicators, findings by principle, assessments,
    satisfaction, improvement actions, feedback, editions) as PDF or HTML."""
    from .namespaces import is_division_code
    from .pdf import html_to_pdf

    if lang not in ("zh", "en"):
        fail(BadInput(f"unknown --lang {lang!r}; expected zh or en"))
    if out_file.suffix.lower() not in (".pdf", ".html"):
        fail(BadInput(f"--out must end in .pdf or .html, got {out_file.name!r}"))
    if not is_division_code(county):
        fail(BadInput(f"a county code has six digits, not {county!r}"))
    with opened_store(store, read=True) as db:
        from server import create_app
        from server.report import render_for_cli

        application = create_app(settings_for(store).with_overrides(query_workers=1), db)
        try:
            html = render_for_cli(application, county, lang)
        finally:
            application.extensions["bpss_kg"].queries.close()
        data = html_to_pdf(html) if out_file.suffix.lower() == ".pdf" else html.encode()
    out_file.write_bytes(data)
    out.print(f"wrote {out_file} ({len(data):,} bytes)")


@app.command()
def migrate(
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change; write "
                                          "nothing")] = False,
    output_format: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    store: StoreOption = None,
) -> None:
    """Move kind, sub-system and system number of older data from the standard to its entry in
    the system (bpss:SystemMembership), graph by graph; exit 0 done or nothing to do, 2 a
    standard that cannot be migrated (nothing written), 3 store error."""
    from .migrate import GraphPlan
    from .migrate import migrate as run_migrate

    if output_format not in ("text", "json"):
        fail(BadInput(f"unknown format {output_format!r} (text or json)"))
    with opened_store(store, read=dry_run, how_to_write="stop the server, then run "
                      "`bpss-kg migrate` (it writes every county graph)") as db:
        def through_gate(graph_plan: GraphPlan, do: Callable[[], None]) -> None:
            _audited(db, "cli migrate", {graph_plan.graph}, do)

        try:
            found = run_migrate(db, dry_run=dry_run, write=through_gate)
        except BpssError as error:
            fail(error)
        if found.graphs and not dry_run and not found.problems:
            from .derived import bring_up_to_date

            bring_up_to_date(db, summaries=False)
            _refresh_summaries(db)
    done = not dry_run and not found.problems
    if output_format == "json":
        sys.stdout.write(json.dumps({"dry_run": dry_run, "written": done and bool(found.graphs),
                                     "graphs": [g.summary() for g in found.graphs],
                                     "problems": found.problems}, ensure_ascii=False, indent=1)
                         + "\n")
    else:
        for problem in found.problems:
            err.print(f"cannot migrate: {problem}", markup=False, highlight=False,
                      soft_wrap=True)
        verb = "would move" if dry_run or found.problems else "moved"
        for g in found.graphs:
            out.print(f"{g.graph}: {verb} the classification of {g.standards} standard(s) to "
                      f"their entries ({g.entries_created} new, {g.triples_moved} triple(s) "
                      f"moved, {g.in_system_added} bpss:inSystem added; +{len(g.new_triples)} "
                      f"−{len(g.old_triples)} triples)", markup=False, highlight=False,
                      soft_wrap=True)
        if found.nothing_to_do:
            out.print("nothing to migrate: no standard carries kind, sub-system or system "
                      "number itself", markup=False, highlight=False)
        elif found.problems:
            err.print(f"{len(found.problems)} problem(s); nothing was written", markup=False,
                      highlight=False)
    if found.problems:
        raise typer.Exit(EXIT_BAD_INPUT)


@app.command("backup")
def backup_store(
    target: Annotated[Path, typer.Argument(metavar="FOLDER", help="A new folder for the backup")],
    store: StoreOption = None,
) -> None:
    """Back up the whole store: a dump plus the ontology's and shapes' versions."""
    from .backup import backup

    with opened_store(store, read=True) as db:
        manifest = backup(db, target)
    out.print(f"backed up {manifest['quads']:,} quads in {len(manifest['graphs'])} graphs "
              f"to {target}")


@app.command("restore")
def restore_store(
    source: Annotated[Path, typer.Argument(metavar="FOLDER", help="A folder made by backup")],
    store: StoreOption = None,
) -> None:
    """Restore a backup into an empty store (all or nothing; checked against its manifest)."""
    from .backup import restore

    with opened_store(store, how_to_write="restore into a store no server holds") as db:
        manifest = _audited(db, "cli restore", None, lambda: restore(db, source))
    out.print(f"restored {manifest['quads']:,} quads from {source} (ontology "
              f"{manifest['ontology_version']}, shapes {manifest['shapes_version']})")


@app.command()
def validate(
    files: Annotated[list[Path] | None, typer.Argument(
        help="RDF files to validate (default: the counties in the store)")] = None,
    county: Annotated[str | None, typer.Option("--county", help="Validate one county "
                                               "(GB/T 2260 code)")] = None,
    shapes: Annotated[list[Path] | None, typer.Option(
        "--shapes", help="Shapes file(s) to use instead of the bundled ones")] = None,
    fmt: Annotated[str, typer.Option("--format", help="text, turtle or json")] = "text",
    changed: Annotated[bool, typer.Option("--changed", help="Only counties changed since the "
                                          "last stored run")] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Judge date rules against this "
                                              "date (YYYY-MM-DD) [default: today]")] = None,
    engine: Annotated[str, typer.Option("--engine", help="sparql (fast) or pyshacl "
                                        "(reference)")] = "sparql",
    base: BaseOption = None,
    national_layer: Annotated[bool | None, typer.Option(
        "--national-layer/--no-national-layer", help="Validate FILEs as county data beside "
        "the bundled ontology and national layer [default: with the bundled shapes; with "
        "--shapes the files alone are the data graph, plain SHACL]", show_default=False)
    ] = None,
    store: StoreOption = None,
) -> None:
    """Check standard systems against the SHACL shapes; exit 0 conforms, 1 violations."""
    from datetime import date

    from .validation import validate as run_validation
    from .validation.report import render_json, render_text, render_turtle

    if fmt not in ("text", "turtle", "json"):
        fail(BadInput(f"unknown --format {fmt!r}; expected text, turtle or json"))
    if county is not None and files:
        fail(BadInput("--county applies to the store; give FILE... or --county, not both"))
    try:
        day = date.fromisoformat(as_of) if as_of else None
    except ValueError:
        fail(BadInput(f"--as-of expects YYYY-MM-DD, got {as_of!r}"))
    try:
        if files:
            run = run_validation(files=list(files), shapes=shapes, as_of=day, engine=engine,
                                 base=base, national_layer=national_layer)
            report = {"text": lambda: render_text(run), "json": lambda: render_json(run),
                      "turtle": lambda: render_turtle(run)}[fmt]()
        else:
            with opened_store(store, read=True) as db:
                target: Store = db
                if getattr(db, "read_only", False) and isinstance(db, OxigraphStore):
                    # beside a running server: validate a private copy, store no report
                    target = _validation_copy(db, county)
                    err.print("注意 / note: the store is served by `bpss-kg serve`; this run "
                              "validates its newest checkpoint and is not stored", markup=False,
                              highlight=False, soft_wrap=True)
                elif isinstance(db, RemoteStore):  # nothing of the run is written there
                    target = _validation_copy(db, county)
                run = run_validation(target, county=county, shapes=shapes, as_of=day,
                                     engine=engine, changed=changed and target is db,
                                     record=target is db)
                if isinstance(db, RemoteStore):
                    _store_remote_run(db, run)
                report = {"text": lambda: render_text(run, db), "json": lambda: render_json(run),
                          "turtle": lambda: render_turtle(run)}[fmt]()
    except BpssError as error:
        fail(error)
    for warning in run.warnings:
        err.print(f"注意 / warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    sys.stdout.write(report)
    sys.stdout.flush()
    raise typer.Exit(EXIT_OK if run.conforms else EXIT_VIOLATIONS)


def _validation_copy(db: Store, county: str | None) -> OxigraphStore:
    """An in-memory copy of what a validation of ``county`` (or of everything) reads."""
    import pyoxigraph as ox

    from .namespaces import NATIONAL_GRAPH, ONTOLOGY_GRAPH, county_graph

    if county is not None:
        graphs = [ox.NamedNode(str(g)) for g in (ONTOLOGY_GRAPH, NATIONAL_GRAPH,
                                                 county_graph(county))]
    else:
        graphs = db.named_graphs()
    copy = OxigraphStore(None)
    present = set(db.named_graphs())
    for graph in graphs:
        if graph in present:
            copy.copy_graph_from(db, graph)
    return copy


def _store_remote_run(db: Store, run: object) -> None:
    from .validation.storage import store_run

    try:
        store_run(db, run)  # type: ignore[arg-type]
    except BpssError as error:
        err.print(f"注意 / note: the report was not stored on the remote store: {error}",
                  markup=False, highlight=False, soft_wrap=True)


@app.command()
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to bind")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", min=1, max=65535)] = 8000,
    sample: Annotated[bool, typer.Option("--sample", help="Load the bundled sample data first "
                                          "when the store is empty")] = False,
    query_timeout: Annotated[float | None, typer.Option(
        "--query-timeout", help="Seconds a query may run [default: $BPSS_KG_QUERY_TIMEOUT or 30]")
    ] = None,
    result_limit: Annotated[int | None, typer.Option(
        "--result-limit", help="Most rows a query may return "
        "[default: $BPSS_KG_RESULT_LIMIT or 100000]")] = None,
    engine: Annotated[str | None, typer.Option(
        "--engine", help="Engine for /sparql reads: maplib (falls back to Oxigraph per query) "
        "or oxigraph [default: $BPSS_KG_ENGINE or maplib]")] = None,
    store: StoreOption = None,
) -> None:
    """Serve the SPARQL endpoint, the JSON API and the UI (gunicorn)."""
    from .serving import prepare_store, running_server
    from .serving import serve as run_server

    if engine is not None and engine not in ("maplib", "oxigraph"):
        fail(BadInput(f"--engine must be maplib or oxigraph, not {engine!r}"))
    settings = settings_for(store).with_overrides(query_timeout=query_timeout,
                                                  result_limit=result_limit, engine=engine)
    try:
        done = prepare_store(settings, sample)
    except StoreInUse as error:
        other = running_server(settings)
        fail(StoreInUse(f"the store is already served at {other}; stop that server first",
                        Location(file=settings.store)) if other else error)
    except BpssError as error:
        fail(error)
    if done:
        err.print(done)
    err.print(f"serving {settings.store} on http://{host}:{port}/  (SPARQL: /sparql)")
    run_server(settings, host, port)


token_app = typer.Typer(help="Scoped write tokens of the service (stored hashed beside the "
                        "store; these commands work while it runs).", no_args_is_help=True)
app.add_typer(token_app, name="token")


def _registry(store: str | None):  # type: ignore[no-untyped-def]
    from .access import AccessRegistry

    return AccessRegistry(settings_for(store).state_dir)


@token_app.command("add")
def token_add(
    county: Annotated[str | None, typer.Option("--county", help="May write this county's "
                                               "graph (GB/T 2260 code)")] = None,
    province: Annotated[str | None, typer.Option("--province", help="May write the graphs "
                                                 "of this province's counties")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="May write any graph")] = False,
    label: Annotated[str, typer.Option("--label", help="Who holds it (shown in the audit "
                                       "log), e.g. the office's name")] = "",
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    store: StoreOption = None,
) -> None:
    """Create a token; it is printed once and stored only as a digest."""
    from .access import Scope

    chosen = [(k, v) for k, v in (("county", county), ("province", province)) if v] + (
        [("admin", None)] if admin else [])
    if len(chosen) != 1:
        fail(BadInput("give exactly one of --county CODE, --province CODE, --admin"))
    try:
        scope = Scope.of(*chosen[0])
        with _registry(store) as registry:
            record, secret = registry.add(scope, label)
    except BpssError as error:
        fail(error)
    if fmt == "json":
        out.print_json(json.dumps(record.to_dict() | {"token": secret}, ensure_ascii=False))
        return
    out.print(f"token {record.id} ({record.scope}, {record.label}):", highlight=False)
    sys.stdout.write(secret + "\n")
    err.print("shown only now: give it to its holder; `bpss-kg token revoke "
              f"{record.id}` withdraws it", highlight=False)


@token_app.command("list")
def token_list(
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    store: StoreOption = None,
) -> None:
    """The tokens, with their scope and whether they are revoked (never the tokens)."""
    try:
        with _registry(store) as registry:
            tokens = registry.tokens()
    except BpssError as error:
        fail(error)
    if fmt == "json":
        out.print_json(json.dumps([t.to_dict() for t in tokens], ensure_ascii=False))
        return
    table = Table("id", "scope", "label", "created", "revoked")
    for t in tokens:
        table.add_row(t.id, str(t.scope), t.label, t.created, t.revoked or "")
    out.print(table)


@token_app.command("revoke")
def token_revoke(
    token_id: Annotated[str, typer.Argument(metavar="ID", help="The token's id (tok-…)")],
    store: StoreOption = None,
) -> None:
    """Withdraw a token: refused from the next request on."""
    try:
        with _registry(store) as registry:
            record = registry.revoke(token_id)
    except BpssError as error:
        fail(error)
    out.print(f"revoked {record.id} ({record.scope}, {record.label})", highlight=False)


@app.command()
def audit(
    county: Annotated[str | None, typer.Option("--county", help="Only writes of this "
                                               "county's graph")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Only writes of this graph")
                     ] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only writes since this date "
                                              "or time (ISO 8601, UTC)")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1)] = 100,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    store: StoreOption = None,
) -> None:
    """The audit log: who wrote which graph when, triples added and removed (newest first)."""
    from .namespaces import county_graph

    if county is not None:
        graph = str(county_graph(county))
    try:
        with _registry(store) as registry:
            entries = registry.audit(graph=graph, since=since, limit=limit)
    except BpssError as error:
        fail(error)
    if fmt == "json":
        out.print_json(json.dumps([e.to_dict() for e in entries], ensure_ascii=False))
        return
    table = Table("time", "who", "scope", "action", "graph", "added", "removed")
    for e in entries:
        table.add_row(e.time, f"{e.label} ({e.token})", e.scope, e.action, e.graph or "(default)",
                      "" if e.added is None else str(e.added),
                      "" if e.removed is None else str(e.removed))
    out.print(table)


def _graph_option(county: str | None, graph: str | None) -> str:
    from .namespaces import county_graph, is_division_code

    if (county is None) == (graph is None):
        fail(BadInput("give --county CODE or --graph IRI"))
    if county is not None and not is_division_code(county):
        fail(BadInput(f"--county expects a six-digit GB/T 2260 code, got {county!r}"))
    return str(county_graph(county)) if county is not None else str(graph)


@app.command()
def history(
    county: Annotated[str | None, typer.Option("--county", help="GB/T 2260 code")] = None,
    graph: Annotated[str | None, typer.Option("--graph", help="Or any graph's IRI")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    store: StoreOption = None,
) -> None:
    """The editions of a county's system (or a graph): when, who, what, triples added and
    removed (works beside a running server)."""
    from .editions import EditionLog

    target = _graph_option(county, graph)
    with EditionLog(settings_for(store).state_dir) as log:
        editions = log.editions(graph=target, limit=100_000)
    if fmt == "json":
        out.print_json(json.dumps([e.to_dict() for e in editions], ensure_ascii=False))
        return
    table = Table("edition", "time (UTC)", "who", "action", "kind", "added", "removed", "triples",
                  title=target)
    for e in editions:
        table.add_row(str(e.number), e.time[:19], f"{e.label} ({e.token})", e.action, e.kind,
                      str(e.added), str(e.removed), str(e.triples))
    out.print(table)
    if not editions:
        out.print("no editions (writes are recorded from the first write through bpss-kg on)",
                  style="dim")


@app.command("diff")
def diff_editions_command(
    county: Annotated[str, typer.Option("--county", help="GB/T 2260 code")],
    from_edition: Annotated[int | None, typer.Option(
        "--from", help="Older edition number [default: the one before --to; 0: empty]",
        show_default=False)] = None,
    to_edition: Annotated[int | None, typer.Option(
        "--to", help="Newer edition number [default: the newest]", show_default=False)] = None,
    fmt: Annotated[str, typer.Option("--format", help="text or json")] = "text",
    store: StoreOption = None,
) -> None:
    """What changed in a county's standard system between two editions, in the words of a
    标准明细表: standards added, withdrawn, revised; items gained or lost; indicator values."""
    from .editions import EditionLog
    from .system_diff import diff_to_dict, edition_pair, label_book, report_lines

    if fmt not in ("text", "json"):
        fail(BadInput(f"unknown --format {fmt!r}; expected text or json"))
    target = _graph_option(county, None)
    try:
        with EditionLog(settings_for(store).state_dir) as log:
            from_n, to_n, diff = edition_pair(log, target, f"county {county}", from_edition,
                                              to_edition)
            stamps = {e.number: e for e in log.editions(graph=target, limit=100_000)}
    except BpssError as error:
        fail(error)
    with opened_store(store, read=True) as db:
        labels = label_book(db, diff)

    def stamp(n: int) -> str:
        e = stamps.get(n)
        return "empty 空" if e is None else f"{e.time[:19]} {e.label} ({e.action})"

    if fmt == "json":
        out.print_json(json.dumps({"county": county, "from": from_n, "to": to_n,
                                   **diff_to_dict(diff, labels)}, ensure_ascii=False))
        return
    out.print(f"county {county}: edition {from_n} [{escape(stamp(from_n))}] → edition {to_n} "
              f"[{escape(stamp(to_n))}]", highlight=False)
    for line in report_lines(diff, labels):
        out.print(escape(line), highlight=False, soft_wrap=True)


def _remote(endpoint: str, update: str | None, gsp: str | None, token: str | None):  # type: ignore[no-untyped-def]
    """The remote store of a push or pull (credentials from $BPSS_KG_STORE_USER/PASSWORD)."""
    from .store.remote import RemoteStore

    if not endpoint.startswith(("http://", "https://")):
        fail(BadInput(f"--endpoint must be an http(s) URL, got {endpoint!r}"))
    env = settings_for(None)
    return RemoteStore(endpoint, update_endpoint=update, graph_store=gsp,
                       user=env.store_user, password=env.store_password,
                       token=token or env.store_token, timeout=max(env.query_timeout, 60.0))


def _state_dir(store: str | None) -> Path:
    return settings_for(store).state_dir


@app.command()
def push(
    endpoint: Annotated[str, typer.Option("--endpoint", help="SPARQL endpoint of the remote "
                                          "store (query; also update unless --update)")],
    graph: Annotated[list[str] | None, typer.Option(
        "--graph", help="Graph IRI to send (repeatable) [default: national and every county]")
    ] = None,
    changed: Annotated[bool, typer.Option("--changed", help="Only graphs changed since their "
                                          "last successful push to this endpoint")] = False,
    gsp: Annotated[str | None, typer.Option("--gsp", help="Graph Store Protocol URL of the "
                                            "remote store (PUT per graph)")] = None,
    update: Annotated[str | None, typer.Option("--update", help="SPARQL Update endpoint, if "
                                               "not the --endpoint")] = None,
    token: Annotated[str | None, typer.Option("--token", help="Bearer token for the remote "
                                              "writes [default: $BPSS_KG_STORE_TOKEN]")] = None,
    store: StoreOption = None,
) -> None:
    """Send county / national graphs to a remote SPARQL store, one idempotent request each."""
    import pyoxigraph as ox

    from .exchange import STATE_FILE, PushState
    from .exchange import push as run_push

    with opened_store(store, read=True) as db:
        remote = _remote(endpoint, update, gsp, token)
        state = PushState(_state_dir(store) / STATE_FILE)
        targets = [ox.NamedNode(g) for g in graph] if graph else None
        from .editions import EditionLog

        with EditionLog(_state_dir(store)) as log:
            report = run_push(db, remote, state, graphs=targets, changed=changed, editions=log,
                              on_graph=lambda g, what: err.print(f"{what}: {g}",
                                                                 highlight=False))
    out.print(f"pushed {len(report.sent)} graph(s)"
              + (f" ({len(report.deltas)} as their changes only)" if report.deltas else "")
              + (f", {len(report.unchanged)} unchanged" if report.unchanged else ""))


@app.command()
def pull(
    endpoint: Annotated[str, typer.Option("--endpoint", help="SPARQL endpoint to read from")],
    graph: Annotated[str, typer.Option("--graph", help="IRI of the graph to bring in")],
    as_graph: Annotated[str | None, typer.Option("--as", help="Local graph IRI to replace "
                                                 "[default: the same IRI]")] = None,
    gsp: Annotated[str | None, typer.Option("--gsp", help="Graph Store Protocol URL to GET "
                                            "from (else SPARQL CONSTRUCT)")] = None,
    allow_violations: Annotated[bool, typer.Option(
        "--allow-violations", help="Replace the graph even when SHACL finds violations")
    ] = False,
    store: StoreOption = None,
) -> None:
    """Bring a graph from a remote SPARQL endpoint into the store, checked before it replaces
    the old one."""
    import pyoxigraph as ox

    from .exchange import pull as run_pull

    with opened_store(store, how_to_write="stop it to pull, or PUT the graph through its "
                      "/graph-store with a token") as db:
        remote = _remote(endpoint, None, gsp, None)
        target = ox.NamedNode(as_graph) if as_graph else None
        report = _audited(db, "cli pull", {(as_graph or graph)}, lambda: run_pull(
            db, remote, ox.NamedNode(graph), target, allow_violations=allow_violations))
        from .derived import bring_up_to_date

        bring_up_to_date(db)
    for line in report.checks:
        err.print(f"check: {line}", highlight=False)
    out.print(f"{'replaced' if report.replaced else 'created'} {report.graph}: "
              f"{report.triples:,} triples")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover - python -m bpss_kg.cli
    main()
