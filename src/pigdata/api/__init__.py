"""The HTTP API: a FastAPI app whose routers are thin adapters over the services."""

from pigdata.api.app import create_app

__all__ = ["create_app"]
