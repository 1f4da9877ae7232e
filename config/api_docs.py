"""The API's docs pages: Swagger UI (/api/docs/) and Redoc (/api/redoc/), both served from
drf-spectacular-sidecar's static files, never from a CDN.

Their scripts stay under the desk's CSP ('self' only): Swagger UI's start-up script is served
as a file by the split view, and Redoc's page (templates/api/redoc.html) has no inline script
and loads no web fonts. Both inject their own styles, and Redoc searches in a blob: worker."""

from csp import constants as csp
from csp.decorators import csp_update
from drf_spectacular.views import SpectacularRedocView, SpectacularSwaggerSplitView

DOCS_CSP = {"style-src": [csp.SELF, csp.UNSAFE_INLINE]}
REDOC_CSP = {**DOCS_CSP, "worker-src": [csp.SELF, "blob:"]}

api_docs_view = csp_update(DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema"))
api_redoc_view = csp_update(REDOC_CSP)(
    SpectacularRedocView.as_view(url_name="api-schema", template_name="api/redoc.html")
)
