"""prefect.yaml declares deployments whose entrypoints import and whose parameters exist."""

from __future__ import annotations

import importlib
import inspect

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
