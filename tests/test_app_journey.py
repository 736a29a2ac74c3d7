"""The app covers the whole journey and says why it waits: refusals on the status line,
verification before anything exists, the closing summary, the AWS session picked in the app."""

from __future__ import annotations

from screens.verify import VerifyScreen
from tests.test_app_support import FakeAws, FakeError, fake_app, settle, text_of


def _footer_keys(app: object) -> list[str]:
    from textual.widgets._footer import FooterKey

    screen = app.screen  # type: ignore[attr-defined]
    return [str(key.key_display) for key in screen.query(FooterKey)]


async def test_verification_before_anything_exists_says_nothing_pushed_yet() -> None:
    aws = FakeAws()
    aws.answers["describe_images"] = FakeError(
        "RepositoryNotFoundException", "The repository with name 'demo' does not exist"
    )
    app = fake_app("verify", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, VerifyScreen)
        shown = text_of(app, "#verify-result")
        assert "Nothing pushed yet" in shown
        assert "RepositoryNotFoundException" not in shown
        # No Helm values, so neither their box nor the key that copies them.
        assert not app.screen.query_one("#helm").display
        assert app.screen.check_action("copy_helm", ()) is False


async def test_verification_of_an_empty_repository_says_nothing_pushed_yet() -> None:
    aws = FakeAws()
    aws.answers["describe_images"] = {"imageDetails": []}
    app = fake_app("verify", aws=aws)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert "Nothing pushed yet" in text_of(app, "#verify-result")
        assert app.screen.check_action("copy_helm", ()) is False
