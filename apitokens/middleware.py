"""Log every request made with an API token, with the status it was answered with."""

from __future__ import annotations

from apitokens.services import api_token_use_record
from core.ratelimit import client_ip


class ApiTokenUseMiddleware:
    """The authentication (DRF, Open311) leaves the token on the request; this writes one
    ApiTokenUse row once the response exists. Requests without a token cost nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        token = getattr(request, "api_token", None)
        if token is not None:
            api_token_use_record(
                token=token,
                method=request.method,
                path=request.path,  # never the query string: a careless client may put a key there
                status=response.status_code,
                client_address=client_ip(request),
            )
        return response
