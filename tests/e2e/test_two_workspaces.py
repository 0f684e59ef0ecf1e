"""Two institutions, two workspaces: the app installed into each through the real OAuth flow."""

from __future__ import annotations

import gc
import html
import http.client
import json
import re
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
import waitress
from pydantic import SecretStr
from slack_sdk.oauth.installation_store import Bot
from sqlalchemy import func, select, text
from waitress import wasyncore

from bot.app import create_app
from bot.bootstrap import Deps, build
from bot.http import make_wsgi_app
from bot.middleware import NOT_INSTALLED
from bot.settings import Settings
from bot.slack_gateway import SlackNotifier
from bot.views import ids
from fake_slack import FakeSlack, SlackRequests, http_post
from seed.sync import SEED_DIR
from tests.conftest import BACKENDS, NOW
from tests.e2e.conftest import Clock, PreparedDatabases, directory
from tests.factories import make_digest
from workflows.delivery.outbox import send_checkins
from workflows.people.owners_file import import_owners, read_owners_file
from workflows.store.db import make_engine, session_scope
from workflows.store.models import Outbox, Person, Update
from workflows.types import OutboxState, Status

SECRET = "two-workspaces-secret"
ILO, EC, OTHER = "T0ILO", "T0EC", "T0OTHERORG"
ILO_COORDINATOR, EC_COORDINATOR, EC_OWNER = "U0ILOCOORD", "U0ECCOORD", "U0ECFRANS"


@dataclass
class Installed:
    """The app served over HTTP, installed by OAuth, and the stand-in Slack of both workspaces."""

    deps: Deps
    fake: FakeSlack
    url: str
    port: int

    def get(self, path: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
        """GET a path as a browser would; return the status, the headers and the body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=10)
        try:
            connection.request("GET", path, headers={"Cookie": cookie} if cookie else {})
            response = connection.getresponse()
            headers = {k.lower(): v for k, v in response.getheaders()}
            return response.status, headers, response.read().decode()
        finally:
            connection.close()

    def install(self, team_id: str) -> tuple[int, str]:
        """Install the app into a workspace: /slack/install, Slack's consent, the redirect back."""
        status, headers, _ = self.get("/slack/install")
        assert status in (200, 302)
        cookie = SimpleCookie(headers["set-cookie"])
        name, morsel = next(iter(cookie.items()))
        code = self.fake.authorize(team_id)
        query = urlencode({"code": code, "state": morsel.value})
        status, _, body = self.get(f"/slack/oauth_redirect?{query}", f"{name}={morsel.value}")
        return status, body

    def post(self, team_id: str, built: tuple[str, dict[str, str]]) -> tuple[int, str]:
        """Send a signed request to /slack/events."""
        return http_post(self.url + "slack/events", built)

    def requests(self, team_id: str) -> SlackRequests:
        """Return a builder of signed requests from a workspace."""
        return SlackRequests(SECRET, team_id=team_id, api_app_id=self.fake.app_id)

    def tokens_used(self, method: str) -> set[str]:
        """Return the bot tokens the app called a Web API method with."""
        calls = self.fake.calls(method)
        return {c.headers.get("authorization", "").removeprefix("Bearer ") for c in calls}


@pytest.fixture(params=BACKENDS)
def installed(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    prepared_databases: PreparedDatabases,
) -> Iterator[Installed]:
    """Serve the app in OAuth mode against a stand-in Slack that knows two workspaces."""
    engine = make_engine(prepared_databases.new(request.param))
    fake = FakeSlack(team_id=ILO).start()
    fake.add_workspace(ILO, name="ILO")
    fake.add_workspace(EC, name="European Commission")
    directory(fake)
    for user in fake.users.values():  # the Commission's people are in its own workspace
        user["team_id"] = EC if user["id"].startswith("U0EC") else ILO
    settings = Settings(
        slack_client_id=fake.client_id,
        slack_client_secret=SecretStr(fake.client_secret),
        slack_signing_secret=SecretStr(SECRET),
        slack_api_url=fake.base_url,
        database_url=str(engine.url.render_as_string(hide_password=False)),
        hlm_coordinators=ILO_COORDINATOR,
        hlm_digest_team=ILO,
        _env_file=None,  # type: ignore[call-arg]
    )
    deps = build(settings, clock=Clock(), engine=engine)
    # The owners file names each person's workspace: the Commission's people are in its own.
    owners = read_owners_file(SEED_DIR / "owners.example.yaml")
    people = [
        p.model_copy(update={"slack_team_id": EC if p.institution == "ec" else ILO})
        for p in owners.people
    ]
    with session_scope(deps.sessions) as session:
        import_owners(session, owners.model_copy(update={"people": people}), now=NOW)
    app = create_app(deps, process_before_response=True)
    sockets: dict[int, Any] = {}
    server = waitress.create_server(
        make_wsgi_app(app, deps), map=sockets, host="127.0.0.1", port=0, threads=4
    )
    closing = threading.Event()

    def serve() -> None:
        while not closing.is_set():
            wasyncore.loop(timeout=0.05, map=sockets, count=1)

    thread = threading.Thread(target=serve, name="waitress", daemon=True)
    thread.start()
    try:
        port = server.effective_port
        yield Installed(deps, fake, f"http://127.0.0.1:{port}/", port)
    finally:
        deps.drain()
        server.task_dispatcher.shutdown()
        closing.set()
        thread.join(timeout=5)
        if not thread.is_alive():
            wasyncore.close_all(sockets)
        fake.stop()
        engine.dispose()
        gc.collect()


def test_the_install_page_sends_the_browser_to_slack_with_a_state_cookie(
    installed: Installed,
) -> None:
    status, headers, body = installed.get("/slack/install")
    assert status == 200
    assert "slack-app-oauth-state=" in headers["set-cookie"]
    found = re.search(r'href="(https://slack.com/oauth/v2/authorize[^"]*)"', body)
    assert found is not None
    link = urlparse(html.unescape(found.group(1)))
    query = parse_qs(link.query)
    assert query["client_id"] == [installed.fake.client_id]
    assert "commands" in query["scope"][0].split(",")


def test_each_workspace_is_installed_with_its_own_token(installed: Installed) -> None:
    for team in (ILO, EC):
        status, _ = installed.install(team)
        assert status == 200
    ilo, ec = (installed.deps.installations.token_for(t) for t in (ILO, EC))  # type: ignore[union-attr]
    assert installed.fake.team_of(ilo) == ILO
    assert installed.fake.team_of(ec) == EC
    assert installed.deps.client_for(EC).auth_test()["team_id"] == EC


def test_a_redirect_without_the_state_of_an_install_started_here_installs_nothing(
    installed: Installed,
) -> None:
    code = installed.fake.authorize(ILO)
    status, _, _ = installed.get(f"/slack/oauth_redirect?code={code}&state=forged")
    assert status >= 400
    assert installed.deps.installations.teams() == []  # type: ignore[union-attr]


def test_a_slash_command_from_either_workspace_is_answered(installed: Installed) -> None:
    installed.install(ILO)
    installed.install(EC)
    for team, user in ((ILO, ILO_COORDINATOR), (EC, EC_COORDINATOR)):
        hook = installed.fake.response_url(f"status-{team}")
        status, body = installed.post(
            team, installed.requests(team).slash_command(user, "status gender", response_url=hook)
        )
        assert status == 200
        assert NOT_INSTALLED not in body
        replies = [
            c for c in installed.fake.calls("response_url") if c.params["_name"] == f"status-{team}"
        ]
        answer = json.dumps([json.loads(body)] if body.strip() else []) + json.dumps(
            [c.params for c in replies]
        )
        assert "gender" in answer.lower()


def test_a_request_from_a_workspace_without_the_app_is_refused_and_writes_nothing(
    installed: Installed,
) -> None:
    installed.install(ILO)
    with installed.deps.reading() as session:
        before = session.scalar(select(func.count()).select_from(Update))
    status, body = installed.post(
        OTHER, installed.requests(OTHER).slash_command("U0STRANGER", "update gender-1 blocked")
    )
    assert (status, body) == (200, NOT_INSTALLED)
    with installed.deps.reading() as session:
        assert session.scalar(select(func.count()).select_from(Update)) == before


def test_an_uninstall_forgets_the_workspace_stops_its_messages_and_tells_the_coordinators(
    installed: Installed,
) -> None:
    installed.install(ILO)
    installed.install(EC)
    with session_scope(installed.deps.sessions) as session:
        frans = session.scalars(select(Person).where(Person.slack_user_id == EC_OWNER)).one()
        session.add(
            Outbox(key="waiting-for-frans", kind="escalation", person_id=frans.id,
                   due_at=installed.deps.now(), payload={"type": "departed", "reason": "x"})
        )  # fmt: skip
    installed.fake.revoke(EC)
    requests = installed.requests(EC)
    status, _ = installed.post(EC, requests.event(requests.app_uninstalled()))
    assert status == 200
    assert installed.deps.installations.teams() == [ILO]  # type: ignore[union-attr]
    with installed.deps.reading() as session:
        row = session.scalars(select(Outbox).where(Outbox.key == "waiting-for-frans")).one()
        assert row.state == OutboxState.SKIPPED
    told = installed.fake.ok_calls("chat.postMessage")
    assert [c.params["channel"] for c in told] == [ILO_COORDINATOR]
    assert "T0EC" in told[0].params["text"]
    assert installed.tokens_used("chat.postMessage") == {
        installed.deps.installations.token_for(ILO)  # type: ignore[union-attr]
    }
    status, body = installed.post(EC, requests.slash_command(EC_COORDINATOR, "status"))
    assert (status, body) == (200, NOT_INSTALLED)


def test_the_database_keeps_one_installation_per_workspace_across_reinstalls(
    installed: Installed,
) -> None:
    installed.install(ILO)
    installed.install(ILO)
    with installed.deps.reading() as session:
        teams = session.execute(text("SELECT DISTINCT team_id FROM slack_bots")).scalars().all()
    assert teams == [ILO]


def click(installed: Installed, team: str, user: str, code: str, status: Status) -> None:
    """Answer a check-in in words, in the DM, from the user's own workspace."""
    r = installed.requests(team)
    words = r.dm_message(user, f"{code} {status.value.replace('_', ' ')}: as discussed")
    assert installed.post(team, r.event(words))[0] == 200
    installed.fake.wait_for("chat.postMessage", len(installed.fake.ok_calls("chat.postMessage")))


def status_reply(installed: Installed, team: str, user: str, query: str) -> str:
    """Ask /hlm status from a workspace; return everything the app answered, as JSON."""
    hook = installed.fake.response_url(f"status-{team}-{user}")
    status, body = installed.post(
        team, installed.requests(team).slash_command(user, f"status {query}", response_url=hook)
    )
    assert status == 200
    replies = [
        c.params for c in installed.fake.calls("response_url")
        if c.params["_name"] == f"status-{team}-{user}"
    ]  # fmt: skip
    return body + json.dumps(replies)


def test_owners_in_two_workspaces_are_asked_in_their_own_and_both_answers_show_in_either(
    installed: Installed,
) -> None:
    installed.install(ILO)
    installed.install(EC)
    installations = installed.deps.installations
    assert installations is not None
    report = send_checkins(installed.deps.sessions, installed.deps.slack, now=installed.deps.now())
    assert report.sent
    posts = installed.fake.ok_calls("chat.postMessage")
    for call in posts:  # each DM went out with the token of its recipient's workspace
        token = call.headers["authorization"].removeprefix("Bearer ")
        recipient = installed.fake.users[call.params["channel"].removeprefix("D")]
        assert installed.fake.team_of(token) == recipient["team_id"]
    asked = {c.params["channel"] for c in posts}
    assert {"U0ILOCHIDI", "U0ECFRANS"} <= asked
    click(installed, ILO, "U0ILOCHIDI", "general-1", Status.ON_TRACK)
    click(installed, EC, "U0ECFRANS", "general-1", Status.AT_RISK)
    with installed.deps.reading() as session:
        recorded = {(u.institution, u.status) for u in session.scalars(select(Update))}
    assert recorded == {("ilo", Status.ON_TRACK), ("ec", Status.AT_RISK)}
    for team, coordinator in ((ILO, ILO_COORDINATOR), (EC, EC_COORDINATOR)):
        answer = status_reply(installed, team, coordinator, "general")
        assert "On track" in answer  # the ILO's part
        assert "At risk" in answer  # the Commission's part


def digest_poster(installed: Installed, **settings: Any) -> SlackNotifier:
    """Return the app's gateway as deployed with other digest settings."""
    changed = installed.deps.settings.model_copy(update=settings)
    return build(changed, engine=installed.deps.engine).slack


def posted_in(installed: Installed) -> dict[str, str | None]:
    """Return each channel a digest went to, and the workspace whose token posted it."""
    return {
        c.params["channel"]: installed.fake.team_of(
            c.headers["authorization"].removeprefix("Bearer ")
        )
        for c in installed.fake.ok_calls("chat.postMessage")
        if not c.params.get("thread_ts")
    }


def test_a_digest_goes_to_each_workspaces_channel_with_its_own_token(
    installed: Installed,
) -> None:
    installed.install(ILO)
    installed.install(EC)
    poster = digest_poster(installed, hlm_digest_channel=f"{ILO}:C0DIG,{EC}:C0DIG2")
    poster.post_digest(make_digest(2), None, key="digest:both")
    assert posted_in(installed) == {"C0DIG": ILO, "C0DIG2": EC}
    poster.post_digest(make_digest(2), None, key="digest:both", resume=True)
    assert len(installed.fake.messages("C0DIG")) == len(installed.fake.messages("C0DIG2"))


def test_a_digest_channel_shared_over_slack_connect_is_posted_in_once_by_its_owner(
    installed: Installed,
) -> None:
    installed.install(ILO)
    installed.install(EC)
    poster = digest_poster(installed, hlm_digest_channel="C0SHARED", hlm_digest_team=EC)
    poster.post_digest(make_digest(2), None, key="digest:shared")
    assert posted_in(installed) == {"C0SHARED": EC}


def test_a_rotating_token_is_refreshed_before_it_expires_and_the_new_one_kept(
    installed: Installed,
) -> None:
    installed.fake.token_lifetime = 60  # expires well within HLM_TOKEN_ROTATION_MINUTES
    installed.install(EC)
    installations = installed.deps.installations
    assert installations is not None
    bot = installations.bot(EC)
    assert bot is not None
    assert bot.bot_refresh_token
    first = bot.bot_token
    refreshed = installations.token_for(EC)
    assert refreshed != first
    assert installed.fake.team_of(refreshed) == EC
    assert [c.params.get("grant_type") for c in installed.fake.calls("oauth.v2.access")] == [
        None,
        "refresh_token",
    ]
    kept = installations.bot(EC)
    assert kept is not None
    assert kept.bot_token == refreshed


def test_a_revoked_bot_token_forgets_the_workspace_but_a_revoked_user_token_does_not(
    installed: Installed,
) -> None:
    installed.install(ILO)
    installed.install(EC)
    requests = installed.requests(EC)
    event = requests.tokens_revoked(oauth=["U0ECCOORD"])
    assert installed.post(EC, requests.event(event))[0] == 200
    assert installed.deps.installations.teams() == [ILO, EC]  # type: ignore[union-attr]
    event = requests.tokens_revoked(bot=["UBOT0EC"])
    assert installed.post(EC, requests.event(event))[0] == 200
    assert installed.deps.installations.teams() == [ILO]  # type: ignore[union-attr]


def _buttons(message: dict[str, Any]) -> list[dict[str, Any]]:
    return [e for b in message.get("blocks", []) if b["type"] == "actions" for e in b["elements"]]


def test_the_update_form_opens_in_the_workspace_of_the_click(installed: Installed) -> None:
    installed.install(ILO)
    installed.install(EC)
    send_checkins(installed.deps.sessions, installed.deps.slack, now=installed.deps.now())
    message = next(
        m for m in installed.fake.messages("DU0ECFRANS")
        if any(e["action_id"] == ids.FORM_OPEN for e in _buttons(m))
    )  # fmt: skip
    button = next(e for e in _buttons(message) if e["action_id"] == ids.FORM_OPEN)
    built = installed.requests(EC).block_action(
        "U0ECFRANS", button["action_id"], value=button["value"], channel_id=message["channel"],
        message={"ts": message["ts"], "blocks": message["blocks"]}, trigger_id="trigger.ec.1",
    )  # fmt: skip
    assert installed.post(EC, built)[0] == 200
    [opened] = installed.fake.wait_for("views.open")
    assert opened.params["trigger_id"] == "trigger.ec.1"
    assert opened.error is None
    assert installed.fake.team_of(opened.headers["authorization"].removeprefix("Bearer ")) == EC


def test_an_organisation_wide_install_serves_the_workspaces_of_its_organisation_only(
    installed: Installed,
) -> None:
    installations = installed.deps.installations
    assert installations is not None
    org_token = installed.fake.issue_tokens(ILO)["access_token"]
    installations.store.save_bot(
        Bot(app_id=installed.fake.app_id, enterprise_id="E0ORG", team_id=None,
            bot_token=org_token, bot_id="BORG", bot_user_id="UBOTORG",
            is_enterprise_install=True, installed_at=time.time())
    )  # fmt: skip
    assert installations.installed("T0GRIDONE", "E0ORG")
    assert not installations.installed("T0GRIDONE", "E0OTHERORG")
    assert not installations.installed("T0GRIDONE", None)
    assert installations.token_for("T0GRIDONE") == org_token
