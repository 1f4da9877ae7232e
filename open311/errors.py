from __future__ import annotations


class Open311Error(Exception):
    """Answered with the spec's error body: 400 bad request, 403 api_key, 404 not found."""

    def __init__(self, status: int, *descriptions: str, headers: dict | None = None):
        super().__init__(*descriptions)
        self.status = status
        self.descriptions = [str(d) for d in descriptions]
        self.headers = headers or {}
