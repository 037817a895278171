"""Schemathesis against the CMS's own OpenAPI document: requests generated for every operation, as an admin
and as an editor, never get a 5xx answer. (Driven through Hypothesis directly: schemathesis's pytest plugin
does not work with this pytest version.)"""

from __future__ import annotations

import pytest
import schemathesis
from cmskit import git, make_cms_site
from hypothesis import HealthCheck, given, settings

FUZZ = settings(max_examples=10, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True,
                database=None)


SESSION_ENDERS = {("POST", "/api/logout"), ("DELETE", "/api/users/{username}")}


@pytest.fixture(scope="module")
def cms_site(tmp_path_factory):
    site = make_cms_site(tmp_path_factory.mktemp("fuzz"))
    # Logged in before fuzzing: generated logins soon hit the rate limit of the test client's address.
    site.sessions = {name: site.login(name) for name in ("chengbei", "admin")}
    site.cms.worker.start()  # as in production: the first build makes previews available
    site.cms.worker.request()
    assert site.cms.worker.wait_until_live(git(site.root, "rev-parse", "HEAD").strip(), timeout=120)
    yield site
    site.cms.worker.stop()


@pytest.mark.parametrize("user", ["chengbei", "admin"])  # the admin last: it may delete the editor's account
def test_no_generated_request_gets_a_server_error(cms_site, user):
    headers = cms_site.sessions[user]
    schema = schemathesis.openapi.from_asgi("/openapi.json", cms_site.cms.app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 20
    # Ending the session or deleting the account would turn every later request into a 401.
    operations = [op for op in operations if (op.method.upper(), op.path) not in SESSION_ENDERS]
    failures, statuses = [], set()
    for operation in operations:
        @FUZZ
        @given(case=operation.as_strategy())
        def exercise(case):
            response = case.call(headers=headers)
            statuses.add(response.status_code)
            if response.status_code >= 500:
                failures.append(f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:300]}")

        exercise()
    assert failures == []
    assert 200 in statuses and statuses & {400, 403, 404, 422}  # requests got through, and were refused
