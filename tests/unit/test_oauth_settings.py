"""Settings of an app installed by OAuth into several workspaces."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from bot.settings import Settings, SettingsError, get_settings


def settings(**values: object) -> Settings:
    return Settings(_env_file=None, **values)  # type: ignore[call-arg, arg-type]


def test_the_single_token_mode_stays_the_default() -> None:
    single = settings(slack_bot_token=SecretStr("xoxb-1"), slack_signing_secret=SecretStr("s"))
    assert not single.oauth_mode
    single.check_serving()


def test_client_id_and_secret_together_turn_on_oauth_and_need_no_bot_token() -> None:
    both = settings(
        slack_client_id="1.2",
        slack_client_secret=SecretStr("c"),
        slack_signing_secret=SecretStr("s"),
    )
    assert both.oauth_mode
    both.check_serving()
    assert not settings(slack_client_id="1.2").oauth_mode


def test_serving_without_a_signing_secret_names_it() -> None:
    with pytest.raises(SettingsError, match="SLACK_SIGNING_SECRET"):
        settings(slack_client_id="1.2", slack_client_secret=SecretStr("c")).check_serving()


@pytest.mark.parametrize(
    ("channel", "team", "expected"),
    [
        (None, None, {}),
        ("C0DIG", None, {None: "C0DIG"}),
        ("C0SHARED", "T0EC", {"T0EC": "C0SHARED"}),
        ("T0ILO:C0DIG, T0EC:C0DIG2", None, {"T0ILO": "C0DIG", "T0EC": "C0DIG2"}),
    ],
)
def test_digest_channels_are_one_shared_or_one_per_workspace(
    channel: str | None, team: str | None, expected: dict[str | None, str]
) -> None:
    read = settings(hlm_digest_channel=channel, hlm_digest_team=team)
    assert read.digest_channels() == expected


@pytest.mark.parametrize(
    "channel",
    [
        pytest.param("C0DIG,T0EC:C1", id="one-channel-mixed-with-a-pair"),
        pytest.param("T0ILO:,T0EC:C1", id="a-pair-without-its-channel"),
        pytest.param("C0DIG,C0DIG2", id="two-channels-without-workspaces"),
    ],
)
def test_a_digest_channel_that_mixes_the_two_forms_is_refused_at_start_up(channel: str) -> None:
    with pytest.raises(SettingsError, match=r"^HLM_DIGEST_CHANNEL is not valid: .*TEAM:CHANNEL"):
        get_settings(_env_file=None, hlm_digest_channel=channel)
