"""Every answer of the API has its schema in the OpenAPI document.

A success answer with a body must say what the body is (a media type and a schema that
constrains it), so that a client can read it and the fuzzer (test_fuzzing.py) can hold the
node to it. The wire models that follow a service's dataclasses field by field
(`pigdata.api.wire`) are held to those dataclasses here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from pigdata.api.app import create_app
from pigdata.config import Settings

# Keywords that describe a schema without constraining it: a schema of only these is `{}`.
ANNOTATIONS = {"title", "description", "examples", "example", "default", "deprecated"}
NO_BODY = {"204", "205"}


@pytest.fixture(scope="module")
def document(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    folder = tmp_path_factory.mktemp("openapi")
    settings = Settings(
        database_url=f"sqlite:///{folder / 'pigdata.db'}",
        archive_dir=folder / "archive",
        key_file=folder / "node.key",
    )
    app = create_app(settings)
    try:
        return app.openapi()
    finally:
        app.state.engine.dispose()
        app.state.version_engine.dispose()


def _describes(schema: Any) -> bool:
    return isinstance(schema, dict) and bool(set(schema) - ANNOTATIONS)


def unschematic(document: dict[str, Any]) -> Iterator[str]:
    """Give each success answer of the document that has no schema of its body."""
    for path, operations in document.get("paths", {}).items():
        for method, operation in operations.items():
            for status, response in operation.get("responses", {}).items():
                if not str(status).startswith("2") or str(status) in NO_BODY:
                    continue
                where = f"{method.upper()} {path} {status}"
                content = response.get("content") or {}
                if not content:
                    yield f"{where}: no media type"
                for media_type, described in content.items():
                    if not _describes(described.get("schema")):
                        yield f"{where} {media_type}: no schema"


def test_every_success_answer_has_a_schema(document: dict[str, Any]) -> None:
    assert list(unschematic(document)) == []
    assert len(document["paths"]) >= 60


def test_the_walk_finds_an_answer_without_a_schema() -> None:
    ok = {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/X"}}}}
    document = {
        "paths": {
            "/a": {"get": {"responses": {"200": ok, "304": {"description": "kept"}}}},
            "/b": {"get": {"responses": {"200": {"description": "OK"}}}},
            "/c": {"get": {"responses": {"200": {"content": {"text/csv": {"schema": {}}}}}}},
            "/d": {"get": {"responses": {"200": {"content": {"application/json": {}}}}}},
            "/e": {"get": {"responses": {"200": {"content": {"x/y": {"schema": {"title": "T"}}}}}}},
            "/f": {"put": {"responses": {"204": {"description": "done"}}}},
        }
    }
    assert list(unschematic(document)) == [
        "GET /b 200: no media type",
        "GET /c 200 text/csv: no schema",
        "GET /d 200 application/json: no schema",
        "GET /e 200 x/y: no schema",
    ]


def test_answers_other_than_json_say_their_media_type(document: dict[str, Any]) -> None:
    def content(path: str) -> dict[str, Any]:
        found: dict[str, Any] = document["paths"][path]["get"]["responses"]["200"]["content"]
        return found

    assert content("/api/v1/uploads/{upload_id}/rejects.csv")["text/csv"]["schema"] == {
        "type": "string"
    }
    assert set(content("/api/v1/animal-health/trace/{premises}")) == {
        "application/json",
        "text/csv",
    }
    assert set(content("/api/v1/animal-health/zones.geojson")) == {"application/geo+json"}


def _fields(model: type[BaseModel]) -> list[str]:
    return list(model.model_fields)


def test_wire_models_follow_the_services_dataclasses() -> None:
    from pigdata.api.wire import breeding as wire
    from pigdata.api.wire import trace as wire_trace
    from pigdata.breeding import pedigree, population
    from pigdata.services import breeding, breeding_plans, trace

    pairs: list[tuple[type[BaseModel], Any]] = [
        (wire.HerdbookSummary, breeding.HerdbookSummary),
        (wire.Finding, pedigree.Finding),
        (wire.CheckReport, breeding.CheckReport),
        (wire.AnimalInbreeding, breeding.AnimalInbreeding),
        (wire.InbreedingReport, breeding.InbreedingReport),
        (wire.KinshipReport, breeding.KinshipReport),
        (wire.Interval, population.Interval),
        (wire.Contribution, breeding.Contribution),
        (wire.PopulationReport, breeding.PopulationReport),
        (wire.BreedingValue, breeding_plans.BreedingValue),
        (wire.EvaluationReport, breeding_plans.EvaluationReport),
        (wire.PlannedMating, breeding_plans.PlannedMating),
        (wire.MatingPlanReport, breeding_plans.MatingPlanReport),
        (wire_trace.MarketVisit, trace.MarketVisit),
        (wire_trace.Slaughtered, trace.Slaughtered),
    ]
    for model, source in pairs:
        assert _fields(model) == [f.name for f in dataclasses.fields(source)], model.__name__
    traced = [f.name for f in dataclasses.fields(trace.Trace)]
    assert _fields(wire_trace.AnimalTrace) == [*traced, "seqs", "bundle", "bundle_error"]


def test_row_models_follow_their_tables() -> None:
    from pigdata.api.wire import rows
    from pigdata.store import tables as t

    assert _fields(rows.Premises) == [c.name for c in t.premises.columns]
    assert _fields(rows.Movement) == [*(c.name for c in t.movements.columns), "ear_tags"]
