"""What a `retouchdesk` command line asks for: a subcommand, the window, or a refusal.

`app.cli.decide` is the real parser the entry point uses; these tests read its decisions
in-process (the window is never opened here) and check the exact words a user sees.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from app import __version__, cli

# Every subcommand the README documents, in the help's order.
COMMANDS = [
    "sandbox", "login", "logout", "orgs", "workflows", "balance",
    "process", "resume", "retry", "history", "watch", "review", "rerun", "deliver",
]  # fmt: skip


@pytest.fixture(autouse=True)
def in_empty_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    # Relative words are looked up as paths: start where none of them exists.
    folder = tmp_path / "cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def subcommand(*argv: str) -> cli.RunSubcommand:
    decision = cli.decide(argv)
    assert isinstance(decision, cli.RunSubcommand), decision
    return decision


def test_the_command_table_is_the_registered_subcommands() -> None:
    assert cli.command_names() == COMMANDS


@pytest.mark.parametrize("name", COMMANDS)
def test_each_subcommand_is_taken_by_its_name(name: str) -> None:
    needs = {"process": ["x.jpg", "-w", "w"], "watch": ["folder"], "review": ["B"],
             "rerun": ["B", "--rejected", "-w", "w"], "deliver": ["B", "--to", "d"]}  # fmt: skip
    assert subcommand(name, *needs.get(name, [])).name == name


def test_a_folder_named_like_a_subcommand_is_the_subcommands_argument() -> None:
    decision = subcommand("watch", "watch", "--workflow", "cut-out")
    assert (decision.name, decision.args.folder, decision.args.workflow) == (
        "watch",
        "watch",
        "cut-out",
    )
    process = subcommand("process", "history", "watch", "-w", "x")
    assert process.args.paths == ["history", "watch"]


@pytest.mark.parametrize(
    "argv",
    [
        ["--server", "sandbox", "history", "--json"],
        ["--server=sandbox", "-vv", "history", "--json"],
        ["--org", "history", "history", "--json"],  # an option's value is not the first word
        ["-v", "--verbose", "history", "--json"],
    ],
)
def test_global_options_come_before_the_subcommand(argv: list[str]) -> None:
    decision = subcommand(*argv)
    assert decision.name == "history" and decision.args.json
    assert decision.args.verbose == argv.count("-v") + argv.count("--verbose") + 2 * argv.count(
        "-vv"
    )


def test_existing_paths_open_the_window_with_everything_given(in_empty_folder: Path) -> None:
    photo = in_empty_folder / "shoot" / "IMG_01.jpg"
    photo.parent.mkdir()
    photo.write_bytes(b"")
    argv = ["--server", "sandbox", str(photo), "shoot", "gone.jpg"]
    assert cli.decide(argv) == cli.OpenWindow(argv)  # the window gives gone.jpg its own row


def test_no_word_at_all_opens_the_window() -> None:
    assert cli.decide([]) == cli.OpenWindow([])
    assert cli.decide(["-v", "--org", "o-1"]) == cli.OpenWindow(["-v", "--org", "o-1"])


def test_a_file_named_like_a_subcommand_opens_after_double_dash(in_empty_folder: Path) -> None:
    (in_empty_folder / "history").write_bytes(b"")
    assert cli.decide(["--", "history"]) == cli.OpenWindow(["--", "history"])
    assert subcommand("history").name == "history"  # without --, the subcommand wins


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("histroy", "unknown command 'histroy'; did you mean 'history'?"),
        ("proces", "unknown command 'proces'; did you mean 'process'?"),
        ("wacth", "unknown command 'wacth'; did you mean 'watch'?"),
        ("zzz", "unknown command 'zzz'"),
        ("IMG_01.jpg", "no such file or folder: 'IMG_01.jpg'"),
        ("shoot/raw", "no such file or folder: 'shoot/raw'"),
    ],
)
def test_anything_else_is_refused_with_exit_2_and_never_opens_the_window(
    word: str, message: str
) -> None:
    assert cli.decide([word, "--json"]) == cli.Refuse(message, exit_code=2)


def test_a_refusal_is_one_line_on_stderr(capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.run(cli.Refuse("unknown command 'histroy'; did you mean 'history'?")) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == "retouchdesk: unknown command 'histroy'; did you mean 'history'?\n"


def test_after_double_dash_a_missing_name_is_a_missing_file() -> None:
    assert cli.decide(["--", "histroy"]) == cli.Refuse("no such file or folder: 'histroy'")


@pytest.mark.parametrize(
    "argv",
    [
        ["--json"],  # an option no form of the command line has
        ["--serv", "sandbox", "history"],  # abbreviations would make the first word a guess
        ["--server"],  # its value is missing
    ],
)
def test_bad_options_get_the_usage_error(
    argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.decide(argv)
    assert exit_info.value.code == 2
    assert "usage: retouchdesk" in capsys.readouterr().err


def test_a_bad_option_after_paths_is_refused_before_the_window(
    in_empty_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (in_empty_folder / "a.jpg").write_bytes(b"")
    with pytest.raises(SystemExit) as exit_info:
        cli.decide(["a.jpg", "--workflow", "w"])
    assert exit_info.value.code == 2
    assert "unrecognized arguments: --workflow" in capsys.readouterr().err


def test_version_and_help_answer_before_anything_else(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        cli.decide(["--version", "histroy"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out == f"retouchdesk {__version__}\n"
    with pytest.raises(SystemExit):
        cli.decide(["-h"])
    shown = capsys.readouterr().out
    assert all(name in shown for name in COMMANDS)
