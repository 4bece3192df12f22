"""GeoJSON (RFC 7946) as the outbreak zones' map layer gives it."""

from __future__ import annotations

from typing import Any, Literal

from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

GEOJSON = "application/geo+json"


class GeoJSONResponse(JSONResponse):
    media_type = GEOJSON


class Geometry(BaseModel):
    type: Literal["Point", "Polygon"]
    coordinates: list[Any] = Field(description="longitude, latitude (WGS 84)")


class Feature(BaseModel):
    type: Literal["Feature"]
    geometry: Geometry
    properties: dict[str, Any]


class FeatureCollection(BaseModel):
    type: Literal["FeatureCollection"]
    features: list[Feature]
