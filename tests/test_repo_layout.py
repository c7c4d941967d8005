"""The repository's fixed shape: top-level layout, the README's two commands, CI, import contracts."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEMO_COMMAND = "./scripts/demo.sh"
TEST_COMMAND = "./scripts/test.sh"
SHELL_FENCES = {"bash", "sh", "shell", "console"}


def _shell_blocks(markdown: str) -> list[list[str]]:
    """Lines (comments and blanks dropped) of every ```bash/sh/shell/console block."""
    blocks: list[list[str]] = []
    in_fence, is_shell, current = False, False, []
    for line in markdown.splitlines():
        fence = re.match(r"^\s*```+\s*([\w-]*)", line)
        if fence and not in_fence:
            in_fence, is_shell, current = True, fence.group(1).lower() in SHELL_FENCES, []
        elif fence:
            if is_shell:
                blocks.append(current)
            in_fence = False
        elif in_fence and is_shell:
            stripped = line.strip()
            if stripped and not stripped.startswith("#"):
                current.append(stripped.removeprefix("$ "))
    return blocks


@pytest.mark.parametrize(
    "name", ["kiosk", "counter", "common", "resources", "installers", "tests", "pyproject.toml", "README.md"]
)
def test_top_level_layout(name):
    path = ROOT / name
    assert path.exists(), f"{name} is missing from the top level"
    assert path.is_dir() == (not name.endswith((".toml", ".md")))


def test_readme_has_exactly_the_two_commands():
    blocks = _shell_blocks((ROOT / "README.md").read_text(encoding="utf-8"))
    assert blocks, "README.md has no shell code block"
    for block in blocks:
        assert len(block) == 1, f"each command block holds one copy-paste command, got {block}"
    assert {block[0] for block in blocks} == {DEMO_COMMAND, TEST_COMMAND}


@pytest.mark.parametrize("command", [DEMO_COMMAND, TEST_COMMAND, "./scripts/bootstrap.sh"])
def test_scripts_are_executable_bash(command):
    script = ROOT / command
    assert script.is_file()
    assert os.access(script, os.X_OK), f"{command} is not executable (chmod +x)"
    assert script.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
    if shutil.which("bash"):
        subprocess.run(["bash", "-n", str(script)], check=True)


def test_ci_runs_the_readme_test_command():
    text = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert text.startswith("#!/usr/bin/env bash\n")
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert "set -euo pipefail" in lines
    assert lines[-1] == f"exec {TEST_COMMAND}"
    assert not any("pytest" in line for line in lines), "CI runs the README's command, not pytest directly"


def test_import_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    assert lint.exists(), f"lint-imports is not installed next to {sys.executable} (pip install -e '.[test]')"
    result = subprocess.run(
        [str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, f"import-linter contracts broken:\n{result.stdout}\n{result.stderr}"
    assert "0 broken" in result.stdout
