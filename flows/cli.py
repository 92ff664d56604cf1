"""The `mieruka` command: run the pipeline, check source health, serve the schedule.

Prefect reads its settings when it is imported, so this module sets the environment (a
PREFECT_HOME under the data directory, no telemetry) before importing anything that imports
Prefect.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
EXIT_FAILED_SOURCES = 1
EXIT_USAGE = 2
EXIT_LOCKED = 3
EXIT_NOT_PUBLISHED = 4  # nothing was published (the run failed before or while publishing)


def _prefect_env(data_dir: Path, verbose: bool) -> None:
    """Point Prefect at a home under the data directory, quietly, before Prefect is imported."""
    os.environ.setdefault("PREFECT_HOME", str(data_dir / "prefect"))
    Path(os.environ["PREFECT_HOME"]).mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
    os.environ.setdefault("DO_NOT_TRACK", "1")
    os.environ.setdefault("PREFECT_UI_ENABLED", "false")
    # services a one-shot ephemeral server does not need; they only slow its start
    for service in ("SCHEDULER", "LATE_RUNS", "FOREMAN", "CANCELLATION_CLEANUP", "PAUSE_EXPIRATIONS",
                    "TRIGGERS", "REPOSSESSOR", "MARKETING"):
        os.environ.setdefault(f"PREFECT_SERVER_SERVICES_{service}_ENABLED", "false")
    if not verbose:
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_LEVEL", "WARNING")
        os.environ.setdefault("PREFECT_LOGGING_HANDLERS_CONSOLE_FLOW_RUNS_LEVEL", "WARNING")


def _data_dir(arg: str | None) -> Path:
    return Path(arg or os.environ.get("MIERUKA_DATA_DIR") or PROJECT_ROOT / "data").resolve()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="mieruka",
        description="見える化 — fetch official statistics and news, normalise them into a DuckDB warehouse, "
        "and publish derived tables (digital deficit, content exports, budgets, creators' pay, claims).",
        epilog="Examples:\n  mieruka run                      # whole pipeline on recorded snapshots (no network)\n"
        "  mieruka run --mode live --source worldbank\n  mieruka status\n",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = sub.add_parser(
        "run",
        help="run the pipeline once",
        description="Run the pipeline once through the Prefect flow `pipeline`: fetch -> raw archive -> parse -> "
        "load -> marts -> publish. Exits 1 when any source failed (the others still load and publish), "
        "3 when another run holds the warehouse, 4 when nothing was published (the previous publication stays).",
    )
    run.add_argument("--mode", choices=["replay", "live", "record"], default="replay",
                     help="replay: recorded snapshots, no network (default); live: call the public APIs; "
                     "record: live, and write every response into the snapshot folder")
    run.add_argument("--snapshots", metavar="PATH", help="snapshot folder to replay from or record into "
                     "(default: snapshots/ in the project)")
    run.add_argument("--data-dir", metavar="PATH", help="where everything the run writes goes (default: data/; "
                     "env MIERUKA_DATA_DIR)")
    run.add_argument("--source", action="append", metavar="NAME",
                     help="run only this source (repeatable); default: every source in catalog/sources.yaml")
    _warehouse_arguments(run)
    run.add_argument("--workers", type=int, metavar="N", default=0,
                     help="run each source as its own flow run on a Prefect process work pool with N workers "
                     "(a temporary local Prefect server unless PREFECT_API_URL is set); default: one process")
    run.add_argument("-v", "--verbose", action="store_true", help="also show Prefect's own log lines")

    status = sub.add_parser(
        "status",
        help="show each source's health; exit 1 when one is stale or failing",
        description="Read the published warehouse (read-only) and show, per source, the last success, the last "
        "error and its age. Exits 1 when a source failed last or is older than the cadence its catalog "
        "entry declares, so cron or a monitor can use it.",
    )
    status.add_argument("--data-dir", metavar="PATH", help="data directory (default: data/)")
    _warehouse_arguments(status)

    serve = sub.add_parser(
        "serve",
        help="run the schedule on this machine (local Prefect server on 127.0.0.1)",
        description="Start a Prefect server on 127.0.0.1 with its state under DATA_DIR/prefect, serve the "
        "`pipeline` deployment on the cron schedule of prefect.yaml, and stop both on Ctrl-C. To use a "
        "remote Prefect server instead, set PREFECT_API_URL and run `prefect deploy` (see README).",
    )
    serve.add_argument("--data-dir", metavar="PATH", help="data directory (default: data/)")
    serve.add_argument("--port", type=int, default=4200, help="port of the local Prefect server (default 4200)")

    cat = sub.add_parser("catalog", help="validate the catalog", description="Validate catalog/*.yaml without "
                         "fetching anything; exits 1 naming the file and entry on error.")
    cat.add_argument("action", choices=["check"])
    return parser


def _warehouse_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--warehouse", metavar="URL",
                        help="duckdb:<path> (default: the embedded file under the data dir) or "
                        "ducklake:postgres:<libpq conninfo> (no password: PGPASSWORD or ~/.pgpass); "
                        "env MIERUKA_WAREHOUSE")
    parser.add_argument("--lake-data-path", metavar="DIR|s3://bucket/prefix",
                        help="where a DuckLake keeps its Parquet files (created if missing); "
                        "env MIERUKA_LAKE_DATA_PATH")


def _warehouse(args: argparse.Namespace, data_dir: Path):
    """The warehouse the arguments or environment name; also exported to the environment, so that
    workers and the flow runs they start use the same one (credentials stay out of flow parameters)."""
    from warehouse.backend import Warehouse

    if getattr(args, "warehouse", None):
        os.environ["MIERUKA_WAREHOUSE"] = args.warehouse
    if getattr(args, "lake_data_path", None):
        os.environ["MIERUKA_LAKE_DATA_PATH"] = args.lake_data_path
    return Warehouse.from_settings(data_dir)


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "catalog":
        return _catalog_check()
    data_dir = _data_dir(getattr(args, "data_dir", None))
    _prefect_env(data_dir, getattr(args, "verbose", False))
    from warehouse.backend import WarehouseError

    try:
        wh = _warehouse(args, data_dir) if args.command in ("run", "status") else None
    except WarehouseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "run":
        if args.workers < 0:
            print("error: --workers must be 0 (one process) or more", file=sys.stderr)
            return EXIT_USAGE
        if args.workers:
            from flows.workers_pool import SOURCE_DEPLOYMENT, LocalPool

            wh.ensure_data_path()
            with LocalPool(data_dir, args.workers):
                return _run(args, data_dir, source_deployment=SOURCE_DEPLOYMENT)
        return _run(args, data_dir)
    if args.command == "status":
        from flows.status import print_status

        return print_status(data_dir, wh)
    if args.command == "serve":
        from flows.serve import serve

        return serve(data_dir, args.port)
    return EXIT_USAGE


def _catalog_check() -> int:
    from catalog import CatalogError, load_catalog

    try:
        catalog = load_catalog()
    except CatalogError as exc:
        print(f"catalog error: {exc}", file=sys.stderr)
        return 1
    print(f"catalog ok: {len(catalog.sources)} sources, {len(catalog.indicators)} indicators")
    return 0


def _run(args: argparse.Namespace, data_dir: Path, source_deployment: str | None = None) -> int:
    from catalog import CatalogError
    from flows.lock import WarehouseLocked
    from flows.pipeline import NothingPublished, PipelineFailed, pipeline

    state = pipeline(
        mode=args.mode,
        sources=args.source,
        snapshots_dir=args.snapshots,
        data_dir=str(data_dir),
        source_deployment=source_deployment,
        return_state=True,
    )
    outcome = state.result(raise_on_failure=False)
    if isinstance(outcome, PipelineFailed):
        _print_summary(outcome.summary)
        failed = [s for s in outcome.summary.sources if s["status"] == "failed"]
        print(f"\nFAILED: {len(failed)} source(s); the others loaded and published:", file=sys.stderr)
        for source in failed:
            print(f"  {source['error']}", file=sys.stderr)
        return EXIT_FAILED_SOURCES
    if isinstance(outcome, WarehouseLocked):
        print(f"refused: {outcome}", file=sys.stderr)
        return EXIT_LOCKED
    if isinstance(outcome, (CatalogError, ValueError)):
        print(f"error: {outcome}", file=sys.stderr)
        return EXIT_USAGE
    if isinstance(outcome, NothingPublished):
        print(f"FAILED: {outcome}", file=sys.stderr)
        return EXIT_NOT_PUBLISHED
    if isinstance(outcome, BaseException):
        print(f"error: the run failed, nothing was published: {type(outcome).__name__}: {outcome}", file=sys.stderr)
        return EXIT_NOT_PUBLISHED
    _print_summary(outcome)
    return 0


def _print_summary(summary) -> None:
    print(f"\nRun {summary.run_id} ({summary.mode}): {summary.status}")
    header = (
        f"  {'source':<14}{'status':<11}{'requests':>9}{'parsed':>9}{'loaded':>9}{'revised':>9}"
        f"{'unchanged':>11}{'quarant.':>10}"
    )
    print(header)
    for s in summary.sources:
        print(
            f"  {s['source_id']:<14}{s['status']:<11}{s['requests']:>9}{s['rows_parsed']:>9}{s['rows_loaded']:>9}"
            f"{s['rows_revised']:>9}{s['rows_unchanged']:>11}{s['rows_quarantined']:>10}"
        )
        if s["error"]:
            print(f"      {s['error']}")
    print(f"\n  warehouse (open read-only): {summary.warehouse}")
    if getattr(summary, "lake_snapshot", None) is not None:
        print(f"  lake snapshot published:    {summary.lake_snapshot} (attach: {summary.published_dir}/attach.sql)")
    print(f"  published tables:           {summary.published_dir}/ ({', '.join(summary.tables) or 'none'})")
    print(f"  dashboard:                  {summary.dashboard}")


if __name__ == "__main__":
    sys.exit(main())
