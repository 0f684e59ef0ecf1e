"""`hlm seed draft`, `hlm seed check` and `hlm seed load`, run as a coordinator would."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.cli.main import main
from seed.sync import SEED_DIR
from tests.conftest import BACKENDS
from tests.draft_documents import make_conclusions, write_docx

SOURCE = SEED_DIR / "sources" / "hlm15_conclusions.txt"


@pytest.fixture
def hlm(
    database_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
):  # type: ignore[no-untyped-def]
    """Run `hlm` in-process against a fresh database; return (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, str, str]:
        code = main(list(args))
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def unflagged(path: Path, out: Path) -> Path:
    """Write the draft with every flag removed, as a person does once each spot is checked."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.pop("flags", None)
    for area in data["areas"]:
        area.pop("flags", None)
        for item in area["commitments"]:
            item.pop("flags", None)
    out.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_draft_writes_a_flagged_seed_file_and_says_how_many_spots_to_check(
    hlm, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    code, out, err = hlm("seed", "draft", str(SOURCE), "-o", "hlm15-draft.yaml")
    assert (code, out) == (0, "")
    assert err.startswith("Drafted 14 areas and 93 items from ")
    text = (tmp_path / "hlm15-draft.yaml").read_text(encoding="utf-8")
    assert text.startswith("# A DRAFT made by `hlm seed draft` from hlm15_conclusions.txt")
    assert "# CHECK osh-1 (number_reconstructed)" in text


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_draft_without_output_writes_the_yaml_on_stdout(hlm) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = hlm("seed", "draft", str(SOURCE))
    assert code == 0
    assert yaml.safe_load(out)["number"] == 15


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize(
    ("name", "content"),
    [
        pytest.param("notes.odt", b"x", id="unknown-kind"),
        pytest.param("broken.pdf", b"not a pdf at all", id="not-a-pdf"),
        pytest.param("broken.docx", b"not a zip", id="not-a-docx"),
    ],
)
def test_draft_of_a_file_it_cannot_read_says_so_in_one_line(
    hlm, tmp_path: Path, name: str, content: bytes
) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / name).write_bytes(content)
    code, out, err = hlm("seed", "draft", name)
    assert (code, out) == (2, "")
    assert err.startswith(f"hlm: Cannot read {name} as conclusions:")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_check_exits_0_when_valid_1_when_flagged_2_when_invalid(hlm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    hlm("seed", "draft", str(SOURCE), "-o", "draft.yaml")
    code, out, _ = hlm("seed", "check", "draft.yaml")
    assert code == 1
    lines = out.strip().splitlines()
    assert "draft.yaml: flagged: osh-1 (line 48): number_reconstructed:" in out
    assert lines[-1].startswith("draft.yaml: 0 problems, ")

    assert hlm("seed", "check", str(SEED_DIR / "hlm15.yaml"))[0] == 0
    assert (
        hlm("seed", "check", str(unflagged(tmp_path / "draft.yaml", tmp_path / "ok.yaml")))[0] == 0
    )

    (tmp_path / "bad.yaml").write_text("number: 16\nareas: []\n", encoding="utf-8")
    code, out, _ = hlm("seed", "check", "bad.yaml")
    assert code == 2
    problems = [line for line in out.splitlines() if ": invalid: " in line]
    assert sorted(p.split(": invalid: ")[1].split(":")[0] for p in problems) == [
        "areas",
        "held_on",
        "place",
        "source",
        "title",
    ]


@pytest.mark.parametrize("database_url", BACKENDS, indirect=True)
def test_a_draft_loads_once_its_flags_are_gone_and_not_before(hlm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    document = write_docx(make_conclusions(3), tmp_path / "hlm-next.docx")
    assert hlm("db", "upgrade")[0] == 0
    assert hlm("seed", "draft", str(document), "-o", "draft.yaml")[0] == 0

    code, out, err = hlm("seed", "draft.yaml")
    assert (code, out) == (2, "")
    assert "flagged spots are still to check" in err
    assert "--accept-flags" in err

    ready = unflagged(tmp_path / "draft.yaml", tmp_path / "hlm-next.yaml")
    code, out, _ = hlm("seed", str(ready))  # the bare form loads, as before
    assert code == 0
    assert " added" in out
    code, out, _ = hlm("seed", "load", str(ready))
    assert (code, "up to date" in out) == (0, True)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_flagged_draft_loads_with_accept_flags(hlm, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    document = write_docx(make_conclusions(4), tmp_path / "hlm-next.docx")
    hlm("db", "upgrade")
    hlm("seed", "draft", str(document), "-o", "draft.yaml")
    code, out, err = hlm("seed", "load", "--accept-flags", "draft.yaml")
    assert code == 0, err
    assert " added" in out


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_seed_help_lists_load_draft_and_check(hlm) -> None:  # type: ignore[no-untyped-def]
    code, out, _ = hlm("seed", "--help")
    assert code == 0
    assert all(name in out for name in ("load", "draft", "check"))
