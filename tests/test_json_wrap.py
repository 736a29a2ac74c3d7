"""The policy view's JSON never breaks inside a token, and stays the same JSON."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from screens.widgets.json_wrap import _units, reflow
from tests.helpers import guide_settings
from wizard.policies import push_policy, trust_policy

STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


def _documents() -> list[object]:
    s = guide_settings()
    return [
        trust_policy(s, partition="aws", account_id="123456789012"),
        push_policy(s, partition="aws", account_id="123456789012"),
    ]


def _strings(text: str) -> list[str]:
    return STRING.findall(text)


@pytest.mark.parametrize("width", [20, 40, 56, 64, 80, 120])
@pytest.mark.parametrize("index", [0, 1])
def test_tokens_stay_whole_and_the_json_is_unchanged(width: int, index: int) -> None:
    text = json.dumps(_documents()[index], indent=2)
    out = reflow(text, width)
    assert json.loads(out) == json.loads(text)
    # Every string token of the original appears whole on one line of the result.
    assert sorted(_strings(out)) == sorted(_strings(text))
    for line in out.split("\n"):
        # A line is too long only when it holds a single token (with its ':' or ','), which
        # is never split.
        assert len(line) <= width or len(_units(line.strip())) == 1, line


def test_a_long_key_and_value_break_after_the_colon_with_a_hanging_indent() -> None:
    text = json.dumps(
        {"token.actions.githubusercontent.com:sub": "repo:o/r:ref:refs/heads/main"}, indent=2
    )
    lines = reflow(text, 50).split("\n")
    assert lines[1] == '  "token.actions.githubusercontent.com:sub":'
    assert lines[2] == '      "repo:o/r:ref:refs/heads/main"'


@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=40),
        lambda inner: (
            st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=30), inner, max_size=4)
        ),
        max_leaves=12,
    ),
    st.integers(min_value=1, max_value=100),
)
def test_any_json_survives_any_width(document: object, width: int) -> None:
    text = json.dumps(document, indent=2)
    assert json.loads(reflow(text, width)) == document
