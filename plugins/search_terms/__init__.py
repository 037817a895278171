"""Chinese search terms: Jinja globals for the indexed codes of a report and the search page's dictionary.

``search_terms(report)`` gives the codes a report page hides for Pagefind and
``search_dictionary()`` the dictionary the search page segments queries with
(both from wenming.publish.search_terms, the dictionary from the registry).
"""

from __future__ import annotations

from pelican import signals

from wenming.publish.search_terms import SearchDictionary, report_terms


def add_globals(generator) -> None:
    dictionary = SearchDictionary.from_registry(generator.settings["WM_REGISTRY"])
    generator.env.globals.update(
        search_terms=lambda report: report_terms(report, dictionary),
        search_dictionary=dictionary.payload,
    )


def register():
    signals.generator_init.connect(add_globals)
