"""A content-addressed cache of built files and check results, in `.cache/` of the project.

An entry is found by a key: the SHA-256 of everything its content depends on (`digest`).
Files are stored once by their own SHA-256 (`objects/`), entries name them (`entries/`).
Nothing read from the cache is trusted: an entry that does not parse, names another key
or a file whose bytes no longer match their hash is deleted and built again. Every write is
atomic, so a killed build leaves whole entries or none.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import importlib.metadata
import json
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CACHE_DIR = ".cache"
FORMAT = 1  # the layout of entries; a new layout ignores the old ones
PACKAGE = Path(__file__).resolve().parent


def digest(value: object, root: Path | None = None) -> str:
    """Return the SHA-256 of a value's canonical JSON form (dataclasses, paths, sets, bytes).

    Paths inside `root` count relative to it: a project moved elsewhere keeps its keys.
    """
    canonical = _canonical(value, root)
    text = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _canonical(value: object, root: Path | None) -> object:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {
            f.name: _canonical(getattr(value, f.name), root) for f in dataclasses.fields(value)
        }
        return {"__type__": type(value).__name__, **fields}
    if isinstance(value, Mapping):
        return {str(k): _canonical(v, root) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v, root) for v in value]
    if isinstance(value, (set, frozenset)):
        items = (_canonical(v, root) for v in value)
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if isinstance(value, bytes):
        return {"__bytes__": hashlib.sha256(value).hexdigest()}
    if isinstance(value, Path):
        if root is not None and value.is_relative_to(root):
            return {"__path__": str(value.relative_to(root))}
        return str(value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    raise TypeError(f"cannot make a cache key of {type(value).__name__}")


def file_sha(path: Path) -> str:
    """Return the SHA-256 of a file's bytes."""
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


@cache
def code_fingerprint() -> str:
    """Return the hash of the pipeline's own files and the versions of the tools it drives.

    Templates, CSS, fonts and interface catalogs live in the package, so they count too.
    """
    h = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            h.update(str(path.relative_to(PACKAGE)).encode() + b"\0" + path.read_bytes())
    tools = ("weasyprint", "pikepdf", "pypandoc-binary", "pypandoc", "babel", "jinja2")
    for name in (*tools, "pyphen", "uharfbuzz", "simplemma", "snowballstemmer"):
        try:
            h.update(f"{name}={importlib.metadata.version(name)}\n".encode())
        except importlib.metadata.PackageNotFoundError:
            pass
    return h.hexdigest()


class Cache:
    """Built files and check results by key; `Cache(None)` is off (`--no-cache`)."""

    def __init__(self, root: Path | None):
        self.root = root / CACHE_DIR / "pipeline" if root is not None else None
        self.unwritable = False

    @property
    def enabled(self) -> bool:
        """Tell whether the cache is on."""
        return self.root is not None

    # Files ------------------------------------------------------------------

    def files(self, key: str) -> dict[str, Path] | None:
        """Return the stored files of an entry (name -> path), verified, or None."""
        entry = self._entry(key)
        if entry is None or not isinstance(entry.get("files"), dict):
            return None
        found: dict[str, Path] = {}
        for name, sha in entry["files"].items():
            path = self._object(str(sha))
            if not path.is_file() or file_sha(path) != sha:
                log.warning("cache: %s is damaged; it is built again", path)
                path.unlink(missing_ok=True)
                self._drop(key)
                return None
            found[str(name)] = path
        return found

    def store_files(self, key: str, files: Mapping[str, Path]) -> None:
        """Store files (name -> path) under a key."""
        if self.root is None:
            return
        shas = {}
        for name, path in files.items():
            sha = file_sha(path)
            target = self._object(sha)
            if not target.is_file():
                self._write(target, lambda temp, source=path: shutil.copyfile(source, temp))
            shas[name] = sha
        self._write_entry(key, {"files": shas})

    # Results ----------------------------------------------------------------

    def result(self, key: str) -> Any | None:
        """Return a stored check result, or None."""
        entry = self._entry(key)
        return None if entry is None else entry.get("result")

    def store_result(self, key: str, result: Any) -> None:
        """Store a JSON-serialisable result under a key."""
        self._write_entry(key, {"result": result})

    # Values -----------------------------------------------------------------

    def value(self, key: str) -> Any | None:
        """Return a stored Python value (such as an edition's text), verified, or None."""
        files = self.files(f"{key}.value")
        if files is None or "value" not in files:
            return None
        try:
            # Our own pickle: the object's hash was verified, and .cache/ is never shared.
            return pickle.loads(files["value"].read_bytes())
        except Exception:  # noqa: BLE001 - a value of an older layout: make it again
            log.warning("cache: %s cannot be read; it is made again", files["value"])
            return None

    def store_value(self, key: str, value: object) -> None:
        """Store a Python value under a key."""
        if self.root is None:
            return
        data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
        sha = hashlib.sha256(data).hexdigest()
        target = self._object(sha)
        if not target.is_file():
            self._write(target, lambda temp: temp.write_bytes(data))
        self._write_entry(f"{key}.value", {"files": {"value": sha}})

    # Storage ----------------------------------------------------------------

    def _object(self, sha: str) -> Path:
        assert self.root is not None
        return self.root / "objects" / sha[:2] / sha

    def _entry_path(self, key: str) -> Path:
        assert self.root is not None
        return self.root / "entries" / key[:2] / f"{key}.json"

    def _entry(self, key: str) -> dict[str, Any] | None:
        if self.root is None:
            return None
        path = self._entry_path(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None
        except (OSError, ValueError):
            data = None
        if not isinstance(data, dict) or data.get("key") != key or data.get("format") != FORMAT:
            log.warning("cache: %s is damaged or foreign; it is built again", path)
            self._drop(key)
            return None
        return data

    def _write_entry(self, key: str, body: dict[str, Any]) -> None:
        if self.root is None:
            return
        text = json.dumps({"format": FORMAT, "key": key, **body}, ensure_ascii=False)
        self._write(self._entry_path(key), lambda temp: temp.write_text(text, encoding="utf-8"))

    def _drop(self, key: str) -> None:
        self._entry_path(key).unlink(missing_ok=True)

    def _write(self, target: Path, fill: Any) -> None:
        # The cache only saves time: if it cannot be written (a full disk), the build goes on.
        if self.unwritable:
            return
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=target.parent)
            os.close(fd)
            try:
                fill(Path(name))
                os.replace(name, target)
            finally:
                Path(name).unlink(missing_ok=True)
        except OSError as exc:
            # Said once, and quietly: a full disk stops the build with its own message.
            log.info("cache: cannot write %s (%s); going on without it", target, exc)
            self.unwritable = True
