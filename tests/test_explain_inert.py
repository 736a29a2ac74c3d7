"""Never a traceback, never a raw control sequence: the whole explain path (classify, render,
the CLI) over arbitrary text, a hostile log shown inert in the CLI, the plain prompts and the
app, and a 10 MB log."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wizard.cli.entry import main
from wizard.inert import inert, is_inert
from wizard.troubleshoot import CASES, classify, explain_text
from wizard.troubleshoot.guidance import FOCUS_CHARS

HOSTILE = (
    "\x1b]0;owned\x07"  # set the window title
    "\x1b]52;c;ZWNobyBwd25lZA==\x1b\\"  # write the clipboard
    "\x1b[2A\x1b[2K\x1b[32m\u2713 Step 6 \u00b7 run succeeded\x1b[0m"  # paint a fake success
    "\x9b1;1H\x9d2;title\x9c\x90qdcs\x1b\\\r\u202eevil"
)
EXAMPLES = [example for case in CASES for example in case.examples]
pieces = st.one_of(
    st.text(),
    st.sampled_from(EXAMPLES),
    st.sampled_from(
        [
            HOSTILE,
            "{role_name}",
            "{0}",
            "{",
            "}}",
            "[bold]x[/]",
            "%s %d",
            '"https://ACCOUNT.dkr.ecr.REGION.amazonaws.com/v2/"',
            "https://123456789012.dkr.ecr.us-east-1.amazonaws.com/v2/",
            "arn:aws:iam::123456789012:role/x",
            "\x00\x1b\x7f\x85\u2028\ud7ff\U0001f600",
        ]
    ),
)
texts = st.lists(pieces, max_size=6).map("\n".join)


@settings(max_examples=300, deadline=None)
@given(texts)
def test_classify_and_render_never_raise_and_stay_inert(text: str) -> None:
    for guidance in classify(text):
        for field in (guidance.title, guidance.cause, guidance.fix, *guidance.commands):
            assert is_inert(field)
        assert all(is_inert(c.text) and is_inert(c.check) for c in guidance.causes)
    rendered = explain_text(text)
    assert rendered and is_inert(rendered)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(text=texts, as_json=st.booleans())
def test_the_cli_never_raises_and_prints_nothing_a_terminal_acts_on(
    text: str, as_json: bool, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    argv = ["explain", "--config", str(tmp_path / "none.toml"), "--", text]
    if as_json:
        argv.insert(1, "--json")
    code = main(argv)
    out, err = capsys.readouterr()
    assert code in (0, 1)
    assert is_inert(out) and is_inert(err.replace("\n", ""))
    if as_json:
        assert json.loads(out)["schema"] == "ecr-oidc-wizard/explain/v1"


def test_the_known_crash_prints_guidance_and_exits_cleanly(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for account in ("ACCOUNT", "123456789012"):
        message = (
            f'Error response from daemon: Get "https://{account}.dkr.ecr.eu-west-1.amazonaws.com'
            '/v2/": no basic auth credentials'
        )
        assert main(["explain", message]) == 0
        out = capsys.readouterr().out
        assert "[no-basic-auth]" in out


def test_inert_removes_every_sequence_and_keeps_the_text() -> None:
    shown = inert("before " + HOSTILE + " after")
    assert is_inert(shown)
    assert shown.startswith("before ") and shown.endswith(" after")
    assert "run succeeded" in shown  # the words stay, harmless, in the flow of the log
    assert "owned" not in shown and "ZWNobyBwd25lZA" not in shown


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\x1b[31mb\x1b[0mc", "abc"),
        ("a\x1b]8;;https://x\x1b\\link\x1b]8;;\x1b\\b", "alinkb"),
        ("unterminated \x1b]0;title\nnext line", "unterminated \nnext line"),
        ("line\r\n", "line\n"),
        ("over\rwrite", "over\nwrite"),
        ("tab\tkept", "tab\tkept"),
        ("\x9b2J8-bit", "8-bit"),
        ("é ü 漢字 🙂", "é ü 漢字 🙂"),
    ],
)
def test_inert_cases(raw: str, shown: str) -> None:
    assert inert(raw) == shown


def test_a_ten_megabyte_log_is_explained() -> None:
    line = "2026-11-30T10:00:00.0000000Z #12 [build 3/9] RUN pip install -r requirements.txt\n"
    noise = line * (10_000_000 // len(line))
    log = noise[: len(noise) // 2] + HOSTILE + noise[len(noise) // 2 :]
    log += "denied: Your authorization token has expired. Reauthenticate and try again.\n"
    assert len(log) > FOCUS_CHARS * 40
    found = classify(log)
    assert [g.case for g in found][:1] == ["ecr-token-expired"]
    assert is_inert(explain_text(log))


def test_an_error_early_in_a_huge_log_is_still_found() -> None:
    filler = "x" * 120 + "\n"
    log = "Error: Request ARN is invalid\n" + filler * 80_000
    assert classify(log)[0].case == "role-arn-invalid"


@settings(max_examples=150, deadline=None)
@given(texts, st.text(max_size=40))
def test_a_failed_runs_log_and_names_never_raise_and_stay_inert(log: str, name: str) -> None:
    from wizard.run_explain import explanation_lines
    from wizard.run_logs import RunExplanation, explain_job

    job = {
        "id": 1,
        "name": name,
        "conclusion": "failure",
        "steps": [{"name": name, "conclusion": "failure"}],
    }
    explained = explain_job(job, log, {"github_repo": "o/r"})
    run = RunExplanation(1, "o/r", "completed", "failure", "https://x/{0}", jobs=(explained,))
    for line in explanation_lines(run):
        assert is_inert(line)
    json.dumps(run.to_json())
