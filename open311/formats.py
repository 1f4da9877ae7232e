"""The two output formats of GeoReport v2: XML (required) and JSON (its Spark-convention
mapping). One Python shape is written both ways: a list becomes repeated child elements
whose name the spec fixes (services → service, service_requests → request, …)."""

from __future__ import annotations

import json
from xml.etree import ElementTree as ET

from django.http import HttpResponse

JSON = "json"
XML = "xml"
CONTENT_TYPES = {JSON: "application/json; charset=utf-8", XML: "text/xml; charset=utf-8"}
ITEM_NAMES = {
    "services": "service",
    "service_requests": "request",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}


def _text(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _fill(element: ET.Element, value) -> None:
    if isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        item_name = ITEM_NAMES[element.tag]
        for item in value:
            _fill(ET.SubElement(element, item_name), item)
    else:
        element.text = _text(value)


def to_xml(root: str, value) -> str:
    element = ET.Element(root)
    _fill(element, value)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="unicode")


def respond(fmt: str, root: str, value, *, status: int = 200) -> HttpResponse:
    """`root` names the XML root element (its list items follow ITEM_NAMES); JSON is the
    bare value, as in the spec's examples."""
    body = json.dumps(value, ensure_ascii=False) if fmt == JSON else to_xml(root, value)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def errors(fmt: str, status: int, *descriptions: str, headers: dict | None = None) -> HttpResponse:
    """The spec's error body: a list of {code, description}; the code is the HTTP status."""
    response = respond(
        fmt, "errors", [{"code": status, "description": str(text)} for text in descriptions], status=status
    )
    for name, value in (headers or {}).items():
        response[name] = value
    return response
