"""What output/ holds: every file with its SHA-256, and the key each artifact was built from.

The manifest lives in output/.pipeline-output, the marker that tells a build that it may
replace the directory. A build compares it with what it would write: equal, and every file
still matching its hash, means there is nothing to do. The EPUB conformance claim
(pipeline/publish.py) changes an EPUB after the build; it records the new hash here, so the
claimed file counts as built from the same key.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import atomic
from pipeline.cache import file_sha

OUTPUT_MARKER = ".pipeline-output"
REPORTS = ("report.json", "report.html")  # written by check, beside what the build wrote
FORMAT = 1


@dataclass(frozen=True)
class Manifest:
    """Files (path in output/ -> SHA-256) and artifact keys (artifact path -> key)."""

    files: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)
    # What the build read (pipeline.build.Inputs): project path -> SHA-256, and the hash of
    # the code and config. Unchanged, a build need not even parse the sources.
    inputs: dict[str, str] = field(default_factory=dict)
    fingerprint: str = ""

    @classmethod
    def read(cls, output: Path) -> Manifest:
        """Read output/'s manifest; an old, missing or damaged one is empty."""
        try:
            data = json.loads((output / OUTPUT_MARKER).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            return cls()
        files, keys, inputs = data.get("files"), data.get("keys"), data.get("inputs", {})
        if not (isinstance(files, dict) and isinstance(keys, dict) and isinstance(inputs, dict)):
            return cls()
        return cls(
            {str(k): str(v) for k, v in files.items()},
            {str(k): str(v) for k, v in keys.items()},
            {str(k): str(v) for k, v in inputs.items()},
            str(data.get("fingerprint", "")),
        )

    @classmethod
    def make(
        cls,
        files: dict[str, Path | bytes],
        landing: bytes,
        keys: dict[str, str],
        inputs: dict[str, str],
        fingerprint: str,
    ) -> Manifest:
        """Describe the output a build would write, and what it read."""
        shas = {
            name: hashlib.sha256(source).hexdigest()
            if isinstance(source, bytes)
            else file_sha(source)
            for name, source in files.items()
        }
        shas["index.html"] = hashlib.sha256(landing).hexdigest()
        return cls(dict(sorted(shas.items())), dict(sorted(keys.items())), inputs, fingerprint)

    def artifact(self, output: Path, name: str, key: str) -> Path | None:
        """Return output/<name> if it was built from `key` and is unchanged since."""
        path = output / name
        if self.keys.get(name) != key or name not in self.files or not path.is_file():
            return None
        return path if file_sha(path) == self.files[name] else None

    def intact(self, output: Path) -> bool:
        """Tell whether output/ holds exactly these files, each with its hash."""
        present = {
            str(p.relative_to(output))
            for p in output.rglob("*")
            if p.is_file() and p.name != OUTPUT_MARKER and str(p.relative_to(output)) not in REPORTS
        }
        if present != set(self.files):
            return False
        return all(file_sha(output / name) == sha for name, sha in self.files.items())

    def replaced(self, name: str, path: Path) -> Manifest:
        """Return the manifest with a new hash for one file (after the conformance claim)."""
        files = {**self.files, name: file_sha(path)}
        return Manifest(files, self.keys, self.inputs, self.fingerprint)

    def write(self, output: Path) -> None:
        """Write the manifest into output/, atomically."""
        text = json.dumps(
            {
                "format": FORMAT,
                "made_by": "python -m pipeline build",
                "files": self.files,
                "keys": self.keys,
                "inputs": self.inputs,
                "fingerprint": self.fingerprint,
            },
            indent=1,
        )
        atomic.write_text(output / OUTPUT_MARKER, text + "\n")
