"""The HTTP API and web explorer (``eventcoder serve``); needs the ``server`` extra (FastAPI, uvicorn)."""

from .app import DEFAULT_MAX_BODY, create_app

__all__ = ["DEFAULT_MAX_BODY", "create_app"]
