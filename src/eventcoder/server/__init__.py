"""The HTTP API and web explorer (``eventcoder serve``); needs the ``server`` extra (FastAPI, uvicorn).

The app is imported on first use, not with the package: the CLI reads the long-document lane's
defaults (``server.longlane``) and the tests start servers (``server.launch``) without FastAPI,
so a base install (``pip install -e .``) runs every command but ``serve``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .app import DEFAULT_MAX_BODY, create_app

__all__ = ["DEFAULT_MAX_BODY", "create_app"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from . import app

        return getattr(app, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
