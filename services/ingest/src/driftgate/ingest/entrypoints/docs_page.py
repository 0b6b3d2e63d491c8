"""Swagger UI at ``/docs``, served from the assets of the swagger-ui-py wheel (no CDN needed)."""

from __future__ import annotations

from importlib.resources import files

from aiohttp import web

from driftgate.ingest.entrypoints.openapi import DOCS_ASSETS

_ASSET_TYPES = {".css": "text/css", ".js": "application/javascript", ".png": "image/png"}

_PAGE = """<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>driftgate ingest API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script>
    window.ui = SwaggerUIBundle({url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true});
  </script>
</body>
</html>
"""


async def docs_page(request: web.Request) -> web.Response:
    return web.Response(text=_PAGE, content_type="text/html")


async def docs_asset(request: web.Request) -> web.Response:
    name = request.match_info["name"]
    if name not in DOCS_ASSETS:
        raise web.HTTPNotFound(text=f"no documentation asset {name[:60]!r}")
    data = (files("swagger_ui") / "static" / name).read_bytes()
    suffix = name[name.rfind(".") :]
    return web.Response(
        body=data,
        content_type=_ASSET_TYPES[suffix],
        headers={"Cache-Control": "public, max-age=86400"},
    )
