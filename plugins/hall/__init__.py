"""The online exhibition hall: /hall/, a page per section and per exhibit, QR codes and the hall API.

Publishes ``hall`` (a wenming.hall.Hall, or None when the site has no
content/data/hall.yml) in the shared context for the navigation and home page.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from pelican import signals
from pelican.generators import Generator

from wenming.build.render_cache import write_generated
from wenming.build.settings import MODEL_KEY
from wenming.media.qr import qr_svg
from wenming.model.urls import API, save_as
from wenming.output import json_bytes
from wenming.publish import hall_api

QR_FILE = "qr.svg"


def copy_media(item, output_path: str) -> None:
    """Copy an exhibit's video and captions beside its page."""
    video = item.video
    if video is None:
        return
    for src, path in ((video.src, video.path), (video.captions, video.captions_path)):
        if path is not None:
            target = Path(output_path) / item.media_url(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)


class HallGenerator(Generator):
    def generate_context(self):
        self.context["hall"] = self.settings[MODEL_KEY].extras.get("hall")

    def generate_output(self, writer):
        hall = self.context["hall"]
        if hall is None:
            return
        writer.write_file(save_as(hall.url), self.get_template("hall"), self.context, page_name="hall")
        section_template, exhibit_template = self.get_template("hall_section"), self.get_template("hall_exhibit")
        for section in hall.sections:
            writer.write_file(save_as(section.url), section_template, self.context, section=section,
                              page_name=section.url.rstrip("/"))
            for item in section.exhibits:
                previous, following = hall.neighbours(item)
                write_generated(writer, item.url + QR_FILE,
                                lambda item=item: qr_svg(hall.public(item.url), item.title).encode())
                copy_media(item, self.output_path)
                writer.write_file(save_as(item.url), exhibit_template, self.context, exhibit=item,
                                  previous=previous, following=following, qr_file=QR_FILE,
                                  page_name=item.url.rstrip("/"))
        write_generated(writer, f"{API}exhibits.json", lambda: json_bytes(hall_api.exhibits_payload(hall)))
        write_generated(writer, f"{API}hall.json", lambda: json_bytes(hall_api.hall_payload(hall)))


def get_generators(pelican):
    return HallGenerator


def register():
    signals.get_generators.connect(get_generators)
