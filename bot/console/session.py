"""Offline use: the real app, fed signed requests, talking to a stand-in for Slack on loopback.

`hlm demo` plays a short scripted session; `hlm console` lets a person type `/hlm …` commands
and answer check-ins as any owner. Both are sandboxes: each runs on a SQLite database of its own
(never the deployment's, unless the console is given one), with a live clock that `clock +3d`
moves forward, the scheduler running through the time skipped.
"""

from __future__ import annotations

import json
import shlex
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any

from pydantic import SecretStr
from slack_bolt import BoltRequest, BoltResponse
from sqlalchemy import select

from bot.app import create_app
from bot.bootstrap import Deps, build
from bot.console.clock import SandboxClock, openings, parse_step
from bot.console.render import buttons, plain, render_blocks, value_of
from bot.views import ids
from fake_slack import FakeSlack, SlackRequests
from seed.sync import SEED_DIR, default_seed_files, load_seed, sync_seed
from workflows.delivery.outbox import send_checkins
from workflows.delivery.tick import Scheduler
from workflows.people.owners_file import import_owners, read_owners_file
from workflows.store.db import session_scope
from workflows.store.models import Person
from workflows.store.schema import upgrade_to_newest
from workflows.types import Status

SANDBOX_DIGESTS = "C0SANDBOXDIGEST"  # the sandbox's digest channel, when none is configured
SECRET = "offline-signing-secret"  # noqa: S105 (signs requests between the offline stand-in and the app)
EXAMPLE_OWNERS = SEED_DIR / "owners.example.yaml"


@dataclass
class OfflineSlack:
    """The app wired to the stand-in; methods act as a given person would in Slack."""

    base: Deps  # the database and clock; the stand-in's settings are added to them
    out: Callable[[str], None] = print
    fake: FakeSlack = field(default_factory=FakeSlack)
    names: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.fake.start()
        self.people = _load_people(self.base)
        for person in self.people:
            self.fake.add_user(
                person.slack_user_id or "",
                name=person.name,
                real_name=person.name,
                email=person.email,
                tz=person.tz,
            )
            self.names[person.slack_user_id or ""] = person.name
        settings = self.base.settings.model_copy(
            update={
                "slack_bot_token": SecretStr("xoxb-offline"),
                "slack_signing_secret": SecretStr(SECRET),
                "slack_api_url": self.fake.base_url,
                "hlm_digest_channel": self.base.settings.hlm_digest_channel or SANDBOX_DIGESTS,
            }
        )
        base_clock = self.base.clock
        self.clock = (
            base_clock if isinstance(base_clock, SandboxClock) else SandboxClock(base_clock)
        )
        self.deps = build(settings, engine=self.base.engine, clock=self.clock)
        self.app = create_app(self.deps, process_before_response=True)
        self.requests = SlackRequests(SECRET)

    def close(self) -> None:
        """Stop the stand-in."""
        self.fake.stop()

    def person(self, ref: str) -> Person:
        """Find one of the people by first name, full name, email or Slack id."""
        ref = ref.lower().lstrip("@")
        for person in self.people:
            keys = {
                person.name.lower(),
                person.name.split()[0].lower(),
                (person.email or "").lower(),
                (person.slack_user_id or "").lower(),
            }
            if ref in keys:
                return person
        raise LookupError(
            f"No one called “{ref}”. Try: " + ", ".join(p.name.split()[0] for p in self.people)
        )

    def dispatch(self, built: tuple[str, dict[str, str]]) -> BoltResponse:
        """Hand a signed request to the app, as Slack would over HTTP; return its response."""
        body, headers = built
        request_headers: dict[str, str | Sequence[str]] = dict(headers)
        return self.app.dispatch(BoltRequest(body=body, headers=request_headers))

    def slash(self, who: Person, text: str) -> None:
        """Type `/hlm <text>` as a person, and show the replies they see."""
        self.out(f"\n{who.name} types: /hlm {text}")
        mark = len(self.fake.calls())
        url = self.fake.response_url(f"slash-{mark}")
        response = self.dispatch(
            self.requests.slash_command(who.slack_user_id or "", text, response_url=url)
        )
        if response.body:
            self._show(json.loads(response.body))
        self._show_new_calls(mark)

    def _show(self, message: dict[str, Any], lines: int = 60) -> None:
        text = render_blocks(message.get("blocks") or [], self.names) or plain(
            str(message.get("text", ""))
        )
        shown = text.splitlines()
        more = f"\n  … ({len(shown) - lines} more lines)" if len(shown) > lines else ""
        self.out("\n".join(shown[:lines]) + more)

    def send_checkins(self) -> None:
        """Send this cycle's check-ins to every owner with open commitments."""
        report = send_checkins(self.deps.sessions, self.deps.slack, now=self.deps.now())
        self.out(f"\nCheck-ins: {report.summary()}")

    def inbox(self, who: Person) -> list[dict[str, Any]]:
        """Return the messages in a person's DM with the bot, oldest first."""
        return self.fake.messages(channel=f"D{who.slack_user_id}")

    def show_inbox(self, who: Person, last: int = 1, lines: int | None = None) -> None:
        """Print the last messages a person received from the bot, whole (or their first lines)."""
        messages = [m for m in self.inbox(who) if "thread_ts" not in m][-last:]
        if not messages:
            self.out(f"\n{who.name} has no messages from the bot yet.")
        for message in messages:
            self.out(f"\n--- DM to {who.name} ---")
            text = render_blocks(message.get("blocks") or [], self.names) or plain(
                message.get("text", ""), self.names
            )
            shown = text.splitlines()
            cut = lines if lines is not None and len(shown) > lines else len(shown)
            more = (
                f"\n  … ({len(shown) - cut} more lines: `inbox` shows it whole)"
                if cut < len(shown)
                else ""
            )
            self.out("\n".join(shown[:cut]) + more)

    def advance(self, step: timedelta) -> None:
        """Move the clock forward, running the scheduler whenever someone's working day opened in
        the time skipped, as if it had run all along; show what it sent."""
        mark = len(self.fake.messages())
        scheduler = self.deps.scheduler()
        start = self.clock()
        for moment in openings(start, start + step, self._working_days(scheduler)):
            self.clock.advance(moment - self.clock())
            scheduler.tick(now=moment)
        self.out(
            f"\nThe clock moves from {start:%a %d %b %H:%M} to {self.clock():%a %d %b %H:%M} UTC."
        )
        sent = self.fake.messages()[mark:]
        if not sent:
            self.out("Nothing was due in that time.")
        replies = Counter(str(m["thread_ts"]) for m in sent if m.get("thread_ts"))
        parents = {str(m.get("ts")) for m in sent if not m.get("thread_ts")}
        for message in sent:
            if not message.get("thread_ts"):
                self.out(self._headline(message, replies.get(str(message.get("ts")), 0)))
            elif str(message["thread_ts"]) not in parents:  # a reminder under an earlier check-in
                self.out(self._headline(message, 0).replace(": ", " (in its thread): ", 1))

    def _working_days(self, scheduler: Scheduler) -> set[tuple[str, time]]:
        """Return each zone and hour at which someone's working day opens, and the digests'."""
        default = scheduler.calendar.hours_of(None)[0]
        with session_scope(self.deps.sessions) as session:
            rows = session.execute(select(Person.tz, Person.work_start)).all()
        cadence = scheduler.cadence
        return {(tz, opens or default) for tz, opens in rows} | {
            (cadence.weekly_tz, cadence.weekly_time)
        }

    def _headline(self, message: dict[str, Any], replies: int) -> str:
        channel = str(message.get("channel", ""))
        who = self.names.get(channel.removeprefix("D")) or self.names.get(channel)
        where = f"DM to {who}" if who else f"in #{channel}"
        text = render_blocks(message.get("blocks") or [], self.names) or plain(
            str(message.get("text", "")), self.names
        )
        first = next((line.strip() for line in text.splitlines() if line.strip(" =-")), "")
        if not first and message.get("files"):
            first = "[picture] " + ", ".join(
                str(f.get("title") or f.get("name")) for f in message["files"]
            )
        first = first if len(first) <= 100 else first[:99] + "…"
        thread = f" (+{replies} in its thread)" if replies else ""
        return f"  → {where}: {first}{thread}"

    def show_clock(self) -> None:
        """Say what time it is in the sandbox."""
        moved = f" (moved {self.clock.offset} ahead)" if self.clock.offset else ""
        self.out(f"\nIt is {self.clock():%A %d %B %Y %H:%M} UTC{moved}.")

    def nothing_changed(self, who: Person) -> None:
        """Click *Nothing changed* in the person's latest check-in."""
        message = self._latest_checkin(who)
        button = self._checkin_button(message, ids.CONFIRM_ACTION)
        self.out(f"\n{who.name} clicks “Nothing changed”")
        mark = len(self.fake.calls())
        self._click(who, message, button)
        self._show_new_calls(mark, methods={"chat.update"}, limit=1)

    def update(
        self, who: Person, code: str, *, status: str, text: str = "", link: str = "",
        next_step: str = "",
    ) -> None:  # fmt: skip
        """Open *Update…* in the latest check-in, page to a commitment, change it and save."""
        status = status_typed(status)
        message = self._latest_checkin(who)
        self.out(f"\n{who.name} opens “Update…”: {code} {status.replace('_', ' ')} — “{text}”")
        mark = len(self.fake.calls("views.open"))
        self._click(who, message, self._checkin_button(message, ids.FORM_OPEN))
        view = _json_view(self.fake.calls("views.open")[mark].params["view"])
        view_id = f"VCONSOLE{mark}"
        while not _inputs_for(view, code):
            forward = [e for e in buttons(view.get("blocks") or []) if e.get("value") == "next"]
            forward = forward or [
                e
                for e in buttons(view.get("blocks") or [])
                if str(e.get("action_id", "")).endswith(":next")
            ]
            if not forward:
                raise LookupError(f"{code} is not in {who.name}'s check-in.")
            paging = {"id": view_id, "hash": "h", "private_metadata": view.get("private_metadata", ""),
                      "state": {"values": self._values(view, {})}, "callback_id": ids.FORM_MODAL}  # fmt: skip
            before = len(self.fake.calls("views.update"))
            self.dispatch(self.requests.block_action(
                who.slack_user_id or "", forward[0]["action_id"], value=forward[0].get("value"), view=paging,
            ))  # fmt: skip
            view = _json_view(self.fake.calls("views.update")[before].params["view"])
        wanted = {}
        for block_id in _inputs_for(view, code):
            field = block_id.split(":", 1)[0]
            wanted[block_id] = {ids.F_STATUS: status, ids.F_TEXT: text, ids.F_NEXT: next_step,
                                ids.F_LINK: link or None}.get(field)  # fmt: skip
        mark = len(self.fake.calls())
        self.dispatch(self.requests.view_submission(
            who.slack_user_id or "", ids.FORM_MODAL, self._values(view, wanted),
            private_metadata=view.get("private_metadata", ""), view_id=view_id,
        ))  # fmt: skip
        self._show_new_calls(mark, methods={"chat.update"}, limit=1)

    def say(self, who: Person, text: str) -> None:
        """Write in the person's DM with the bot, outside any thread."""
        checkin = self._latest_checkin(who)
        self.out(f"\n{who.name} writes in the DM: “{text}”")
        mark = len(self.fake.calls())
        self.dispatch(self.requests.event(
            self.requests.dm_message(who.slack_user_id or "", text, channel=checkin["channel"])
        ))  # fmt: skip
        self._show_new_calls(mark, methods={"chat.postMessage"})

    def skip(self, who: Person, reason: str) -> None:
        """Click *Skip this cycle…* and give a reason."""
        message = self._latest_checkin(who)
        button = self._checkin_button(message, ids.SKIP_OPEN)
        self.out(f"\n{who.name} skips this cycle: “{reason}”")
        self._click(who, message, button)
        mark = len(self.fake.calls())
        values = {ids.B_REASON: {ids.A_REASON: self.requests.text_value(reason)}}
        self.dispatch(self.requests.view_submission(
            who.slack_user_id or "", ids.SKIP_MODAL, values, private_metadata=button.get("value", ""),
        ))  # fmt: skip
        self._show_new_calls(mark, methods={"chat.update"}, limit=1)

    def _values(self, view: dict[str, Any], wanted: dict[str, Any]) -> dict[str, Any]:
        """Fill a form's inputs as Slack sends them: what is pre-filled, changed by `wanted`."""
        r, values = self.requests, {}
        for block in view.get("blocks") or []:
            if block.get("type") != "input":
                continue
            element, block_id = block["element"], block["block_id"]
            if element["type"] == "static_select":
                chosen = wanted.get(block_id) or (element.get("initial_option") or {}).get("value")
                values[block_id] = {element["action_id"]: r.select_value(chosen)}
            elif element["type"] == "url_text_input":
                values[block_id] = {element["action_id"]: r.url_value(wanted.get(block_id))}
            else:
                typed = wanted.get(block_id) or element.get("initial_value") or ""
                values[block_id] = {element["action_id"]: r.text_value(typed)}
        return values

    def _click(self, who: Person, message: dict[str, Any], button: dict[str, Any]) -> None:
        self.dispatch(
            self.requests.block_action(
                who.slack_user_id or "", button["action_id"], value=button.get("value"), block_id=button.get("block_id", "b"),
                channel_id=message["channel"], message={"ts": message["ts"], "blocks": message.get("blocks")},
            )
        )  # fmt: skip

    @staticmethod
    def _checkin_button(message: dict[str, Any], action_id: str) -> dict[str, Any]:
        for element in buttons(message.get("blocks") or []):
            if element.get("action_id") == action_id:
                return dict(element)
        raise LookupError("That button is not in the check-in any more (answered or skipped).")

    def reply(self, who: Person, text: str) -> None:
        """Write in the thread of the person's latest check-in."""
        checkin = self._latest_checkin(who)
        self.out(f"\n{who.name} replies in the thread: “{text}”")
        mark = len(self.fake.calls())
        self.dispatch(
            self.requests.event(
                self.requests.dm_message(
                    who.slack_user_id or "",
                    text,
                    channel=checkin["channel"],
                    thread_ts=checkin["ts"],
                )
            )
        )
        self._show_new_calls(mark, methods={"chat.postMessage"})

    def pick(self, who: Person, code: str) -> None:
        """Answer “which commitment is this about?” with a commitment."""
        for message in reversed(self.inbox(who)):
            for element in buttons(message.get("blocks") or []):
                if element.get("action_id") != ids.PICK_ACTION:
                    continue
                option = next(
                    (
                        o
                        for o in element.get("options", [])
                        if value_of({"value": o["value"]}).get("c", "").endswith("/" + code)
                    ),
                    None,
                )
                if option is None:
                    raise LookupError(f"{code} is not one of the commitments offered to pick.")
                self.out(f"\n{who.name} picks {code}")
                mark = len(self.fake.calls())
                self.dispatch(
                    self.requests.block_action(
                        who.slack_user_id or "", ids.PICK_ACTION, selected_option=option, block_id=element["block_id"],
                        channel_id=message["channel"], message={"ts": message["ts"], "blocks": message.get("blocks")},
                    )
                )  # fmt: skip
                self._show_new_calls(mark, methods={"chat.update"}, limit=1)
                return
        raise LookupError("There is no “which commitment?” question to answer.")

    def _latest_checkin(self, who: Person) -> dict[str, Any]:
        for message in reversed(self.inbox(who)):
            if "thread_ts" not in message and any(
                e.get("action_id") == ids.FORM_OPEN for e in buttons(message.get("blocks") or [])
            ):
                return dict(message)
        raise LookupError(f"{who.name} has no check-in yet: run `checkin` first.")

    def _show_new_calls(
        self, mark: int, methods: set[str] | None = None, limit: int | None = None
    ) -> None:
        shown = 0
        for call in self.fake.calls()[mark:]:
            if (methods and call.method not in methods) or (
                not methods
                and call.method not in {"response_url", "chat.postMessage", "chat.postEphemeral"}
            ):
                continue
            blocks = call.params.get("blocks") or []
            blocks = blocks if isinstance(blocks, list) else json.loads(blocks)
            self.out(
                render_blocks(blocks, self.names)
                or "  " + plain(str(call.params.get("text", "")), self.names)
            )
            shown += 1
            if limit and shown >= limit:
                return


def status_typed(text: str) -> str:
    """Read a status as people type it (`on-track`, `on track`, `done`); refuse anything else."""
    try:
        return Status.parse(text).value
    except ValueError:
        raise LookupError(f"“{text}” is not a status. Use one of: {STATUS_WORDS}.") from None


STATUS_WORDS = ", ".join(s.value.replace("_", "-") for s in Status)


def _load_people(deps: Deps) -> list[Person]:
    with session_scope(deps.sessions) as session:
        people = list(
            session.scalars(
                select(Person).where(Person.slack_user_id.is_not(None)).order_by(Person.id)
            )
        )
        session.expunge_all()
        return people


def prepare_database(deps: Deps, out: Callable[[str], None] = print) -> None:
    """Migrate, load the conclusions and, on an empty deployment, the example owners."""
    out(f"Database schema at revision {upgrade_to_newest(deps.engine)}.")
    with session_scope(deps.sessions) as session:
        for path in default_seed_files():
            out(sync_seed(session, load_seed(path), now=deps.now()).summary())
        if session.scalar(select(Person.id).limit(1)) is None:
            out(
                import_owners(session, read_owners_file(EXAMPLE_OWNERS), now=deps.now())
                .summary()
                .splitlines()[0]
                + " (example owners)"
            )


def run_demo(deps: Deps, out: Callable[[str], None] = print) -> int:
    """Play a short check-in session through the stand-in for Slack and print what people see."""
    prepare_database(deps, out)
    slack = OfflineSlack(deps, out=out)
    try:
        _script(slack)
    finally:
        slack.close()
    out("\nThat was the offline demo. Try it yourself with `.venv/bin/hlm console`.")
    return 0


def _script(slack: OfflineSlack) -> None:
    coordinator, chidi, frans, dana = (slack.person(n) for n in ("alex", "chidi", "frans", "dana"))
    slack.send_checkins()
    slack.show_inbox(chidi, lines=24)
    slack.say(frans, "gender-7 at risk: tender delayed; new call in January")
    slack.say(dana, "supply-chains-1 on track: the webinar with the ITUC is booked\n"
                    "supply-chains-2 blocked: waiting for the donor's answer")  # fmt: skip
    slack.update(chidi, "gender-6", status="on_track", text="Study launched",
                 link="https://example.org/study")  # fmt: skip
    slack.nothing_changed(chidi)
    slack.reply(dana, "all on track this week")
    slack.pick(dana, "supply-chains-3")
    slack.slash(coordinator, "status gender")
    slack.slash(coordinator, "status")
    slack.slash(chidi, "stauts gender")
    slack.out("\nA week passes (in the console: `clock +7d`); the scheduler sends what falls due.")
    slack.advance(timedelta(days=7))


CONSOLE_HELP = """Commands:
  /hlm <text>                 run a /hlm command as the current person
  as <name>                   act as someone else ({people})
  checkin                     send this cycle's check-ins
  inbox [n]                   show the current person's last n DMs, whole
  clock [+3d | +2h | +1w]     show the time, or move it forward: reminders, escalations
                              and digests due meanwhile are sent
  nothing                     click “Nothing changed” in your check-in
  update <id> <status> [text] change a commitment through the “Update…” form
  skip <reason>               skip this cycle, saying why
  say <text>                  write in your DM: `say gender-6 at risk: tender delayed`
  reply <text>                reply in your latest check-in's thread
  pick <id>                   answer “which commitment is this about?”
  help | quit"""


def run_console(
    deps: Deps, out: Callable[[str], None] = print, read: Callable[[str], str] = input
) -> int:
    """Let a person type `/hlm` commands and answer check-ins in the terminal."""
    prepare_database(deps, out)
    slack = OfflineSlack(deps, out=out)
    who = next((p for p in slack.people if p.is_coordinator), slack.people[0])
    out(CONSOLE_HELP.format(people=", ".join(p.name.split()[0] for p in slack.people)))
    try:
        while True:
            try:
                line = read(f"\n{who.name}> ").strip()
            except EOFError:
                return 0
            if line in {"quit", "exit", "q"}:
                return 0
            who = _console_step(slack, who, line, out) or who
    finally:
        slack.close()


def _console_step(
    slack: OfflineSlack, who: Person, line: str, out: Callable[[str], None]
) -> Person | None:
    try:
        words = shlex.split(line)
    except ValueError:
        words = line.split()
    if not words:
        return None
    head, rest = words[0].lower(), words[1:]
    try:
        if head.startswith("/hlm"):
            slack.slash(who, line.removeprefix("/hlm").strip())
        elif head == "as" and rest:
            return slack.person(rest[0])
        elif head == "checkin":
            slack.send_checkins()
        elif head == "clock" and not rest:
            slack.show_clock()
        elif head == "clock":
            slack.advance(parse_step(" ".join(rest)))
        elif head == "inbox":
            # ASCII digits only, and few: `int()` refuses "²" although `isdigit()` accepts it.
            number = rest[0] if rest and rest[0].isascii() and rest[0].isdecimal() else "1"
            slack.show_inbox(who, int(number[:6]))
        elif head == "nothing":
            slack.nothing_changed(who)
        elif head == "update" and len(rest) >= 2:
            slack.update(who, rest[0], status=rest[1], text=" ".join(rest[2:]))
        elif head == "skip" and rest:
            slack.skip(who, " ".join(rest))
        elif head == "say" and rest:
            slack.say(who, " ".join(rest))
        elif head == "reply" and rest:
            slack.reply(who, " ".join(rest))
        elif head == "pick" and rest:
            slack.pick(who, rest[0])
        else:
            out(CONSOLE_HELP.format(people=", ".join(p.name.split()[0] for p in slack.people)))
    except LookupError as exc:
        out(str(exc))
    return None


def _json_view(view: Any) -> dict[str, Any]:
    return view if isinstance(view, dict) else json.loads(view)


def _inputs_for(view: dict[str, Any], code: str) -> list[str]:
    """The block ids of a form page's inputs about one commitment ("s:ilo:hlm15/gender-4")."""
    return [
        str(b["block_id"]) for b in view.get("blocks") or []
        if b.get("type") == "input" and str(b.get("block_id", "")).endswith("/" + code)
    ]  # fmt: skip
