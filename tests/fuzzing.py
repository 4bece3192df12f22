"""Fuzzing the HTTP API with schemathesis, once per role, against a real running node.

Shared by tests/api/test_fuzzing.py (a small campaign in every test run) and
benchmarks/fuzz_api.py (a bigger one, whose figures are in docs/access.md). Schemathesis
reads the node's own OpenAPI document and runs as its command line does (`schemathesis
run`), with a fixed seed and no example database, so that a campaign of a given size sends
the same cases on every run; its JSON report gives the figures.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from pigdata.access.principal import Role
from pigdata.cli.serve import issue_demo_tokens, load_demo
from pigdata.config import Settings
from pigdata.synth.spec import DemoSpec

# What every answer is held to: no 5xx, and status, media type, headers and body as the
# document declares them for the operation.
CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_headers_conformance",
    "response_schema_conformance",
)
PHASES = ("examples", "coverage", "fuzzing", "stateful")
ROLES = ("admin", "government", "farm", "public")
COUNTY = "500153"  # the demo district (荣昌区): the government token's scope
SMALL_DEMO = DemoSpec(scale=0.05, months=6)


def load_node(engine: Engine, settings: Settings, spec: DemoSpec = SMALL_DEMO) -> dict[str, str]:
    """Load a demo district into an empty store; give a token secret by role (the county's
    government, the demo's largest farm; the public is anonymous and has none)."""
    summary = load_demo(engine, settings, spec)
    assert summary.rejected == 0, summary
    wanted = {
        "admin": (Role.admin, None),
        "government": (Role.government, COUNTY),
        "farm": (Role.farm, ...),
    }
    secrets = {}
    for who, secret in issue_demo_tokens(engine):
        for role, (kind, scope) in wanted.items():
            if who.role is kind and (scope is ... or who.scope == scope):
                secrets[role] = secret
    assert set(secrets) == {"admin", "government", "farm"}, secrets
    return secrets


@dataclass(frozen=True)
class Campaign:
    """What one role's run found: operations tested, cases sent, failures by kind."""

    role: str
    operations: int
    cases: int
    cases_failed: int
    failures: list[dict[str, Any]]
    errors: list[dict[str, Any]]
    output: str

    @property
    def clean(self) -> bool:
        return not self.failures and not self.errors and self.cases_failed == 0

    def summary(self) -> str:
        lines = [f"{self.role}: {self.operations} operations, {self.cases} cases"]
        lines += [
            f"  {f['code']} {f['title']}: {f['count']} in {', '.join(f['operations'][:8])}"
            for f in self.failures
        ]
        lines += [f"  error {e['title']}: {e['count']}" for e in self.errors]
        return "\n".join(lines)


def fuzz(
    base_url: str,
    role: str,
    secret: str | None,
    folder: Path,
    *,
    max_examples: int,
    seed: int = 20240801,
    phases: tuple[str, ...] = PHASES,
) -> Campaign:
    """Run schemathesis over the node's OpenAPI document as one role; give its figures."""
    report = folder / f"schemathesis-{role}.json"
    command = [
        sys.executable,
        "-m",
        "schemathesis.cli",
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        ",".join(CHECKS),
        "--phases",
        ",".join(phases),
        "--max-examples",
        str(max_examples),
        "--seed",
        str(seed),
        "--generation-database",
        "none",
        "--workers",
        "1",
        "--continue-on-failure",
        "--no-color",
        "--report",
        "json",
        "--report-json-path",
        str(report),
    ]
    if secret is not None:
        command += ["--header", f"Authorization: Bearer {secret}"]
    # Run in the scratch folder: schemathesis keeps a cache (.schemathesis/) where it runs.
    done = subprocess.run(command, capture_output=True, text=True, check=False, cwd=folder)
    output = done.stdout + done.stderr
    if not report.exists():
        raise RuntimeError(f"schemathesis wrote no report (exit {done.returncode}):\n{output}")
    found = json.loads(report.read_text(encoding="utf-8"))
    return Campaign(
        role=role,
        operations=int(found["operations"]["tested"]),
        cases=int(found["test_cases"]["generated"]),
        cases_failed=int(found["test_cases"]["with_failures"]),
        failures=list(found["failures"]),
        errors=list(found["errors"]),
        output=output,
    )
