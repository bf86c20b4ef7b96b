"""Prism (@stoplight/prism-cli, pinned in package.json) mocking specs/atlas-admin.yaml.

Why Prism besides FakeAtlas: it validates requests against the spec itself, so client/spec
drift shows up even where the hand-written fake is lenient. Run as
``prism mock specs/atlas-admin.yaml -h 127.0.0.1 -p PORT --errors`` (request validation is on
by default; --errors also turns response violations into errors).

What Prism 5.16 does with this spec (tests/test_servers.py pins the behaviours tests rely on):

- Versioned media types work for responses: ``Accept: application/vnd.atlas.2024-05-30+json``
  selects that content and comes back as the Content-Type; an undeclared version gets 406 as
  application/problem+json (not an Atlas ApiError). But a missing Accept or ``*/*`` is not
  rejected: Prism serves the first declared media type, where Atlas answers 406.
- Request Content-Type is matched loosely: application/json, or a vnd.atlas+json of another
  version, passes for the POST body; only non-JSON types (text/plain) are refused.
- The gzip download (``type: string, format: binary``) is the 6 bytes ``string``, not gzip:
  download tests need FakeAtlas.
- HTTP Digest can never pass: Prism's check rejects real RFC 7616 headers (unquoted qop and nc,
  a uri with slashes). ``Authorization: Bearer <anything>`` satisfies the OAuth2 scheme.
- Static mode answers the spec's examples (the POST does not echo its body) and ignores
  readOnly or unknown body properties and the x-requires pairing of start/end.
- Invalid requests get the spec's 400 example where the operation lists 400, else 422
  application/problem+json (getGroupAuditLog with a bad groupId).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, Any, NoReturn

import pytest
from typing_extensions import Self

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
SPEC_PATH = ROOT / "specs" / "atlas-admin.yaml"
PRISM_BIN = HERE / "node_modules" / ".bin" / "prism"
INSTALL_COMMAND = "cd tests/servers && npm ci"


class PrismNotInstalled(RuntimeError):
    """Prism or node is missing: the message says how to install them."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Prism:
    """A Prism mock server on 127.0.0.1; a context manager that starts it and stops it."""

    def __init__(
        self, spec: Path = SPEC_PATH, *, startup_timeout: float = 60.0, errors: bool = True
    ) -> None:
        """``errors=False`` serves the spec's examples even where they break its schemas
        (requests are still validated): a spec with flawed examples, as published ones have."""
        self.spec = spec
        self.startup_timeout = startup_timeout
        self.errors = errors
        self.port = 0
        self._process: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> str:
        """Everything Prism printed, one line per request it served."""
        if self._log is None:
            return ""
        return Path(self._log.name).read_text(encoding="utf-8", errors="replace")

    def start(self) -> Self:
        """Start Prism on a free port and wait until it listens (retried if the port was taken)."""
        if not PRISM_BIN.exists():
            raise PrismNotInstalled(
                f"Prism is not installed ({PRISM_BIN} is missing): run `{INSTALL_COMMAND}`"
            )
        if shutil.which("node") is None:
            raise PrismNotInstalled(
                f"node is not on PATH: install Node.js 20, then run `{INSTALL_COMMAND}`"
            )
        # Prism logs every request: a file, unlike a pipe, never fills up and blocks it.
        self._log = tempfile.NamedTemporaryFile(prefix="prism-", suffix=".log")  # noqa: SIM115
        for _ in range(3):
            self.port = _free_port()
            if self._launch():
                return self
        self._fail("Prism kept exiting at start")

    def _launch(self) -> bool:
        """Run Prism once: True once it listens, False if it exited (say, the port was taken)."""
        assert self._log is not None
        self._log.seek(0)
        self._log.truncate()
        self._process = subprocess.Popen(
            [PRISM_BIN, "mock", self.spec, "-h", "127.0.0.1", "-p", str(self.port)]
            + (["--errors"] if self.errors else []),
            cwd=ROOT,
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + self.startup_timeout
        while time.monotonic() < deadline:
            if f"Prism is listening on {self.url}" in self.log:
                return True
            if self._process.poll() is not None:
                return False
            time.sleep(0.1)
        self._fail(f"Prism did not listen within {self.startup_timeout} s")

    def _fail(self, why: str) -> NoReturn:
        log = self.log
        self.stop()
        raise RuntimeError(f"{why}; its output:\n{log}")

    def stop(self) -> None:
        """Terminate Prism (kill it if it lingers) and delete its log."""
        if self._process is not None:
            self._process.terminate()
            try:
                self._process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None
        if self._log is not None:
            self._log.close()
            self._log = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve(spec: Path = SPEC_PATH, **options: Any) -> Iterator[Prism]:
    """A fixture's body: Prism on ``spec`` for as long as the fixture lasts; the test fails
    (never skips) when Prism is not installed."""
    server = Prism(spec, **options)
    try:
        server.start()
    except PrismNotInstalled as exc:
        pytest.fail(str(exc), pytrace=False)
    try:
        yield server
    finally:
        server.stop()
