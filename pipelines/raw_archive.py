"""The append-only raw archive: every body ever fetched, with where and when it came from.

Layout under `$TLW_HOME/raw/`:
- `index.jsonl`: one JSON line per fetch outcome (url, source, time, HTTP status, ETag,
  Last-Modified, byte size, sha256, outcome, stored path, the URL that answered and the redirects
  that led there). Lines are only ever appended, each fsynced. A crash (or a full disk) mid-append
  can leave a torn last line: the next append starts on a new line, so the torn one never merges
  with a later record, and readers skip it (it is not valid JSON of a record).
- `<source>/<sha256[:2]>/<sha256>`: the bodies, content-addressed, written once through a temporary
  file and an atomic rename, so a killed process leaves no half-written body under a real name.

A body identical to the last one held for its URL is recorded as `unchanged` and not stored again.
Bodies that were fetched but rejected (over the size limit, an HTML error page) are stored too,
with their outcome, so nothing fetched is ever lost.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from pipelines.mirror import without_credentials


@dataclass(frozen=True)
class ArchiveRecord:
    url: str
    source: str
    fetched_at: str  # ISO 8601, UTC
    status: int
    etag: str | None
    last_modified: str | None
    size: int
    sha256: str
    outcome: str  # new | unchanged | not_modified | rejected
    stored_path: str | None  # relative to the archive root
    note: str | None = None
    final_url: str | None = None  # the URL that gave this answer (the mirror's, after redirects)
    hops: list | None = None  # [[status, url], ...] of each redirect followed, in order


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


class RawArchive:
    def __init__(self, root: Path):
        self.root = root
        self.index_path = root / "index.jsonl"
        self._lock = threading.Lock()
        self._latest: dict[str, ArchiveRecord] | None = None

    def _load_latest(self) -> dict[str, ArchiveRecord]:
        """The last good (stored or unchanged) record per URL, read once from the index."""
        if self._latest is None:
            latest: dict[str, ArchiveRecord] = {}
            for record in self.records():
                if record.outcome != "rejected":
                    latest[record.url] = record
            self._latest = latest
        return self._latest

    def latest(self, url: str) -> ArchiveRecord | None:
        return self._load_latest().get(url)

    def body_path(self, record: ArchiveRecord) -> Path:
        if record.stored_path is None:
            raise ValueError(f"archive record for {record.url} has no stored body")
        return self.root / record.stored_path

    def read_body(self, record: ArchiveRecord) -> bytes:
        return self.body_path(record).read_bytes()

    def _store(self, source: str, body: bytes, digest: str) -> str:
        relative = f"{source}/{digest[:2]}/{digest}"
        target = self.root / relative
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{digest}.{os.getpid()}.tmp")
            with open(tmp, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        return relative

    def _append(self, record: ArchiveRecord) -> None:
        # A mirror URL may carry a password: the index keeps where the bytes came from, never it.
        record = replace(
            record,
            final_url=without_credentials(record.final_url) if record.final_url else None,
            hops=[[status, without_credentials(url)] for status, url in record.hops] if record.hops else None,
        )
        self.root.mkdir(parents=True, exist_ok=True)
        line = json.dumps(asdict(record), sort_keys=True).encode() + b"\n"
        with open(self.index_path, "ab+") as handle:
            if handle.seek(0, os.SEEK_END) > 0:
                handle.seek(-1, os.SEEK_END)
                if handle.read(1) != b"\n":
                    line = b"\n" + line  # close a torn last line (a crash mid-append) first
            handle.write(line)
            handle.flush()
            os.fsync(handle.fileno())

    def record_body(
        self,
        *,
        url: str,
        source: str,
        fetched_at: str,
        status: int,
        etag: str | None,
        last_modified: str | None,
        body: bytes,
        rejected_because: str | None = None,
        final_url: str | None = None,
        hops: list | None = None,
        note: str | None = None,
    ) -> ArchiveRecord:
        """Archive a fetched body; returns its record (outcome new, unchanged or rejected)."""
        digest = sha256_hex(body)
        with self._lock:
            previous = self.latest(url)
            if rejected_because is None and previous is not None and previous.sha256 == digest:
                outcome, stored = "unchanged", previous.stored_path
            else:
                outcome = "rejected" if rejected_because else "new"
                stored = self._store(source, body, digest)
            record = ArchiveRecord(
                url=url,
                source=source,
                fetched_at=fetched_at,
                status=status,
                etag=etag,
                last_modified=last_modified,
                size=len(body),
                sha256=digest,
                outcome=outcome,
                stored_path=stored,
                note=rejected_because or note,
                final_url=final_url,
                hops=hops or None,
            )
            self._append(record)
            if outcome != "rejected":
                self._load_latest()[url] = record
        return record

    def record_refusal(self, record: ArchiveRecord, why: str) -> ArchiveRecord:
        """A body archived as it arrived that its parser then refused: one more line for the same
        fetch and the same stored bytes, outcome `rejected`, the parser's reason as its note. The
        first line stays (the index is append-only), and the URL's last good body is unchanged."""
        refused = dataclasses.replace(record, outcome="rejected", note=why)
        with self._lock:
            self._append(refused)
        return refused

    def record_not_modified(
        self, *, url: str, source: str, fetched_at: str, final_url: str | None = None, hops: list | None = None
    ) -> ArchiveRecord:
        """A 304 answer: the body is the one held for this URL."""
        with self._lock:
            previous = self.latest(url)
            if previous is None:
                raise ValueError(f"304 Not Modified for {url}, but the archive holds no body for it")
            record = ArchiveRecord(
                url=url,
                source=source,
                fetched_at=fetched_at,
                status=304,
                etag=previous.etag,
                last_modified=previous.last_modified,
                size=previous.size,
                sha256=previous.sha256,
                outcome="not_modified",
                stored_path=previous.stored_path,
                final_url=final_url,
                hops=hops or None,
            )
            self._append(record)
            self._load_latest()[url] = record
        return record

    def records(self) -> list[ArchiveRecord]:
        """Every record in the index, oldest first (for status reports and rebuilds).

        A torn line (a crash mid-append) is skipped with a warning; the records around it count.
        """
        if not self.index_path.exists():
            return []
        out = []
        for number, line in enumerate(self.index_path.read_bytes().split(b"\n"), start=1):
            if not line.strip():
                continue
            try:
                out.append(ArchiveRecord(**json.loads(line)))
            except (ValueError, TypeError):
                print(f"tlw: warning: {self.index_path} line {number} is not a whole record (torn by a crash mid-append?): skipped", file=sys.stderr)
        return out
