"""`tlw dev` (`make dev PORT=...`): the Dagster UI on the port asked for, configured by the
repository's dagster.yaml (no "will not be used" warning) and without the community pop-up."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request

from pipelines.config import REPO_ROOT
from tests.test_faults import free_port


def graphql(port: int, query: str) -> dict:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["data"]


def test_dev_ui_on_the_port_without_pop_up_or_warning(tmp_path):
    port = free_port()
    env = {**os.environ, "TLW_HOME": str(tmp_path / "home"), "TLW_CONFIG": "none"}
    env.pop("DAGSTER_HOME", None)
    log = tmp_path / "dev.log"
    with open(log, "w") as out:
        dev = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "dev", "--port", str(port)], cwd=REPO_ROOT,
                               env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    try:
        answer = None
        for _ in range(600):  # until the webserver answers (it loads the code location first)
            if dev.poll() is not None:
                break
            try:
                answer = graphql(port, "{ shouldShowNux instance { info } }")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert answer is not None, log.read_text()
        assert answer["shouldShowNux"] is False
        assert str(tmp_path / "home" / "dagster") in answer["instance"]["info"]
    finally:
        os.killpg(dev.pid, signal.SIGTERM)
        dev.wait(timeout=60)
    output = log.read_text()
    assert f"tlw dev: Dagster UI on http://127.0.0.1:{port} (DAGSTER_HOME={tmp_path / 'home' / 'dagster'})" in output
    assert "will not be used" not in output, output
