"""prefect.yaml declares deployments whose entrypoints import and whose parameters exist."""

from __future__ import annotations

import importlib
import inspect
import subprocess
import sys

import yaml

from tests.conftest import PROJECT_ROOT


def test_every_deployment_entrypoint_imports_and_takes_its_parameters() -> None:
    doc = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    deployments = doc["deployments"]
    assert deployments
    for dep in deployments:
        path, name = dep["entrypoint"].split(":")
        module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
        flow = getattr(module, name)
        params = inspect.signature(flow.fn).parameters
        for key in dep.get("parameters", {}):
            assert key in params, f"{dep['name']}: parameter {key} not on {name}"


def test_every_entrypoint_loads_the_way_a_worker_loads_it() -> None:
    """A process worker loads `flows/x.py:f` as a script, with flows/ first on sys.path, in a fresh
    interpreter: a module of flows/ named like a top-level package (flows/dashboard.py beside dashboard/)
    then shadows it, and every flow run crashes on import although `import flows.x` works."""
    doc = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    for dep in doc["deployments"]:
        path, name = dep["entrypoint"].split(":")
        entrypoint = f"{PROJECT_ROOT / path}:{name}"  # absolute, as the worker's bootstrap makes it
        code = ("from prefect.flows import load_flow_from_entrypoint; "
                f"print(load_flow_from_entrypoint({entrypoint!r}, use_placeholder_flow=False).name)")
        proc = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True,
                              timeout=120, check=False)
        assert proc.returncode == 0, f"{dep['name']}: {proc.stderr[-2000:]}"


def test_pipeline_is_scheduled_daily_in_tokyo_after_the_boj_update() -> None:
    doc = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    dep = next(d for d in doc["deployments"] if d["entrypoint"] == "flows/pipeline.py:pipeline")
    schedule = dep["schedules"][0]
    assert schedule["timezone"] == "Asia/Tokyo"
    minute, hour, *_ = schedule["cron"].split()
    assert (int(hour), int(minute)) > (8, 50)


def test_the_daily_run_fans_out_to_a_source_deployment_declared_here_on_the_same_pool() -> None:
    """mieruka-daily names `flow/deployment` of the source flow runs; that deployment must exist in this
    file, run flows/workers.py:source_flow under that flow name, and use the daily run's work pool."""
    doc = yaml.safe_load((PROJECT_ROOT / "prefect.yaml").read_text())
    daily = next(d for d in doc["deployments"] if d["entrypoint"] == "flows/pipeline.py:pipeline")
    flow_name, deployment_name = daily["parameters"]["source_deployment"].split("/")
    source = next(d for d in doc["deployments"] if d["name"] == deployment_name)
    path, name = source["entrypoint"].split(":")
    flow = getattr(importlib.import_module(path.removesuffix(".py").replace("/", ".")), name)
    assert flow.name == flow_name
    assert set(inspect.signature(flow.fn).parameters) >= {"run_id", "source_id", "mode", "data_dir"}
    assert source["work_pool"]["name"] == daily["work_pool"]["name"]
    assert not source.get("schedules")  # only ever started by the daily run
