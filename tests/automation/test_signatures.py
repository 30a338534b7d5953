"""The webhook secret checks on their own: GitHub's signature over the exact body, header tokens (named, or
GitLab's by default), every configured check required, no secret no call, the GitHub event filter."""

from __future__ import annotations

import pytest

from codemill.automation.signatures import event_wanted, github_signature, verify
from codemill.errors import Forbidden, Unauthorized

BODY = b'{"ref": "main"}'


def test_github_signature_over_the_exact_body() -> None:
    values = {"github_webhook_secret": "s"}
    verify(values, {"x-hub-signature-256": github_signature("s", BODY)}, BODY)
    with pytest.raises(Unauthorized):
        verify(values, {"x-hub-signature-256": github_signature("s", BODY + b" ")}, BODY)
    with pytest.raises(Unauthorized):
        verify(values, {"x-hub-signature-256": github_signature("other", BODY)}, BODY)
    with pytest.raises(Unauthorized):
        verify({"github_require_sha256": "true"}, {"x-hub-signature-256": github_signature("", BODY)}, BODY)


def test_header_tokens_named_or_gitlabs() -> None:
    verify({"secure_header_name": "X-Token", "secure_header_value": "t"}, {"x-token": "t"}, BODY)
    verify({"secure_header_value": "t"}, {"x-gitlab-token": "t"}, BODY)
    with pytest.raises(Unauthorized):
        verify({"secure_header_value": "t"}, {"x-token": "t"}, BODY)


def test_every_configured_check_must_pass_and_no_secret_accepts_nothing() -> None:
    both = {"github_webhook_secret": "s", "secure_header_value": "t"}
    with pytest.raises(Unauthorized):
        verify(both, {"x-hub-signature-256": github_signature("s", BODY)}, BODY)
    verify(both, {"x-hub-signature-256": github_signature("s", BODY), "x-gitlab-token": "t"}, BODY)
    with pytest.raises(Forbidden):
        verify({"secure_header_name": "X-Token"}, {"x-token": ""}, BODY)


def test_event_filter() -> None:
    values = {"github_event_filter": "push, pull_request"}
    assert event_wanted(values, {"x-github-event": "pull_request"})
    assert not event_wanted(values, {"x-github-event": "star"})
    assert event_wanted(values, {})  # not a GitHub delivery: the filter does not apply
    assert event_wanted({}, {"x-github-event": "star"})
