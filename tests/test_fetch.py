"""The fetcher against a real HTTP server on loopback, and against mirrors (directory and URL)."""

from __future__ import annotations

import dataclasses
import gzip
import json
import socket
import time
from email.utils import formatdate
from urllib.parse import quote

import httpcore
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
        http_rate=0.0,  # unpaced, except where pacing is the point
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
        with Fetcher(settings) as fetcher, pytest.raises(FetchError, match="no complete answer within 0.5 s"):
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


# --- where the fetcher may go (issue #15) -------------------------------------------------------

def test_redirect_on_the_same_origin_is_followed_and_every_hop_recorded(tmp_path):
    settings = settings_for(tmp_path)
    with LoopbackServer() as server:
        server.script("old.txt", Reply(301, b"moved", {"Location": "/moved/once.txt"}))
        server.script("moved/once.txt", Reply(302, b"", {"Location": server.url("new.txt")}))
        server.script("new.txt", Reply(200, DATA))
        with Fetcher(settings) as fetcher:
            result = fetcher.fetch("tic_table5", server.url("old.txt"))
    assert result.body == DATA
    (record,) = index_lines(settings)
    assert record["url"] == server.url("old.txt") and record["final_url"] == server.url("new.txt")
    assert record["hops"] == [[301, server.url("old.txt")], [302, server.url("moved/once.txt")]]


def test_redirect_to_another_host_is_refused_and_never_requested(tmp_path):
    settings = settings_for(tmp_path)
    with LoopbackServer() as server, LoopbackServer() as elsewhere:
        elsewhere.script("fake.txt", Reply(200, b"Country\t2026-03\nJapan\t9999.9\n"))
        server.script("data.txt", Reply(302, b"go there", {"Location": elsewhere.url("fake.txt")}))
        url = server.url("data.txt")
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("tic_table5", url)
        assert elsewhere.count("fake.txt") == 0
    message = str(caught.value)
    assert message.startswith(f"[tic_table5] {url}: redirect from {url} to {elsewhere.url('fake.txt')} refused")
    (record,) = index_lines(settings)
    assert record["outcome"] == "rejected" and record["hops"] == [[302, url]]
    assert (settings.raw_dir / record["stored_path"]).read_bytes() == b"go there"


def test_an_http_mirror_may_only_redirect_within_itself(tmp_path):
    write_mirror(tmp_path / "mirror")
    with LoopbackServer(tmp_path / "mirror") as mirror, LoopbackServer(tmp_path / "mirror") as elsewhere:
        path = "/" + quote(mirror_relpath(OFFICIAL))
        mirror.script(path, Reply(307, b"", {"Location": elsewhere.url(path)}))
        with Fetcher(settings_for(tmp_path, mirror=mirror.base_url)) as fetcher, pytest.raises(FetchError, match="it leaves the mirror"):
            fetcher.fetch("fred", OFFICIAL)
        assert elsewhere.requests == []


@pytest.mark.parametrize(
    ("to", "allowed"),
    [
        ("https://home.treasury.gov/data/x.txt", True),  # another host of the same publisher
        ("http://home.treasury.gov/data/x.txt", False),  # not https
        ("https://home.treasury.gov:8443/x.txt", False),  # another port
        ("https://treasury.gov.example.org/x.txt", False),  # a look-alike
        ("https://169.254.169.254/latest/meta-data/", False),
        ("https://www.federalregister.gov/api/v1/documents.json", False),  # another publisher
    ],
)
def test_which_redirect_targets_belong_to_the_publisher(to, allowed):
    from pipelines.fetch_policy import refusal

    first = "https://ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt"
    assert (refusal(first, to) is None) is allowed


def test_a_next_page_link_to_another_host_is_an_error_naming_source_and_link():
    from pipelines.fetch_policy import check_page_link

    page = "https://www.federalregister.gov/api/v1/documents.json?page=1"
    assert check_page_link("federal_register", page, "/api/v1/documents.json?page=2") == page.replace("page=1", "page=2")
    with pytest.raises(FetchError) as caught:
        check_page_link("federal_register", page, "http://127.0.0.1:9/latest/meta-data?page=2")
    assert str(caught.value).startswith("[federal_register] http://127.0.0.1:9/latest/meta-data?page=2: next-page link refused")


def test_a_redirect_loop_is_an_error_naming_source_and_url(tmp_path):
    settings = settings_for(tmp_path)
    with LoopbackServer() as server:
        server.script("a.txt", Reply(302, b"", {"Location": "/b.txt"}))
        server.script("b.txt", Reply(302, b"", {"Location": "/a.txt"}))
        url = server.url("a.txt")
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("fred", url)
    assert str(caught.value).startswith(f"[fred] {url}: more than 5 redirects")
    (record,) = index_lines(settings)
    assert record["outcome"] == "rejected" and len(record["hops"]) == 6


# --- the whole exchange within the total time limit ---------------------------------------------

def test_headers_trickled_byte_by_byte_are_cut_off_by_the_total_time_limit(tmp_path):
    with LoopbackServer() as server:
        # Each byte well inside the 2 s per-read timeout; the whole header takes about 6 s.
        server.script("slow-head.txt", Reply(200, DATA, headers={"X-Padding": "p" * 60}, header_trickle_s=0.05))
        settings = settings_for(tmp_path, http_total_timeout_s=0.5, http_retries=0)
        url = server.url("slow-head.txt")
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("fred", url)
    assert str(caught.value) == f"[fred] {url}: gave up after 1 attempts: no complete answer within 0.5 s (TLW_HTTP_TOTAL_TIMEOUT)"


# --- the size limit, after decompression, while streaming ---------------------------------------

def test_a_gzip_bomb_stops_at_the_limit_and_keeps_only_what_was_sent(tmp_path):
    settings = settings_for(tmp_path, max_body_bytes=1_000_000)
    bomb = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # 200 MB that travels as ~200 KB
    with LoopbackServer() as server:
        server.script("bomb.txt", Reply(200, bomb, {"Content-Encoding": "gzip"}))
        url = server.url("bomb.txt")
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("tic_table5", url)
    assert str(caught.value).startswith(f"[tic_table5] {url}: body passed the limit of 1000000 bytes after gzip decoding")
    (record,) = index_lines(settings)
    assert record["outcome"] == "rejected" and record["size"] <= settings.max_body_bytes
    assert bomb.startswith((settings.raw_dir / record["stored_path"]).read_bytes())


def test_a_gzip_body_within_the_limit_is_decoded(tmp_path):
    with LoopbackServer() as server:
        server.script("small.txt", Reply(200, gzip.compress(DATA), {"Content-Encoding": "gzip"}))
        with Fetcher(settings_for(tmp_path)) as fetcher:
            assert fetcher.fetch("tic_table5", server.url("small.txt")).body == DATA


def test_bad_gzip_is_an_error_naming_source_and_url_and_the_body_is_kept(tmp_path):
    settings = settings_for(tmp_path)
    broken = gzip.compress(DATA)[:-12]  # the stream cut before its end and checksum
    with LoopbackServer() as server:
        server.script("bad.gz.txt", Reply(200, broken, {"Content-Encoding": "gzip"}))
        url = server.url("bad.gz.txt")
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("fred", url)
    assert str(caught.value).startswith(f"[fred] {url}: the gzip stream is cut short")
    (record,) = index_lines(settings)
    assert record["outcome"] == "rejected" and (settings.raw_dir / record["stored_path"]).read_bytes() == broken


def test_a_directory_mirror_symlink_out_of_the_mirror_is_refused(tmp_path):
    secret = tmp_path / "outside" / "passwd"
    secret.parent.mkdir()
    secret.write_bytes(b"root:x:0:0:root:/root:/bin/bash\n")
    target = tmp_path / "mirror" / mirror_relpath(OFFICIAL)
    target.parent.mkdir(parents=True)
    target.symlink_to(secret)
    settings = settings_for(tmp_path, mirror=str(tmp_path / "mirror"))
    with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("fred", OFFICIAL)
    assert str(caught.value).startswith(f"[fred] {OFFICIAL}: refused: ") and "outside the mirror" in str(caught.value)
    assert not (settings.raw_dir / "index.jsonl").exists(), "nothing of the linked file may be archived"


def test_a_huge_directory_mirror_file_is_refused_before_it_is_read(tmp_path):
    target = tmp_path / "mirror" / mirror_relpath(OFFICIAL)
    target.parent.mkdir(parents=True)
    with open(target, "wb") as handle:  # sparse: 1 GiB on paper, nothing on disk
        handle.truncate(1 << 30)
    settings = settings_for(tmp_path, mirror=str(tmp_path / "mirror"))
    with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("fred", OFFICIAL)
    assert str(caught.value) == f"[fred] {OFFICIAL}: body of {1 << 30} bytes is over the limit of 1000000 (TLW_MAX_BODY_MB); not read"


def test_an_over_long_mirror_path_is_an_error_naming_source_and_url(tmp_path):
    url = "https://fred.stlouisfed.org/" + "d" * 300 + "/fredgraph.csv"
    with Fetcher(settings_for(tmp_path, mirror=str(tmp_path))) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("fred", url)
    assert str(caught.value).startswith(f"[fred] {url}: URL path segment of 300 bytes is longer than a file name can be")


# --- Retry-After and pacing (issue #10) ---------------------------------------------------------

def test_429_retry_after_seconds_is_waited_for(tmp_path):
    with LoopbackServer() as server:
        server.script("busy.txt", Reply(429, b"slow down", {"Retry-After": "1"}), Reply(200, DATA))
        with Fetcher(settings_for(tmp_path)) as fetcher:
            assert fetcher.fetch("federal_register", server.url("busy.txt")).body == DATA
        first, second = server.requests
    assert second.at - first.at >= 1.0, "the second request came before the Retry-After delay"


def test_503_retry_after_as_an_http_date_is_waited_for(tmp_path):
    with LoopbackServer() as server:
        when = formatdate(time.time() + 2, usegmt=True)  # whole seconds: 1 to 2 s from now
        server.script("busy.txt", Reply(503, b"maintenance", {"Retry-After": when}), Reply(200, DATA))
        with Fetcher(settings_for(tmp_path)) as fetcher:
            assert fetcher.fetch("debt_to_penny", server.url("busy.txt")).body == DATA
        first, second = server.requests
    assert second.at - first.at >= 1.0


def test_a_retry_after_beyond_the_time_budget_is_a_clear_error_at_once(tmp_path):
    with LoopbackServer() as server:
        server.script("later.txt", Reply(429, b"", {"Retry-After": "120"}))
        url = server.url("later.txt")
        with Fetcher(settings_for(tmp_path, http_retries=3)) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("federal_register", url)
        assert server.count("later.txt") == 1
    assert str(caught.value) == (
        f"[federal_register] {url}: HTTP 429: the server asks to retry after 120 s (Retry-After), "
        "more than the time budget of 5 s (TLW_HTTP_TOTAL_TIMEOUT); try again later"
    )


def test_requests_to_one_host_are_paced(tmp_path):
    with LoopbackServer() as server:
        server.script("page.txt", Reply(200, DATA))
        with Fetcher(settings_for(tmp_path, http_rate=5.0)) as fetcher:
            started = time.monotonic()
            for _ in range(4):
                fetcher.fetch("federal_register", server.url("page.txt"))
            elapsed = time.monotonic() - started
        assert server.count("page.txt") == 4
    # 5 per second: the 2nd, 3rd and 4th request each wait 0.2 s after the one before (a lower
    # bound, whatever the machine's speed; unpaced, four loopback requests take milliseconds).
    assert elapsed >= 0.6, elapsed


# --- validators that are not header values ------------------------------------------------------

def test_a_non_ascii_etag_is_not_kept_nor_sent_and_the_next_fetch_works(tmp_path, capsys):
    settings = settings_for(tmp_path)
    with LoopbackServer() as server:
        server.script("etag.txt", Reply(200, DATA, {"ETag": '"caf\u00e9"', "Last-Modified": "gestern"}), Reply(200, DATA + b"Spain\t40.1\n"))
        url = server.url("etag.txt")
        with Fetcher(settings) as fetcher:
            fetcher.fetch("tic_table5", url)
        with Fetcher(settings) as fetcher:  # a later refresh: validators come from the archive
            second = fetcher.fetch("tic_table5", url)
        sent = server.requests[-1].headers
    assert second.changed and second.body.endswith(b"Spain\t40.1\n")
    assert "If-None-Match" not in sent and "If-Modified-Since" not in sent
    first = index_lines(settings)[0]
    assert first["etag"] is None and first["last_modified"] is None
    assert f"[tic_table5] {url}: ETag and Last-Modified not a valid header value" in capsys.readouterr().err


def test_a_bad_etag_already_in_the_index_is_not_sent(tmp_path):
    settings = settings_for(tmp_path)
    with LoopbackServer() as server:
        server.script("old.txt", Reply(200, DATA))
        url = server.url("old.txt")
        with Fetcher(settings) as fetcher:
            fetcher.fetch("tic_table5", url)
        # An index written before validators were checked.
        index = settings.raw_dir / "index.jsonl"
        index.write_text(index.read_text().replace('"etag": null', '"etag": "\\"\\u00e9t\\u00e9\\""'))
        with Fetcher(settings) as fetcher:
            assert not fetcher.fetch("tic_table5", url).changed
        assert "If-None-Match" not in server.requests[-1].headers


# --- the raw index survives a torn last line ------------------------------------------------------

def test_a_torn_last_index_line_never_swallows_the_next_record(tmp_path):
    settings = settings_for(tmp_path)
    with LoopbackServer() as server:
        server.script("one.txt", Reply(200, DATA))
        server.script("two.txt", Reply(200, DATA + b"Spain\t40.1\n"))
        with Fetcher(settings) as fetcher:
            fetcher.fetch("tic_table5", server.url("one.txt"))
        index = settings.raw_dir / "index.jsonl"
        good = index.read_bytes()
        with open(index, "ab") as handle:  # a crash mid-append: half a record, no newline
            handle.write(good[: len(good) // 2])
        with Fetcher(settings) as fetcher:
            fetcher.fetch("tic_table5", server.url("two.txt"))
    lines = index.read_bytes().split(b"\n")
    assert lines[0] + b"\n" == good and lines[1] == good[: len(good) // 2] and lines[-1] == b""
    assert json.loads(lines[2])["url"] == server.url("two.txt")
    from pipelines.raw_archive import RawArchive

    assert [r.url for r in RawArchive(settings.raw_dir).records()] == [server.url("one.txt"), server.url("two.txt")]


# --- a Content-Length that is not the body's length ---------------------------------------------

def test_a_content_length_shorter_than_the_body_is_an_error_and_the_body_kept(tmp_path):
    settings = settings_for(tmp_path)
    body = DATA + b"Spain\t40.1\n"
    with LoopbackServer() as server:
        server.script("short.txt", Reply(200, body, declared_length=len(DATA)))  # the last row beyond it
        url = server.url("short.txt")
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("tic_table5", url)
    assert str(caught.value).startswith(f"[tic_table5] {url}: Content-Length says {len(DATA)} bytes but the server sent {len(body)}")
    (record,) = index_lines(settings)
    assert record["outcome"] == "rejected" and (settings.raw_dir / record["stored_path"]).read_bytes() == body


def test_a_content_length_longer_than_the_body_says_how_much_arrived(tmp_path):
    settings = settings_for(tmp_path, http_retries=0)
    with LoopbackServer() as server:
        server.script("cut.txt", Reply(200, DATA, declared_length=len(DATA) + 500))
        url = server.url("cut.txt")
        with Fetcher(settings) as fetcher, pytest.raises(FetchError) as caught:
            fetcher.fetch("tic_table5", url)
    assert f"[tic_table5] {url}: gave up after 1 attempts: RemoteProtocolError: the body broke off after {len(DATA)} bytes" in str(caught.value)
    (record,) = index_lines(settings)
    assert record["outcome"] == "rejected" and (settings.raw_dir / record["stored_path"]).read_bytes() == DATA


def test_json_nested_too_deeply_is_an_error_naming_source_and_url(tmp_path):
    from pipelines.catalog import ALL_SOURCES
    from pipelines.sources.errors import SourceFormatError

    federal_register = next(s for s in ALL_SOURCES if s.name == "federal_register")
    settings = settings_for(tmp_path)
    deep = b"[" * 100_000 + b"]" * 100_000  # valid JSON, deeper than Python's parser recurses
    with LoopbackServer() as server:
        server.script("documents.json", Reply(200, deep))
        url = server.url("documents.json")
        with Fetcher(settings) as fetcher, pytest.raises(SourceFormatError) as caught:
            federal_register.fetch_page(fetcher, url)
    assert str(caught.value).startswith(f"[federal_register] {url}: nested too deeply to parse")
    # Archived as it arrived, then marked rejected with the parser's reason: the same bytes.
    fetched, refused = index_lines(settings)
    assert fetched["outcome"] == "new" and refused["outcome"] == "rejected"
    assert refused["note"] == str(caught.value) and refused["sha256"] == fetched["sha256"]
    assert (settings.raw_dir / refused["stored_path"]).read_bytes() == deep


def test_the_proxy_comes_from_the_standard_variables_and_no_proxy_bypasses_it(monkeypatch):
    from pipelines.http_wire import _proxy_for

    monkeypatch.setenv("HTTPS_PROXY", "http://ops:s%40cret@proxy.corp.example:3128")
    monkeypatch.setenv("NO_PROXY", "fiscaldata.treasury.gov,localhost")
    proxy = _proxy_for("https://www.federalregister.gov/api/v1/documents.json")
    assert proxy is not None and proxy.url == httpcore.URL("http://proxy.corp.example:3128")
    assert proxy.auth == (b"ops", b"s@cret"), "the credentials go in the Proxy-Authorization header, not the URL"
    assert _proxy_for("https://api.fiscaldata.treasury.gov/services/api/x") is None
    assert _proxy_for("http://localhost:8000/mirror/x") is None
