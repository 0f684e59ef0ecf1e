"""Every `/hlm` subcommand is declared once; parsing, dispatch, help and the README follow."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from bot.commands.base import Help, Subcommand
from bot.commands.handlers import help_reply
from bot.commands.help import help_lines
from bot.commands.parse import HlmCommand, parse_hlm_command
from bot.commands.registry import BY_COMMAND, REGISTRY, SUBCOMMANDS
from bot.views import Reply
from bot.views.help import build_help
from workflows.types import Status

README = Path(__file__).resolve().parents[2] / "README.md"
ENTRIES = [pytest.param(entry, id=entry.name) for entry in REGISTRY]


def shown(reply: Reply) -> str:
    return "\n".join(block["text"]["text"] for block in reply.block_dicts())


def unescaped(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# The shared contract: every subcommand answers empty input and `help` with help.


def test_empty_input_gives_the_help_of_every_subcommand() -> None:
    text = unescaped(shown(help_reply(Help())))
    assert parse_hlm_command("") == Help()
    assert all(f"`/hlm {usage}`" in text for entry in REGISTRY for usage in entry.usage)


@pytest.mark.parametrize("entry", ENTRIES)
def test_help_after_a_subcommand_gives_its_usage_and_example(entry: Subcommand) -> None:
    parsed = parse_hlm_command(f"{entry.name} help")
    assert isinstance(parsed, Help)
    text = unescaped(shown(help_reply(parsed)))
    assert f"`/hlm {entry.usage[0]}`" in text
    assert f"`/hlm {entry.example}`" in text or entry.example in entry.usage


@pytest.mark.parametrize(
    "alias", [pytest.param(a, id=a) for entry in REGISTRY for a in entry.aliases]
)
def test_every_alias_reaches_its_subcommand(alias: str) -> None:
    entry = next(e for e in REGISTRY if alias in e.aliases)
    arguments = as_slack_sends(entry.example).split()[1:]
    parsed = parse_hlm_command(" ".join([alias, *arguments]))
    assert type(parsed) is (entry.command or Help)


def as_slack_sends(text: str) -> str:
    """Slack turns a typed @name into a mention (the command escapes users)."""
    return re.sub(r"@(\w+)", lambda m: f"<@U0{m[1].upper()}>", text)


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.values[0].command is not None])
def test_every_example_parses_into_its_subcommands_command(entry: Subcommand) -> None:
    parsed = parse_hlm_command(as_slack_sends(entry.example))
    assert type(parsed) is entry.command


@pytest.mark.parametrize("entry", [e for e in ENTRIES if e.values[0].command is not None])
def test_every_command_has_a_handler(entry: Subcommand) -> None:
    assert callable(entry.handle)


def test_the_command_union_names_exactly_the_declared_commands() -> None:
    assert set(typing.get_args(HlmCommand)) == set(BY_COMMAND)


# A usage mistake answers with that subcommand's usage, not the whole help.


@pytest.mark.parametrize(
    ("text", "usage", "example"),
    [
        pytest.param("show", "`/hlm show <id>`", "`/hlm show gender-7`", id="show"),
        pytest.param(
            "show gender-7 soon", "`/hlm show <id>`", "`/hlm show gender-7`", id="show-extra-word"
        ),
        pytest.param(
            "update gender-3",
            "`/hlm update <id> <status> [what happened]`",
            "`/hlm update gender-7 on-track Workshop held`",
            id="update",
        ),
        pytest.param(
            "away",
            "`/hlm away <from> to <until> [reason]`",
            "`/hlm away 4 Jan to 15 Jan mission`",
            id="away",
        ),
        pytest.param("snooze", "`/hlm snooze <n> days`", "`/hlm snooze 3 days`", id="snooze"),
    ],
)
def test_a_usage_mistake_answers_with_the_usage_and_one_example(
    text: str, usage: str, example: str
) -> None:
    reply = help_reply(parse_hlm_command(text))  # type: ignore[arg-type]
    body = unescaped(shown(reply))
    assert usage in body
    assert example in body
    assert "How to use" not in body
    assert "Did you mean" not in body


def test_a_mistyped_subcommand_gets_did_you_mean_and_that_subcommands_usage() -> None:
    body = unescaped(shown(help_reply(parse_hlm_command("stauts gender"))))  # type: ignore[arg-type]
    assert body.startswith("I don't know the command “stauts”. Did you mean `/hlm status`?")
    assert "For example: `/hlm status gender`" in body
    assert "How to use" not in body  # one subcommand's usage, not the whole list
    assert body.count("For example") == 1


def test_a_word_close_to_nothing_gets_help_without_a_suggestion() -> None:
    parsed = parse_hlm_command("zzzzzz")
    assert isinstance(parsed, Help)
    assert parsed.suggestion is None
    assert "Did you mean" not in shown(help_reply(parsed))


# The help view lays out what the registry says.


def test_help_lists_every_status_as_it_is_typed() -> None:
    text = shown(build_help(help_lines(REGISTRY)))
    assert all(f"`{s.value.replace('_', '-')}`" in text for s in Status)


def test_help_leads_with_the_problem_and_a_suggestion() -> None:
    reply = build_help(help_lines(REGISTRY), suggestion="status", problem="I don't know “stauts”.")
    assert (
        reply.block_dicts()[0]["text"]["text"]
        == "I don't know “stauts”. Did you mean `/hlm status`?"
    )


def test_help_escapes_what_could_be_read_as_a_link_or_a_mention() -> None:
    text = shown(build_help(["<!channel> <@U1>"], problem="<http://x|y>"))
    assert "<" not in text


# The README's table of commands is the registry's.


def readme_commands() -> dict[str, tuple[str, ...]]:
    """Read the first column of the table under "In Slack": the subcommand and its usages."""
    section = README.read_text(encoding="utf-8").split("## In Slack", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `/hlm")]
    table: dict[str, tuple[str, ...]] = {}
    for row in rows:
        first = re.split(r"(?<!\\)\|", row)[1].replace("\\|", "|")
        usages = tuple(u.removeprefix("/hlm ") for u in re.findall(r"`([^`]*)`", first))
        table[usages[0].split()[0]] = usages
    return table


def test_the_readme_lists_every_subcommand_with_its_usage() -> None:
    assert readme_commands() == {entry.name: entry.usage for entry in REGISTRY}
    assert tuple(readme_commands()) == SUBCOMMANDS
