"""The layers drawn in docs/architecture.md are a contract that `lint-imports` checks, and
that contract breaks when a module imports from a layer above its own (the start of a cycle).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).parent.parent
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _contract() -> dict[str, object]:
    settings = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    (contract,) = [c for c in settings["tool"]["importlinter"]["contracts"] if c["id"] == "layers"]
    return dict(contract)


def _drawn_layers() -> list[str]:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    block = re.search(r"^## Layers\n.*?^```\n(.*?)^```", text, flags=re.MULTILINE | re.DOTALL)
    assert block is not None, "docs/architecture.md has no diagram under '## Layers'"
    rows = block.group(1).splitlines()[2:]  # under the heading line and its rule
    return [re.split(r"\s{2,}", row.strip())[0] for row in rows if row.strip()]


def _lint(source: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(source)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(ROOT / "pyproject.toml"), "--no-cache", "--no-logo"],
        cwd=source,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_diagram_and_the_contract_name_the_same_layers() -> None:
    contract = _contract()
    assert contract["containers"] == ["pigdata"] and contract["exhaustive"] is True
    assert _drawn_layers() == contract["layers"]


def test_the_package_keeps_its_layers() -> None:
    result = _lint(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr


def test_an_import_from_a_higher_layer_breaks_the_contract(tmp_path: Path) -> None:
    copy = tmp_path / "pigdata"
    shutil.copytree(
        ROOT / "src" / "pigdata", copy, ignore=shutil.ignore_patterns("static", "__pycache__")
    )
    # The domain reaching up into a service: with services importing the domain, a cycle.
    codes = copy / "domain" / "codes.py"
    codes.write_text(codes.read_text(encoding="utf-8") + "\nimport pigdata.services.trace\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "pigdata.domain.codes -> pigdata.services.trace" in result.stdout


def test_a_package_without_a_layer_breaks_the_contract(tmp_path: Path) -> None:
    copy = tmp_path / "pigdata"
    shutil.copytree(
        ROOT / "src" / "pigdata", copy, ignore=shutil.ignore_patterns("static", "__pycache__")
    )
    (copy / "lake").mkdir()
    (copy / "lake" / "__init__.py").write_text('"""Parquet export."""\n', encoding="utf-8")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "pigdata.lake" in result.stdout


def test_the_bundle_verifier_cannot_reach_the_store(tmp_path: Path) -> None:
    copy = tmp_path / "pigdata"
    shutil.copytree(
        ROOT / "src" / "pigdata", copy, ignore=shutil.ignore_patterns("static", "__pycache__")
    )
    # The log reads the store: through it, the verifier would need a database to check a bundle.
    verify = copy / "ledger" / "bundle_verify.py"
    verify.write_text(verify.read_text(encoding="utf-8") + "\nimport pigdata.ledger.log\n")
    result = _lint(tmp_path)
    assert result.returncode == 1
    assert "pigdata.ledger.bundle_verify is not allowed to import sqlalchemy" in result.stdout
    assert "pigdata.ledger.bundle_verify -> pigdata.ledger.log" in result.stdout
