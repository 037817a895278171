"""Generated outputs beyond templated pages: static API payloads, iCalendar, exports, search index, kiosk."""
