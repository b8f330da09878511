"""What every command shares: the project options and how paths are shown."""

from __future__ import annotations

import argparse
from pathlib import Path


def shown(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def project_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--project",
        type=Path,
        default=Path("."),
        metavar="DIR",
        help="the publication's directory, with publication.toml (default: .)",
    )


def project_options(command: argparse.ArgumentParser) -> None:
    project_option(command)
    command.add_argument(
        "--output",
        type=Path,
        default=None,
        metavar="DIR",
        help="where to write the editions (default: DIR/output)",
    )
