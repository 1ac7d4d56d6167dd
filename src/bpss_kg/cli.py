"""The ``bpss-kg`` command line: parse arguments, call the library, print.

Exit codes: 0 success; 1 validation found violations; 2 bad input or usage; 3 store error.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from . import loading, results
from .config import Settings
from .errors import BadInput, BpssError, NotFound, StoreError
from .store import Store, open_store

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
    return Settings.from_env().with_overrides(store=store)


def fail(error: BpssError) -> NoReturn:
    err.print(f"[bold red]error:[/] {escape(str(error))}", highlight=False, markup=True,
              soft_wrap=True)  # a path or IRI in the message stays on one line
    code = EXIT_STORE if isinstance(error, StoreError) else EXIT_BAD_INPUT
    raise typer.Exit(code)


@contextmanager
def opened_store(store: str | None) -> Iterator[Store]:
    """Open the store for one command; map library errors to exit codes once."""
    handle: Store | None = None
    try:
        handle = open_store(settings_for(store))
        yield handle
    except BpssError as error:
        fail(error)
    finally:
        if handle is not None:
            handle.close()


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
    store: StoreOption = None,
) -> None:
    """Load RDF files into the store, all or nothing."""
    if not files and not sample:
        fail(BadInput("give FILE... or --sample"))
    with opened_store(store) as db:
        try:
            sources = loading.sample_sources() if sample else []
            sources += [loading.source_for_file(Path(f), graph, base) for f in files or []]
        except BpssError as error:
            fail(error)
        total = sum(s.size for s in sources)
        with _progress(total) as bar:
            task = bar.add_task("loading", total=total)
            report = loading.load_sources(db, sources, lambda n: bar.advance(task, n))
        out.print(f"loaded {len(report.documents)} document(s): "
                  f"{report.quads_after - report.quads_before:+,} quads, "
                  f"{report.quads_after:,} in the store")
        if not no_summaries:
            _refresh_summaries(db)


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
    with opened_store(store) as db:
        _refresh_summaries(db)


@app.command("load-list")
def load_list(
    table: Annotated[Path, typer.Argument(help="National list table (CSV, columns as "
                                          "data/national-list-2023.csv)")],
    store: StoreOption = None,
) -> None:
    """Replace the national service list by the one built from TABLE."""
    with opened_store(store) as db:
        count = loading.load_national_list(db, table)
        out.print(f"national list replaced: {count:,} triples from {table}")


@app.command()
def query(
    query_ref: Annotated[str, typer.Argument(metavar="FILE.rq|NAME",
                                             help="A .rq file or a library query name")],
    param: Annotated[list[str] | None, typer.Option("--param", help="NAME=VALUE, bound as a "
                                                     "typed term (repeatable)")] = None,
    fmt: Annotated[str, typer.Option("--format", help="table, csv or json")] = "table",
    store: StoreOption = None,
) -> None:
    """Run a SPARQL query from a file or the query library."""
    from .queries import find_query, run_library_query

    if fmt not in ("table", "csv", "json"):
        fail(BadInput(f"unknown --format {fmt!r}; expected table, csv or json"))
    values: dict[str, str] = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            fail(BadInput(f"--param expects NAME=VALUE, got {item!r}"))
        values[name.strip()] = value
    with opened_store(store) as db:
        try:
            library_query = find_query(query_ref)
        except (NotFound, BadInput) as error:
            fail(error)
        result = run_library_query(db, library_query, values)
        if fmt == "table":
            columns, body = results.rows(result)
            table = Table(*columns, title=library_query.title.get("zh"), show_lines=False)
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
    with opened_store(store) as db:
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
    with opened_store(store) as db:
        target = ox.NamedNode(graph) if graph else None
        if target is not None and target not in db.named_graphs():
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
    with opened_store(store) as db:
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
    store: StoreOption = None,
) -> None:
    """Import a county's 标准明细表; exit 0 imported, 2 nothing imported (problems listed)."""
    from .tables import import_table as run_import

    with opened_store(store) as db:
        try:
            preview = run_import(db, table, county, dry_run=dry_run, indicators=indicators)
        except BpssError as error:
            fail(error)
        if preview.ok and not dry_run:
            from .search import rebuild_index

            rebuild_index(db)  # the imported names become searchable
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
    store: StoreOption = None,  # accepted like every command's; generation writes a file only
) -> None:
    """Write a deterministic synthetic national dataset (marked synthetic) and its manifest."""
    from .generate import generate as run_generator

    if out_file.suffix.lower() not in (".nq", ".trig"):
        fail(BadInput(f"--out must end in .nq or .trig, got {out_file.name!r}"))
    try:
        manifest = run_generator(counties=counties, seed=seed, out=out_file)
    except BpssError as error:
        fail(error)
    injected = getattr(manifest, "faults", None)
    out.print(f"wrote {out_file} ({counties} counties, seed {seed})"
              + (f", {len(injected)} injected faults listed in the manifest" if injected else ""))


@app.command("backup")
def backup_store(
    target: Annotated[Path, typer.Argument(metavar="FOLDER", help="A new folder for the backup")],
    store: StoreOption = None,
) -> None:
    """Back up the whole store: a dump plus the ontology's and shapes' versions."""
    from .backup import backup

    with opened_store(store) as db:
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

    with opened_store(store) as db:
        manifest = restore(db, source)
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
            with opened_store(store) as db:
                run = run_validation(db, county=county, shapes=shapes, as_of=day,
                                     engine=engine, changed=changed)
                report = {"text": lambda: render_text(run, db), "json": lambda: render_json(run),
                          "turtle": lambda: render_turtle(run)}[fmt]()
    except BpssError as error:
        fail(error)
    for warning in run.warnings:
        err.print(f"注意 / warning: {warning}", markup=False, highlight=False, soft_wrap=True)
    sys.stdout.write(report)
    sys.stdout.flush()
    raise typer.Exit(EXIT_OK if run.conforms else EXIT_VIOLATIONS)


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
    store: StoreOption = None,
) -> None:
    """Serve the SPARQL endpoint, the JSON API and the UI (gunicorn)."""
    from .serving import serve as run_server

    settings = settings_for(store).with_overrides(query_timeout=query_timeout,
                                                  result_limit=result_limit)
    if sample:
        with opened_store(store) as db:
            if len(db) == 0:
                report = loading.load_sample(db)
                err.print(f"loaded the sample data: {report.quads_after:,} quads")
    try:
        handle = open_store(settings)
        handle.close()
    except BpssError as error:
        fail(error)
    err.print(f"serving {settings.store} on http://{host}:{port}/  (SPARQL: /sparql)")
    run_server(settings, host, port)


def _remote(endpoint: str, update: str | None, gsp: str | None, token: str | None):  # type: ignore[no-untyped-def]
    """The remote store of a push or pull (credentials from $BPSS_KG_STORE_USER/PASSWORD)."""
    from .store.remote import RemoteStore

    if not endpoint.startswith(("http://", "https://")):
        fail(BadInput(f"--endpoint must be an http(s) URL, got {endpoint!r}"))
    env = Settings.from_env()
    return RemoteStore(endpoint, update_endpoint=update, graph_store=gsp,
                       user=env.store_user, password=env.store_password,
                       token=token or env.store_token, timeout=max(env.query_timeout, 60.0))


def _state_dir(store: str | None) -> Path:
    settings = settings_for(store)
    return Path.cwd() / ".bpss-kg" if settings.store_is_remote else settings.store_path


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

    with opened_store(store) as db:
        remote = _remote(endpoint, update, gsp, token)
        state = PushState(_state_dir(store) / STATE_FILE)
        targets = [ox.NamedNode(g) for g in graph] if graph else None
        report = run_push(db, remote, state, graphs=targets, changed=changed,
                          on_graph=lambda g, what: err.print(f"{what}: {g}", highlight=False))
    out.print(f"pushed {len(report.sent)} graph(s)"
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

    with opened_store(store) as db:
        remote = _remote(endpoint, None, gsp, None)
        target = ox.NamedNode(as_graph) if as_graph else None
        report = run_pull(db, remote, ox.NamedNode(graph), target,
                          allow_violations=allow_violations)
    for line in report.checks:
        err.print(f"check: {line}", highlight=False)
    out.print(f"{'replaced' if report.replaced else 'created'} {report.graph}: "
              f"{report.triples:,} triples")


def main() -> None:  # pragma: no cover - console entry point
    app()


if __name__ == "__main__":  # pragma: no cover - python -m bpss_kg.cli
    main()
