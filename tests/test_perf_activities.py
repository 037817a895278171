"""Each activities month page is handed only the activities near its month, and its calendar is the same
as one laid out from every activity (on the sample site's activities and generated sessions)."""

from __future__ import annotations

import datetime
from pathlib import Path

from wenming_plugins.activities import near_month

from wenming.metrics.activity_calendar import activity_months, month_calendar
from wenming.model.site import load_site

ROOT = Path(__file__).resolve().parent.parent
MONTH = datetime.timedelta(days=31)


def test_month_calendars_from_nearby_events_equal_those_from_all():
    model, diagnostics = load_site(ROOT / "content")
    assert not diagnostics.has_errors()
    events = [e for e in model.collections["events"] if e.is_published]
    months = activity_months(events)
    assert len(months) > 3 and len(events) > 20
    for year, month in months:
        near = near_month(year, month, events)
        assert month_calendar(year, month, near) == month_calendar(year, month, events), (year, month)
        assert len(near) < len(events)
        start, end = datetime.date(year, month, 1), datetime.date(year, month, 28)
        far = [e for e in events if e.end.date() < start - MONTH or e.start.date() > end + MONTH]
        assert far
        assert not set(map(id, near)) & set(map(id, far))
