"""The offline kiosk bundle of the exhibition hall, written next to the site as ``<output>/kiosk/``.

It opens as ``file://…/kiosk/index.html`` and needs no network: pages,
resized pictures, QR codes and a subset Chinese font all live in the bundle
and are linked by relative URLs.
"""

from wenming.publish.kiosk.bundle import write_kiosk

__all__ = ["write_kiosk"]
