"""The `mieruka` command: run the pipeline, check source health, serve the schedule.

A person's first mistakes (a misspelt source, a data directory that is a file, a bad flag) end
in one line and exit code 2 before Prefect starts: arguments, sources and the data directory are
checked, and the warehouse lock is taken (exit 3 when another run holds it), before anything
imports Prefect. Prefect reads its settings when it is imported, so the environment (a
PREFECT_HOME under the data directory, no telemetry, quiet logs) is set before that too.

`status` never imports Prefect and never writes: it opens the published copy read-only.
"""

from __future__ import annotations

import argparse
import atexit
import difflib
import os
import re
import signal
import sys
import textwrap
import traceback
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXIT_OK = 0
EXIT_FAILED_SOURCES = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_NOT_PUBLISHED = 4  # nothing was published (the run failed before or while publishing)
#: what a failure's cause text says -> what to check next (first match wins)
HINTS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("name or service not known", "temporary failure in name resolution", "nodename nor servname",
      "no address associated", "getaddrinfo", "name resolution", "dns"),
     "host name not found: no network? (replay mode needs none)"),
    (("connection refused",), "nothing listens there: is the service down, or is a proxy needed?"),
    (("network is unreachable", "no route to host"), "no route to the host: no network?"),
    (("timed out", "timeout"), "no answer in time: a slow or filtered network?"),
    (("certificate", "ssl", "tls"), "TLS failed: check the system CA certificates or an intercepting proxy"),
    (("http 401", "http 403"), "refused: check the credentials (e.g. ESTAT_APP_ID)"),
    (("http 429", "http 5"), "the service is busy or failing: try again later"),
)


_FETCH_ERROR = re.compile(r"^GET (?P<url>.+?) failed: (?P<cause>.*)$")


class UsageError(Exception):
    """A mistake in the command line: printed as one line, exit code 2."""


def _prefect_env(data_dir: Path, verbose: bool, one_shot: bool) -> None:
    """Point Prefect at a home under the data directory, quietly, before Prefect is imported."""
    os.environ.setdefault("PREFECT_HOME", str(data_dir / "prefect"))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    if one_shot:
        os.environ.setdefault("PREFECT_UI_ENABLED", "false")
        # services a one-shot server does not need; they only slow its start
        for service in ("SCHEDULER", "LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS",
                        "TRIGGERS", "REPOSSESSOR", "MARKETING"):
            os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
    # Prefect's console lines (its tracebacks included) only with -v: the command prints its own
    os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "INFO" if verbose else "CRITICAL")


def _data_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("MIERUKA_DATA_DIR") or PROJECT_ROOT / "data").expanduser().resolve()


def build_parser() -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The top-level parser and, per command, its own parser (to print that command's usage)."""
    parser = argparse.ArgumentParser(
        prog="mieruka",
        description="見える化 — fetch official statistics and news, normalise them into a DuckDB warehouse, "
        "and publish derived tables (digital deficit, content exports, budgets, creators' pay, claims).",
        epilog="Examples:\n  mieruka run                      # whole pipeline on recorded snapshots (no network)\n"
        "  mieruka run --mode live --source worldbank\n  mieruka status\n\n"
        "Exit codes: 0 ok; 1 a source failed (the others loaded and published); 2 usage error;\n"
        "3 another run holds the warehouse lock.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the pipeline once",
        description="Run the pipeline once through the Prefect flow `pipeline`: fetch -> raw archive -> parse -> "
        "load -> marts -> publish. Exits 1 when any source failed (the others still load and publish), "
        "2 on a usage error, 3 when another run holds the warehouse, 4 when nothing was published (the previous "
        "publication stays).",
    )
    run.add_argument("--mode", choices=["replay", "live", "record"], default="replay",
                     help="replay: recorded snapshots, no network (default); live: call the public APIs; "
                     "record: live, and write every response into the snapshot folder")
    run.add_argument("--snapshots", metavar="PATH", help="snapshot folder to replay from or record into "
                     "(default: snapshots/ in the project)")
    run.add_argument("--data-dir", metavar="PATH", help="where everything the run writes goes (default: data/; "
                     "env MIERUKA_DATA_DIR)")
    run.add_argument("--source", action="append", metavar="NAME",
                     help="run only this source (repeatable, any case); default: every source in "
                     "catalog/sources.yaml")
    _warehouse_arguments(run)
    run.add_argument("--workers", type=int, metavar="N", default=0,
                     help="run each source as its own flow run on a Prefect process work pool with N workers "
                     "(a temporary local Prefect server unless PREFECT_API_URL is set); default: one process")
    run.add_argument("-v", "--verbose", action="store_true",
                     help="also show Prefect's own log lines and the traceback of a failure")

    status = sub.add_parser(
        "status",
        help="show each source's health; exit 1 when one is stale or failing",
        description="Read the published warehouse read-only (it writes nothing) and show, per source, its state, "
        "whether its data are samples, the last success, the last error and its age. Exits 1 when a source "
        "failed last or is older than the cadence its catalog entry declares, so cron or a monitor can use it.",
    )
    status.add_argument("--data-dir", metavar="PATH", help="data directory (default: data/; env MIERUKA_DATA_DIR)")
    _warehouse_arguments(status)

    serve = sub.add_parser(
        "serve",
        help="run the schedule on this machine (local Prefect server and UI on 127.0.0.1)",
        description="Start a Prefect server with its UI on 127.0.0.1:PORT (state under DATA_DIR/prefect), serve the "
        "`pipeline` deployment on the cron schedule of prefect.yaml, and stop both on Ctrl-C or SIGTERM. To "
        "use a remote Prefect server instead, set PREFECT_API_URL and run `prefect deploy` (see README).",
    )
    serve.add_argument("--data-dir", metavar="PATH", help="data directory (default: data/; env MIERUKA_DATA_DIR)")
    serve.add_argument("--port", type=int, default=4200, help="port of the local Prefect server and UI (default 4200)")

    cat = sub.add_parser("catalog", help="validate the catalog",
                         description="mieruka catalog check: validate catalog/*.yaml without fetching anything; "
                         "exits 1 naming the file and entry on error.")
    cat.add_argument("what", metavar="check", nargs="?", help="the one catalog command: check")
    return parser, {"run": run, "status": status, "serve": serve, "catalog": cat}


def _warehouse_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", metavar="URL",
                        help="duckdb:<path> (default: the embedded file under the data dir) or "
                        "ducklake:postgres:<libpq conninfo> (no password: PGPASSWORD or ~/.pgpass); "
                        "env MIERUKA_WAREHOUSE")
    parser.add_argument("--lake-data-path", metavar="DIR|s3://bucket/prefix",
                        help="where a DuckLake keeps its Parquet files (created if missing); "
                        "env MIERUKA_LAKE_DATA_PATH")


def main(argv: list[str] | None = None) -> int:
    parser, commands = build_parser()
    argv = sys.argv[1:] if argv is None else argv
    if argv and not argv[0].startswith("-") and argv[0] not in commands:
        close = difflib.get_close_matches(argv[0], list(commands), n=1, cutoff=0.5)
        guess = f" (did you mean {close[0]}?)" if close else ""
        print(f"mieruka: unknown command '{argv[0]}'{guess}; commands: {', '.join(commands)} "
              "(mieruka --help)", file=sys.stderr)
        return EXIT_USAGE
    args, extras = parser.parse_known_args(argv)
    command = commands[args.command]
    if extras:
        command.error(f"unrecognized arguments: {' '.join(extras)}")
    if args.command == "catalog" and args.what != "check":
        given = f"unknown catalog command '{args.what}'" if args.what else "no catalog command given"
        command.error(f"{given}; the only one is `mieruka catalog check` (validate catalog/*.yaml)")
    verbose = getattr(args, "verbose", False)
    try:
        if args.command == "catalog":
            return _catalog_check()
        if args.command == "status":
            return _status(args)
        if args.command == "serve":
            return _serve(args)
        return _run(args)
    except UsageError as exc:
        print(f"mieruka {args.command}: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print(f"mieruka {args.command}: interrupted", file=sys.stderr)
        return 128 + signal.SIGINT
    except Exception as exc:
        if verbose:
            traceback.print_exc()
        first = (str(exc).strip().splitlines() or [""])[0]
        more = "" if verbose else " (run with -v for the traceback)" if args.command == "run" else ""
        print(f"mieruka {args.command}: error: {type(exc).__name__}: {first}{more}", file=sys.stderr)
        return EXIT_FAILED_SOURCES


def _catalog_check() -> int:
    from catalog import CatalogError, load_catalog

    try:
        catalog = load_catalog()
    except CatalogError as exc:
        print(f"catalog error: {exc}", file=sys.stderr)
        return 1
    print(f"catalog ok: {len(catalog.sources)} sources, {len(catalog.indicators)} indicators")
    return 0


def resolve_sources(requested: list[str] | None, known: list[str]) -> list[str] | None:
    """Catalog source ids for the names asked for, in any case; UsageError naming the known ones."""
    if not requested:
        return None
    by_lower = {source.lower(): source for source in known}
    resolved: list[str] = []
    for name in requested:
        source = by_lower.get(name.strip().lower())
        if source is None:
            close = difflib.get_close_matches(name.strip().lower(), list(by_lower), n=1, cutoff=0.6)
            guess = f" (did you mean {by_lower[close[0]]}?)" if close else ""
            raise UsageError(f"unknown source '{name}'{guess}; known sources: {', '.join(known)}")
        if source not in resolved:
            resolved.append(source)
    return resolved


def check_data_dir(path: Path, create: bool) -> None:
    """UsageError when `path` cannot be the data directory (a file, under a file, not writable)."""
    if path.exists() and not path.is_dir():
        raise UsageError(f"--data-dir {path} is a file, not a directory; pass a directory"
                         + (" (created if missing)" if create else ""))
    blocker = next((parent for parent in path.parents if parent.exists()), None)
    if blocker is not None and not blocker.is_dir():
        raise UsageError(f"--data-dir {path} is inside {blocker}, which is a file; pass a directory")
    if not create:
        return
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot create --data-dir {path}: {exc.strerror}; pass a writable directory") from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise UsageError(f"cannot write to --data-dir {path}; pass a writable directory")


def _status(args: argparse.Namespace) -> int:
    from flows.status import print_status

    data_dir = _data_dir(args.data_dir)
    check_data_dir(data_dir, create=False)
    return print_status(data_dir, _warehouse(args, data_dir))


def _serve(args: argparse.Namespace) -> int:
    from flows.serve import port_in_use, serve

    data_dir = _data_dir(args.data_dir)
    check_data_dir(data_dir, create=True)
    if not os.environ.get("PREFECT_API_URL") and port_in_use(args.port):
        raise UsageError(f"port {args.port} on 127.0.0.1 is in use (another Prefect server?); pass --port")
    _prefect_env(data_dir, verbose=True, one_shot=False)
    return serve(data_dir, args.port)


def _run(args: argparse.Namespace) -> int:
    from catalog import CatalogError, load_catalog
    from flows.lock import WarehouseLocked, run_lock

    try:
        catalog = load_catalog()
    except CatalogError as exc:
        raise UsageError(f"catalog error: {exc}") from None
    sources = resolve_sources(args.source, list(catalog.sources))
    data_dir = _data_dir(args.data_dir)
    check_data_dir(data_dir, create=True)
    if args.snapshots and args.mode == "replay" and not Path(args.snapshots).is_dir():
        raise UsageError(f"--snapshots {args.snapshots} is not a directory of recorded snapshots")
    if args.workers < 0:
        raise UsageError("--workers must be 0 (one process) or more")
    warehouse = _warehouse(args, data_dir)
    with ExitStack() as stack:
        try:
            stack.enter_context(run_lock(data_dir))
        except WarehouseLocked as exc:
            print(f"mieruka run: refused: {exc}", file=sys.stderr)
            return EXIT_LOCKED
        except OSError as exc:
            raise UsageError(
                f"cannot write to --data-dir {data_dir}: {exc.strerror}; pass a writable directory"
            ) from None
        if args.workers:
            from flows.workers_pool import SOURCE_DEPLOYMENT, LocalPool

            warehouse.ensure_data_path()
            _prefect_env(data_dir, args.verbose, one_shot=False)
            _stop_on_sigterm(None)
            with LocalPool(data_dir, args.workers):
                return _run_flow(args, data_dir, sources, source_deployment=SOURCE_DEPLOYMENT)
        return _run_locked(args, data_dir, sources)


def _warehouse(args: argparse.Namespace, data_dir: Path):
    """The warehouse the arguments or environment name; also exported to the environment, so that
    workers and the flow runs they start use the same one (credentials stay out of flow parameters)."""
    from warehouse.backend import Warehouse, WarehouseError

    if getattr(args, "warehouse", None):
        os.environ["MIERUKA_WAREHOUSE"] = args.warehouse
    if getattr(args, "lake_data_path", None):
        os.environ["MIERUKA_LAKE_DATA_PATH"] = args.lake_data_path
    try:
        return Warehouse.from_settings(data_dir)
    except WarehouseError as exc:
        raise UsageError(str(exc)) from None


def _run_locked(args: argparse.Namespace, data_dir: Path, sources: list[str] | None) -> int:
    """Start (or reuse) a Prefect API, run the flow under the lock this process holds, report."""
    _prefect_env(data_dir, args.verbose, one_shot=True)
    server = None
    if not os.environ.get("PREFECT_API_URL"):
        from flows.serve import PrefectServer

        server = PrefectServer(Path(os.environ["PREFECT_HOME"]) / "server.log", one_shot=True)
        _stop_on_sigterm(server)
        # Prefect reads PREFECT_API_URL when it is imported: the URL is known as soon as the process is
        # launched, so the flows are imported while the server boots (both take seconds)
        os.environ["PREFECT_API_URL"] = launched = server.launch()
        # at exit, after Prefect's log and event workers (registered later, so run earlier) have
        # sent what they hold; on SIGTERM the handler stops it, and PR_SET_PDEATHSIG on kill -9
        atexit.register(server.stop)
        import flows.pipeline  # noqa: F401  (the import is the point: it overlaps the server's boot)

        api_url = server.wait()
        if api_url != launched:  # relaunched on another port: tell the imported Prefect
            from prefect.settings import PREFECT_API_URL, temporary_settings

            os.environ["PREFECT_API_URL"] = api_url
            with temporary_settings(updates={PREFECT_API_URL: api_url}):
                return _run_flow(args, data_dir, sources)
    else:
        _stop_on_sigterm(None)
    return _run_flow(args, data_dir, sources)


def _stop_on_sigterm(server) -> None:
    """On SIGTERM: stop the Prefect server this process started, then exit 143 at once.

    The warehouse is safe to leave at any point (one transaction per run, publication swapped
    atomically; the lock is released by the OS); the run keeps status `running` in ops.runs.
    """

    def handler(signum: int, _frame) -> None:
        print("mieruka run: terminated (SIGTERM); stopping the Prefect server", file=sys.stderr, flush=True)
        if server is not None:
            server.stop()
        os._exit(128 + signum)

    signal.signal(signal.SIGTERM, handler)


def _run_flow(
    args: argparse.Namespace, data_dir: Path, sources: list[str] | None, source_deployment: str | None = None
) -> int:
    from catalog import CatalogError
    from flows.lock import WarehouseLocked
    from flows.pipeline import NothingPublished, PipelineFailed, pipeline

    state = pipeline(
        mode=args.mode,
        sources=sources,
        snapshots_dir=args.snapshots,
        data_dir=str(data_dir),
        source_deployment=source_deployment,
        return_state=True,
    )
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, PipelineFailed):
        print_summary(outcome.summary)
        print_failures(outcome.summary.sources, verbose=args.verbose)
        return EXIT_FAILED_SOURCES
    if isinstance(outcome, WarehouseLocked):
        print(f"mieruka run: refused: {outcome}", file=sys.stderr)
        return EXIT_LOCKED
    if isinstance(outcome, (CatalogError, ValueError)):
        print(f"mieruka run: error: {outcome}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(outcome, NothingPublished):
        print(f"mieruka run: FAILED: {outcome}", file=sys.stderr)
        return EXIT_NOT_PUBLISHED
    if isinstance(outcome, BaseException):
        if args.verbose:
            traceback.print_exception(outcome)
        more = "" if args.verbose else " (run with -v for the traceback)"
        print(f"mieruka run: error: the run failed, nothing was published: {type(outcome).__name__}: {outcome}{more}",
              file=sys.stderr)
        return EXIT_NOT_PUBLISHED
    print_summary(outcome)
    return EXIT_OK


def short_cause(source_id: str, error: str | None) -> str:
    """One line for a failed source: the host and path, what failed, and a hint of what to check.

    Errors read `<source>: GET <url> failed: <cause>` (fetch errors; a long URL is already cut with
    "…(N chars)") or `<source>: GET <url>: <why>` (payload errors); the URL loses its query (a
    600-character URL hides the cause; -v shows it). A cause that already says what to check (the
    HTTP layer's network causes end in a question) gets no second hint.
    """
    text = (error or "unknown error").strip()
    first = (text.splitlines() or [""])[0]
    body = first.removeprefix(f"{source_id}: ")
    host = ""
    fetch = _FETCH_ERROR.match(body)
    if fetch or body.startswith("GET "):
        url, rest = (fetch["url"].split("…", 1)[0], fetch["cause"]) if fetch else body[4:].partition(" ")[::2]
        parts = urlsplit(url.rstrip(":"))
        path = parts.path if len(parts.path) <= 60 else parts.path[:57] + "..."
        host = (parts.netloc.rsplit("@", 1)[-1] + path) if parts.netloc else url
        body = rest.strip() or body
    lowered = body.lower()
    hint = "" if "?" in body else next((h for needles, h in HINTS if any(n in lowered for n in needles)), "")
    if len(body) > 160:
        body = body[:157].rstrip() + "..."
    where = f"{host}: " if host else ""
    return f"{source_id}: {where}{body}" + (f" — {hint}" if hint and "mieruka run" not in body else "")


def print_failures(sources: list[dict], verbose: bool) -> None:
    """stderr: one short cause per failed source, then one summary line."""
    failed = [s for s in sources if s["status"] == "failed"]
    skipped = [s["source_id"] for s in sources if s["status"] == "skipped"]
    for source in failed:
        print(f"  {short_cause(source['source_id'], source['error'])}", file=sys.stderr)
        if verbose and source["error"]:
            print(textwrap.indent(source["error"], "      "), file=sys.stderr)
    rest = len(sources) - len(failed) - len(skipped)
    note = f"; skipped: {', '.join(skipped)}" if skipped else ""
    tail = (f"the other {rest} loaded and published" if rest else "nothing new was loaded")
    print(f"FAILED: {len(failed)} of {len(sources)} source(s); {tail}{note}"
          + ("" if verbose else " (-v for details)"), file=sys.stderr)


def _row_counts(s: dict) -> str:
    """The numbers of one source's row: counts, or "N bodies unchanged, skipped" when nothing was new."""
    if s["status"] == "skipped":
        return "not fetched in this mode (recorded copy only)"
    if s["status"] == "failed":
        return f"{s['requests']} request(s); nothing loaded (cause below)"
    skipped = s.get("bodies_skipped", 0)
    counts = (s["rows_parsed"], s["rows_loaded"], s["rows_revised"], s["rows_unchanged"], s["rows_quarantined"])
    bodies = f"{skipped} {'body' if skipped == 1 else 'bodies'} unchanged, skipped"
    if skipped and not any(counts):
        return bodies
    parsed, loaded, revised, unchanged, quarantined = counts
    text = (f"{parsed} parsed: {loaded} new, {revised} revised, {unchanged} unchanged, "
            f"{quarantined} quarantined")
    return text + (f"; {bodies}" if skipped else "")


def data_label(source: dict) -> str:
    """sample (from a sample snapshot), real, or - when nothing was fetched."""
    if source.get("is_sample"):
        return "sample"
    return "real" if source.get("requests") else "-"


def print_summary(summary) -> None:
    samples = [s["source_id"] for s in summary.sources if s.get("is_sample")]
    print(f"\nRun {summary.run_id} ({summary.mode}): {summary.status}")
    width = max([len("source"), *(len(s["source_id"]) for s in summary.sources)]) + 2  # long ids stay apart
    print(f"  {'source':<{width}}{'status':<11}{'data':<8}rows")
    for s in summary.sources:
        data = data_label(s)
        print(f"  {s['source_id']:<{width}}{s['status']:<11}{data:<8}{_row_counts(s)}")
    if samples:
        print("\n" + textwrap.fill(
            f"SAMPLE DATA: {', '.join(samples)} replayed snapshots labelled sample in snapshots/PROVENANCE.yaml, "
            "not recorded real responses; their rows carry is_sample. Do not quote them as fact.",
            100, initial_indent="  ", subsequent_indent="  "))
    print(f"\n  warehouse (open read-only): {summary.warehouse}")
    if getattr(summary, "lake_snapshot", None) is not None:
        print(f"  lake snapshot published:    {summary.lake_snapshot} (attach: {summary.published_dir}/attach.sql)")
    print(f"  published tables:           {summary.published_dir}/ ({', '.join(summary.tables) or 'none'})")
    print(f"  dashboard:                  {summary.dashboard}")


if __name__ == "__main__":
    sys.exit(main())
