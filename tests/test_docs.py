"""The documentation says what the code does."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from fastapi.routing import APIRoute

from pigdata.api import create_app
from pigdata.config import Settings
from pigdata.domain.records import KINDS
from pigdata.ingest.headers import FIELD_ALIASES_ZH, KIND_ALIASES_ZH

DOCS = Path(__file__).parent.parent / "docs"
README = Path(__file__).parent.parent / "README.md"


def test_header_table_matches_the_code() -> None:
    text = (DOCS / "ingest.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+?) \|$", text, flags=re.MULTILINE))
    assert {field: tuple(names.split("、")) for field, names in rows.items()} == FIELD_ALIASES_ZH
    kinds = dict(re.findall(r"^\| (\S+) \| `(\w+)` \|$", text, flags=re.MULTILINE))
    assert kinds == KIND_ALIASES_ZH


def test_records_doc_names_every_kind() -> None:
    text = (DOCS / "records.md").read_text(encoding="utf-8")
    for kind in KINDS:
        assert f"`{kind}`" in text


def test_readme_gives_the_two_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "make run" in text and "make test" in text
    assert ".ci/run" in text or "CI" in text
    ci = (README.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in ci


def _all_docs() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in sorted(DOCS.rglob("*.md")))


def _rule_codes() -> set[str]:
    """Give every rule code the sources name: Issue(field, RULE, ...), rule_error(RULE, ...),
    `rule=` of the platform's errors, and the default `rule = RULE` of an error class."""
    found: set[str] = set()
    for path in (Path(__file__).parent.parent / "src" / "pigdata").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                found.update(_class_rule(node))
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            position = {"Issue": 1, "rule_error": 0}.get(name or "")
            if position is not None and len(node.args) > position:
                found.update(_literal(node.args[position]))
            found.update(v for k in node.keywords if k.arg == "rule" for v in _literal(k.value))
    return found


def _class_rule(node: ast.ClassDef) -> set[str]:
    """Give the rule a class sets in its body (`rule = "..."` or `rule: str = "..."`)."""
    found: set[str] = set()
    for statement in node.body:
        if isinstance(statement, ast.Assign):
            targets, value = statement.targets, statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            targets, value = [statement.target], statement.value
        else:
            continue
        if any(isinstance(t, ast.Name) and t.id == "rule" for t in targets):
            found.update(_literal(value))
    return found


def _literal(node: ast.expr) -> set[str]:
    return {node.value} if isinstance(node, ast.Constant) and isinstance(node.value, str) else set()


def test_every_rule_code_is_documented() -> None:
    text = _all_docs()
    missing = sorted(code for code in _rule_codes() if f"`{code}`" not in text)
    assert not missing, f"rule codes not named in docs/: {missing}"


def test_every_setting_is_documented() -> None:
    text = (DOCS / "settings.md").read_text(encoding="utf-8")
    for name, field in Settings.model_fields.items():
        assert f"`PIGDATA_{name.upper()}`" in text, f"PIGDATA_{name.upper()} not in settings.md"
        assert field.description, f"setting {name} has no description"


def test_every_route_is_documented(tmp_path: Path) -> None:
    text = _all_docs()
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'docs.db'}"))
    paths = {
        route.path
        for route in app.routes
        if isinstance(route, APIRoute) and route.include_in_schema
    }
    missing = sorted(path for path in paths if not _route_named(path, text))
    assert not missing, f"routes not named in docs/ (as `/path` or `GET /path?...`): {missing}"


def _route_named(path: str, text: str) -> bool:
    return re.search(rf"`(?:[A-Z]+ )?{re.escape(path)}(?:\?[^`]*)?`", text) is not None
