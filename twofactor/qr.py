"""The enrolment QR code as an inline SVG data URI: drawn here, no CDN, no extra request."""

from base64 import b64encode

import qrcode
import qrcode.image.svg


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, box_size=10, border=2)
    return "data:image/svg+xml;base64," + b64encode(image.to_string()).decode("ascii")
