"""The fetcher against a real HTTP server on loopback, and against mirrors (directory and URL)."""

from __future__ import annotations

import dataclasses
import json
import socket

import pytest

from pipelines.config import Settings
from pipelines.fetch import Fetcher, FetchError
from pipelines.mirror import MirrorPathError, mirror_relpath
from tests.loopback import LoopbackServer, Reply

DATA = b"Country\t2026-03\nJapan\t1191.6\n"


def settings_for(tmp_path, **changes) -> Settings:
    base = dataclasses.replace(
        Settings.from_env(),
        home=tmp_path / "home",
        mirror=None,
        http_timeout_s=2.0,
        http_total_timeout_s=5.0,
        http_retries=2,
        http_backoff_s=0.01,
        max_body_bytes=1_000_000,
    )
    return dataclasses.replace(base, **changes)


def index_lines(settings: Settings) -> list[dict]:
    return [json.loads(line) for line in (settings.raw_dir / "index.jsonl").read_text().splitlines()]


def test_retries_after_503_then_succeeds(tmp_path):
    with LoopbackServer() as server:
        server.script("data.txt", Reply(503, b"busy"), Reply(200, DATA))
        with Fetcher(settings_for(tmp_path)) as fetcher:
            result = fetcher.fetch("tic_table5", server.url("data.txt"))
        assert result.body == DATA
        assert server.count("data.txt") == 2


def test_404_is_not_retried_and_names_source_and_url(tmp_path):
    with LoopbackServer() as server:
        server.script("missing.txt", Reply(404, b"nope"))
        url = server.url("missing.txt")
        with Fetcher(settings_for(tmp_path)) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("tic_table3", url)
        assert server.count("missing.txt") == 1
    assert "[tic_table3]" in str(caught.value) and url in str(caught.value) and "404" in str(caught.value)


def test_gives_up_after_repeated_5xx_with_the_count(tmp_path):
    with LoopbackServer() as server:
        server.script("down.txt", Reply(502, b"bad gateway"))
        with Fetcher(settings_for(tmp_path, http_retries=3)) as fetcher, pytest.raises(FetchError, match="after 4 attempts: HTTP 502"):
            fetcher.fetch("fred", server.url("down.txt"))
        assert server.count("down.txt") == 4


def test_conditional_request_returns_unchanged_without_storing_twice(tmp_path):
    settings = settings_for(tmp_path)
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "mfhhis01.txt").write_bytes(DATA)
    with LoopbackServer(tmp_path / "site") as server:
        url = server.url("mfhhis01.txt")
        with Fetcher(settings) as fetcher:
            first = fetcher.fetch("tic_mfh_history", url)
        with Fetcher(settings) as fetcher:  # a later refresh: state comes from the archive index
            second = fetcher.fetch("tic_mfh_history", url)
        assert server.requests[-1].headers.get("If-None-Match") == first.record.etag
    assert first.changed and not second.changed
    assert second.record.status == 304 and second.record.outcome == "not_modified"
    assert second.body == DATA
    stored = [p for p in settings.raw_dir.rglob("*") if p.is_file() and p.name != "index.jsonl"]
    assert len(stored) == 1


def test_identical_body_without_etag_is_recorded_unchanged(tmp_path):
    settings = settings_for(tmp_path)
    with LoopbackServer() as server:
        server.script("plain.txt", Reply(200, DATA))
        with Fetcher(settings) as fetcher:
            assert fetcher.fetch("tic_table5", server.url("plain.txt")).changed
            assert not fetcher.fetch("tic_table5", server.url("plain.txt")).changed
    assert [r["outcome"] for r in index_lines(settings)] == ["new", "unchanged"]


def test_body_over_the_size_limit_fails_and_keeps_what_arrived(tmp_path):
    settings = settings_for(tmp_path, max_body_bytes=1000)
    big = b"x" * 5000
    with LoopbackServer() as server:
        # No Content-Length up front would be the harder case; the streamed count catches both.
        server.script("big.txt", Reply(200, big))
        with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="limit of 1000 bytes"):
            fetcher.fetch("tic_table5", server.url("big.txt"))


def test_html_error_page_with_200_is_rejected_but_archived(tmp_path):
    settings = settings_for(tmp_path)
    page = b"<!DOCTYPE html><html><body>Site maintenance</body></html>"
    with LoopbackServer() as server:
        server.script("slt_table5.txt", Reply(200, page))
        with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="HTML page"):
            fetcher.fetch("tic_table5", server.url("slt_table5.txt"))
    (record,) = index_lines(settings)
    assert record["outcome"] == "rejected" and record["size"] == len(page)
    assert (settings.raw_dir / record["stored_path"]).read_bytes() == page


def test_server_that_does_not_answer_times_out_and_is_retried(tmp_path):
    with LoopbackServer() as server:
        server.script("slow.txt", Reply(200, DATA, delay_s=1.5))
        settings = settings_for(tmp_path, http_timeout_s=0.3, http_retries=1)
        with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="after 2 attempts: timed out"):
            fetcher.fetch("fred", server.url("slow.txt"))
        assert server.count("slow.txt") == 2


def test_slow_trickle_is_bounded_by_the_total_time_limit(tmp_path):
    with LoopbackServer() as server:
        server.script("trickle.txt", Reply(200, b"y" * 200, trickle_s=0.02))
        settings = settings_for(tmp_path, http_total_timeout_s=0.5, http_retries=0)
        with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="still arriving"):
            fetcher.fetch("fred", server.url("trickle.txt"))


def test_truncated_body_is_an_error_not_data(tmp_path):
    with LoopbackServer() as server:
        server.script("cut.txt", Reply(200, DATA, declared_length=len(DATA) + 500))
        settings = settings_for(tmp_path, http_retries=1)
        with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="after 2 attempts"):
            fetcher.fetch("tic_table5", server.url("cut.txt"))


def test_connection_refused_is_a_clear_error(tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/nothing-listens-here.txt"
    with Fetcher(settings_for(tmp_path)) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("debt_to_penny", url)
    assert "ConnectError" in str(caught.value) and url in str(caught.value)


def test_user_agent_names_the_product(tmp_path):
    with LoopbackServer() as server:
        server.script("ua.txt", Reply(200, DATA))
        with Fetcher(settings_for(tmp_path)) as fetcher:
            fetcher.fetch("fred", server.url("ua.txt"))
        assert server.requests[0].headers["User-Agent"].startswith("TreasuryLeverageWarehouse/")


OFFICIAL = "https://fred.stlouisfed.org/graph/fredgraph.csv?id=DEXJPUS"


def write_mirror(root):
    target = root / mirror_relpath(OFFICIAL)
    target.parent.mkdir(parents=True)
    target.write_bytes(b"observation_date,DEXJPUS\n2025-04-01,149.40\n")
    return target


def test_mirror_as_directory_reads_the_official_layout(tmp_path):
    write_mirror(tmp_path / "mirror")
    settings = settings_for(tmp_path, mirror=str(tmp_path / "mirror"))
    with Fetcher(settings) as fetcher:
        result = fetcher.fetch("fred", OFFICIAL)
    assert result.body.endswith(b"149.40\n")
    assert index_lines(settings)[0]["url"] == OFFICIAL  # archived under the official URL


def test_mirror_as_url_maps_query_into_the_file_name(tmp_path):
    write_mirror(tmp_path / "mirror")
    with LoopbackServer(tmp_path / "mirror") as server:
        settings = settings_for(tmp_path, mirror=server.base_url + "/")
        with Fetcher(settings) as fetcher:
            result = fetcher.fetch("fred", OFFICIAL)
        assert server.requests[0].path == "/fred.stlouisfed.org/graph/fredgraph.csv%3Fid%3DDEXJPUS"
    assert b"149.40" in result.body


def test_missing_file_in_directory_mirror_says_so(tmp_path):
    settings = settings_for(tmp_path, mirror=str(tmp_path))
    with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("federal_register", "https://www.federalregister.gov/api/v1/documents.json?page=1")
    assert caught.value.missing_in_mirror and "not in mirror" in str(caught.value)


@pytest.mark.parametrize(
    "url",
    [
        "https://example.org/../../etc/passwd",
        "https://example.org/a/%2e%2e/%2e%2e/etc/passwd",
        "https://example.org/a%2Fb/../../x",
        "https://example.org/a\\..\\x",
        "file:///etc/passwd",
    ],
)
def test_mirror_paths_cannot_escape_the_mirror(url):
    with pytest.raises(MirrorPathError):
        mirror_relpath(url)


def test_long_query_is_shortened_with_its_hash():
    url = "https://www.federalregister.gov/api/v1/documents.json?" + "&".join(f"fields[]=f{i:03d}" for i in range(40))
    relpath = mirror_relpath(url)
    assert relpath.startswith("www.federalregister.gov/api/v1/documents.json?sha256=")
    assert len(relpath.rsplit("/", 1)[1]) < 100
