"""In-memory stand-in for the raw zone: records objects, staged uploads and aborts."""

from __future__ import annotations

from dataclasses import dataclass, field

from driftgate.ingest.errors import StorageUnavailableError


@dataclass
class FakeRawObjectStore:
    """``fail_next`` fails the next writes; ``fail_on_part`` fails that part number once."""

    bucket: str = "fake-raw"
    objects: dict[str, tuple[bytes, str, dict[str, str]]] = field(default_factory=dict)
    staged: dict[str, FakeStagedUpload] = field(default_factory=dict)
    fail_next: int = 0
    fail_on_part: int | None = None

    def _maybe_fail(self, what: str) -> None:
        if self.fail_next > 0:
            self.fail_next -= 1
            raise StorageUnavailableError(f"fake S3 unavailable ({what})")

    async def put_raw(
        self, key: str, body: bytes, content_type: str, metadata: dict[str, str]
    ) -> str:
        self._maybe_fail("put")
        if key in self.objects:
            raise StorageUnavailableError(f"refusing to overwrite {key}")
        self.objects[key] = (body, content_type, metadata)
        return self.bucket

    async def start_staged(self, staging_key: str, content_type: str) -> FakeStagedUpload:
        self._maybe_fail("create multipart")
        upload = FakeStagedUpload(self, staging_key)
        self.staged[staging_key] = upload
        return upload

    @property
    def open_uploads(self) -> list[str]:
        """Staging keys whose upload was neither promoted nor aborted."""
        return [k for k, u in self.staged.items() if u.state == "open"]


@dataclass
class FakeStagedUpload:
    store: FakeRawObjectStore
    key: str
    parts: list[bytes] = field(default_factory=list)
    state: str = "open"

    async def upload_part(self, data: bytes) -> None:
        number = len(self.parts) + 1
        if self.store.fail_on_part == number:
            self.store.fail_on_part = None
            raise StorageUnavailableError(f"fake S3 failed part {number}")
        self.parts.append(data)

    async def promote(self, key: str, content_type: str, metadata: dict[str, str]) -> str:
        self.store._maybe_fail("promote")
        if key in self.store.objects:
            raise StorageUnavailableError(f"refusing to overwrite {key}")
        self.store.objects[key] = (b"".join(self.parts), content_type, metadata)
        self.state = "promoted"
        return self.store.bucket

    async def abort(self) -> None:
        if self.state == "open":
            self.state = "aborted"
            self.parts.clear()
