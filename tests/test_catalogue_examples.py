"""Every example message of every catalogue entry classifies to its own entry, first.

The examples are data in the entries themselves (real messages of that shape, as people posted
them in the trackers the entries cite); adding an entry means adding its examples, and each one
becomes a test here.
"""

from __future__ import annotations

import re

import pytest

from wizard.troubleshoot import CASES, classify, explain_text
from wizard.troubleshoot.case import Case

EXAMPLES = [(case, example) for case in CASES for example in case.examples]


def _example_id(pair: tuple[Case, str]) -> str:
    case, example = pair
    return f"{case.id}:{example[:50]}"


@pytest.mark.parametrize(("case", "example"), EXAMPLES, ids=[_example_id(e) for e in EXAMPLES])
def test_example_classifies_to_its_own_entry(case: Case, example: str) -> None:
    found = classify(example)
    assert found, "not recognised"
    assert found[0].case == case.id, [g.case for g in found]
    assert explain_text(example).splitlines()[0].endswith(f"[{case.id}]") or len(found) > 1


def test_every_entry_says_where_it_comes_from_and_shows_an_example() -> None:
    for case in CASES:
        assert case.examples, case.id
        assert case.source, case.id
        assert re.match(r"https://(?:github\.com|docs\.)", case.link), case.id


def test_causes_have_unique_keys_and_a_check_each() -> None:
    for case in CASES:
        keys = [cause.key for cause in case.causes]
        assert len(keys) == len(set(keys)), case.id
        for cause in case.causes:
            assert re.fullmatch(r"[a-z]+(?:-[a-z0-9]+)*", cause.key), cause.key
            assert cause.text.endswith((".", ")")) and cause.check.endswith(("?", ".")), cause.key
            if cause.hint:
                re.compile(cause.hint)


def test_entries_with_several_causes_list_them_ranked_with_checks() -> None:
    example = "Error: Could not load credentials from any providers"
    (guidance,) = classify(example)
    assert len(guidance.causes) >= 5
    assert guidance.causes[0].key == "id-token-permission"
    text = explain_text(example)
    assert "Known causes, most likely first" in text
    assert text.count("Check: ") == len(guidance.causes)


@pytest.mark.parametrize(
    ("message", "first"),
    [
        (
            "Error: Could not load credentials from any providers (actor dependabot[bot])",
            "fork-or-dependabot",
        ),
        (
            "env:\n  AWS_PROFILE: prod\nError: Credentials could not be loaded, please check your "
            "action inputs: Could not load credentials from any providers",
            "aws-profile-set",
        ),
        (
            "sub repo:octo/app:environment:production\nError: Not authorized to perform "
            "sts:AssumeRoleWithWebIdentity",
            "environment",
        ),
        (
            "GITHUB_REF=refs/pull/7/merge event pull_request\nError: Not authorized to perform "
            "sts:AssumeRoleWithWebIdentity",
            "pull-request",
        ),
    ],
)
def test_what_the_message_shows_puts_that_cause_first(message: str, first: str) -> None:
    guidance = classify(message)[0]
    assert guidance.causes[0].key == first
    assert guidance.causes[0].status == "shown in the message"
