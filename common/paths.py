"""Filesystem locations of the source tree (resources/ sits next to the packages)."""

from __future__ import annotations

import sys
from pathlib import Path


def _repo_root() -> Path:
    # PyInstaller unpacks data next to the code in sys._MEIPASS; otherwise the
    # repository (or install) root is the parent of the `common` package.
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root)
    return Path(__file__).resolve().parent.parent


def resource_path(*parts: str) -> Path:
    """Path of a file under `resources/`, e.g. resource_path("fonts", "x.ttc")."""
    return _repo_root().joinpath("resources", *parts)
