"""志愿活动: /activities/ (the current month's calendar, upcoming and recent activities), a calendar
page per month, iCalendar feeds (all activities and one per town) and the events API.

"Now" is the build's --as-of date when given (so a build for a past date shows
that day's view), otherwise the current time in Beijing.
"""

from __future__ import annotations

import datetime
import itertools

from pelican import signals
from pelican.generators import Generator

from wenming.build.render_cache import write_generated
from wenming.build.settings import MODEL_KEY
from wenming.metrics.activity_calendar import WEEKDAYS, activity_months, month_calendar, shift
from wenming.model import urls
from wenming.model.events import reference_moment, signup_text
from wenming.output import json_bytes
from wenming.publish.ical import calendar_feed
from wenming.publish.practice_api import event_payload

UPCOMING = 10
RECENT = 10
# A month's calendar shows whole weeks: at most six days of the months before and after it.
CALENDAR_MARGIN = datetime.timedelta(days=7)


def without_repeats(events) -> list:
    """Written activities, and of each project's generated sessions only the first (so the lists
    show the next 微讲堂 session, not the whole year of them)."""
    seen, kept = set(), []
    for event in events:
        if event.is_generated and event.project.slug in seen:
            continue
        seen.add(event.project.slug if event.is_generated else None)
        kept.append(event)
    return kept


def near_month(year: int, month: int, events) -> list:
    """The events that may show on the month's calendar (those overlapping it, with a week's margin either
    side), in their order: month_calendar looks at every event for each of its days, so each month page is
    handed these rather than every activity of every year."""
    first = datetime.date(year, month, 1) - CALENDAR_MARGIN
    last = datetime.date(*shift(year, month, 1), 1) + CALENDAR_MARGIN
    return [e for e in events if e.start.date() <= last and e.end.date() >= first]


class ActivitiesGenerator(Generator):
    SIDE_OUTPUT = True  # writes what nothing else reads: in a forked process (wenming.build.side_outputs)

    def generate_output(self, writer):
        model = self.settings[MODEL_KEY]
        registry = model.registry
        site = registry.site
        events = [e for e in model.collections.get("events", []) if e.is_published]
        now = reference_moment(model.as_of)
        months = activity_months(events)
        by_year = [(year, [m for _, m in group]) for year, group in itertools.groupby(months, key=lambda m: m[0])]
        common = {"now": now, "today": now.date(), "WEEKDAYS": WEEKDAYS, "signup_text": signup_text,
                  "activity_years": by_year, "month_pages": set(months), "shift": shift}
        writer.write_file(
            urls.save_as(urls.ACTIVITIES), self.get_template("activities"), self.context,
            calendar=month_calendar(now.year, now.month, events),
            upcoming=without_repeats([e for e in events if not e.is_past(now)])[:UPCOMING],
            recent=without_repeats([e for e in events if e.is_past(now)][::-1])[:RECENT], towns=registry.towns,
            page_name="activities", **common,
        )
        template = self.get_template("activities_month")
        for year, month in months:
            url = urls.activities_month(year, month)
            writer.write_file(urls.save_as(url), template, self.context,
                              calendar=month_calendar(year, month, near_month(year, month, events)),
                              page_name=url.rstrip("/"), **common)
        # The feeds and the API show activities and the registry, not the time: unchanged, they are linked from
        # the last build instead of written again.
        write_generated(writer, urls.ACTIVITIES_ICS, lambda: calendar_feed(events, site, f"{site.title}·志愿活动"))
        for town in registry.towns:
            write_generated(writer, urls.activities_town_ics(town.slug), lambda town=town: calendar_feed(
                [e for e in events if town in e.towns], site, f"{town.name}·志愿活动"))
        write_generated(writer, f"{urls.API}events.json", lambda: json_bytes(
            {"timezone": "Asia/Shanghai", "items": [event_payload(e, site) for e in events]}))


def get_generators(pelican):
    return ActivitiesGenerator


def register():
    signals.get_generators.connect(get_generators)
