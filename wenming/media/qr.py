"""QR codes as SVG, generated at build time, for exhibit pages and the kiosk's links to the outside."""

from __future__ import annotations

import io

import segno


def qr_svg(url: str, title: str) -> str:
    """A scalable SVG QR code of ``url`` (dark on white, with the standard quiet zone)."""
    code = segno.make(url, micro=False, error="m")
    buffer = io.BytesIO()
    code.save(buffer, kind="svg", xmldecl=False, omitsize=True, dark="#1f1f1f", light="#ffffff", title=title)
    return buffer.getvalue().decode("utf-8") + "\n"
