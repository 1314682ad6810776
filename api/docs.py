"""The API docs at /docs, served whole from the package so that they work on an intranet
with no way out: FastAPI's custom-docs recipe with local Swagger UI assets.

The assets in `static/swagger-ui/` are swagger-ui-dist 5.35.0 (Apache-2.0, see its LICENSE
and NOTICE there) as published on the npm registry: the bundle and its CSS, nothing else.
Swagger UI 5 is needed to render the OpenAPI 3.1 that FastAPI writes (4.x shows nothing).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

SWAGGER_UI_ASSETS = Path(__file__).parent / "static" / "swagger-ui"
ASSETS_PATH = "/docs/assets"


def install_docs(app: FastAPI) -> None:
    """`/docs` from local assets. Create the app with `docs_url=None, redoc_url=None` (ReDoc
    loads from a CDN too)."""
    app.mount(ASSETS_PATH, StaticFiles(directory=SWAGGER_UI_ASSETS), name="swagger-ui-assets")

    @app.get("/docs", include_in_schema=False)
    def swagger_ui(request: Request) -> HTMLResponse:
        # Behind a proxy that strips a path prefix, every URL the page loads needs it back.
        root = request.scope.get("root_path", "").rstrip("/")
        assets = f"{root}{ASSETS_PATH}"
        return get_swagger_ui_html(
            openapi_url=f"{root}{app.openapi_url}",
            title=f"{app.title} — API",
            swagger_js_url=f"{assets}/swagger-ui-bundle.js",
            swagger_css_url=f"{assets}/swagger-ui.css",
            swagger_favicon_url=f"{assets}/favicon-32x32.png",
            # No validator badge: it would fetch an image from validator.swagger.io.
            swagger_ui_parameters={"validatorUrl": None},
        )
