"""The files a deployment is made from: the Slack manifest, .env.example and the Procfile."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from bot.settings import Settings

ROOT = Path(__file__).resolve().parent.parent.parent


def test_the_manifest_asks_for_what_the_bot_uses_and_nothing_else() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    used = {
        "commands",
        "chat:write",
        "im:write",
        "im:history",
        "channels:history",
        "groups:history",
        "users:read",
        "users:read.email",
        "files:write",
    }
    assert scopes == used
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == ["/hlm"]
    assert features["app_home"]["messages_tab_enabled"] is True
    assert features["app_home"]["messages_tab_read_only_enabled"] is False
    assert features["app_home"]["home_tab_enabled"] is True
    settings = manifest["settings"]
    assert set(settings["event_subscriptions"]["bot_events"]) == {
        "app_home_opened",
        "message.im",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert settings["org_deploy_enabled"] is False  # organisation-wide: an opt-in (README)
    assert manifest["oauth_config"]["redirect_urls"] == ["https://YOUR-HOST/slack/oauth_redirect"]
    assert settings["interactivity"]["is_enabled"] is True
    urls = {
        features["slash_commands"][0]["url"],
        settings["event_subscriptions"]["request_url"],
        settings["interactivity"]["request_url"],
    }
    assert urls == {"https://YOUR-HOST/slack/events"}


def test_env_example_documents_every_setting() -> None:
    documented = set(
        re.findall(r"^([A-Z_]+)=", (ROOT / ".env.example").read_text(encoding="utf-8"), re.M)
    )
    assert {name.upper() for name in Settings.model_fields} == documented


def test_the_procfile_migrates_on_release_and_names_web_and_worker() -> None:
    processes = dict(
        line.split(": ", 1)
        for line in (ROOT / "Procfile").read_text(encoding="utf-8").splitlines()
        if line
    )
    assert processes["release"] == "hlm db upgrade && hlm seed"
    assert processes["web"].startswith("hlm serve --port $PORT")
    assert processes["worker"] == "hlm scheduler"
