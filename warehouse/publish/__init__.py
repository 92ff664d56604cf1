"""Publishing: the analysts' copy and the published set (Parquet, CSV, manifest, dashboard) that
dashboards rely on, never torn and byte-stable.

- contract.py: each mart's grain and units, declared in the header of its warehouse/marts/*.sql file;
- export.py: marts to Parquet and CSV in a fixed row order, with description, grain and units inside;
- manifest.py: manifest.json (the only published file with run-time facts);
- layout.py: versioned directories and the `data/published` link switched atomically;
- publication.py: one run's publication, built aside, committed or removed whole.

The Prefect task that drives these is `publish_task` in flows/pipeline.py.
"""

from warehouse.publish.contract import ContractError, MartContract, load_contracts
from warehouse.publish.export import ExportedMart, export_marts
from warehouse.publish.layout import PublishedLayout, publish_keep
from warehouse.publish.manifest import MANIFEST_VERSION, build_manifest, utc_z
from warehouse.publish.publication import Publication, PublishResult, remove_partial_files

__all__ = [
    "MANIFEST_VERSION",
    "ContractError",
    "ExportedMart",
    "MartContract",
    "Publication",
    "PublishResult",
    "PublishedLayout",
    "build_manifest",
    "export_marts",
    "load_contracts",
    "publish_keep",
    "remove_partial_files",
    "utc_z",
]
