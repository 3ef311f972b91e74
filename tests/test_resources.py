"""The settings resource (pipelines/defs/resources.py): what it holds, and that the definitions
bind it and every step takes it. That a step uses it is tests/test_debt_pipeline.py's
page-size test."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from pipelines import tariff_register
from pipelines.config import Settings, declared
from pipelines.defs.resources import RESOURCE_KEY, WarehouseResource
from tests.conftest import FIXTURE_MIRROR


def test_the_resource_holds_every_setting_but_the_secrets(monkeypatch, tmp_path):
    monkeypatch.setenv("TLW_HOME", str(tmp_path))
    monkeypatch.setenv("TLW_SKIP_SOURCES", "fred,mspd")
    monkeypatch.setenv("TLW_TARIFF_REGISTER", str(tariff_register.REGISTER_PATH))
    monkeypatch.setenv("TLW_LAKE_CATALOG", "host=db.internal password=hunter2")
    settings = Settings.from_env()
    resource = WarehouseResource.from_settings(settings)
    assert set(WarehouseResource.model_fields) == {f.name for f in declared()} - {"lake_catalog", "dagster_pg_url"}
    # Back as the same Settings: paths, dates and tuples survive Dagster's configuration types, and
    # the secret comes from where it was set.
    assert resource.settings() == settings
    assert resource.skip_sources == ["fred", "mspd"] and resource.fr_since == "2018-01-01"
    assert "hunter2" not in json.dumps(resource.model_dump())


def test_definitions_bind_the_resource_from_the_environment(tmp_path):
    env = {**os.environ, "TLW_HOME": str(tmp_path), "TLW_DEBT_PAGE_SIZE": "3", "TLW_MIRROR": str(FIXTURE_MIRROR)}
    code = (
        "import json\n"
        "from pipelines.definitions import defs\n"
        f"settings = defs.resources[{RESOURCE_KEY!r}].settings()\n"
        "print(json.dumps([str(settings.home), settings.debt_page_size, settings.mirror]))\n"
    )
    run = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == [str(tmp_path.resolve()), 3, str(FIXTURE_MIRROR)]


def test_every_step_takes_the_resource():
    from pipelines.definitions import defs

    assert {a.node_def.name: RESOURCE_KEY in a.required_resource_keys for a in defs.assets} == {
        "staging": True, "core": True, "marts": True, "published_warehouse": True}
