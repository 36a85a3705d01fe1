"""The command line as a whole: quick to start, every command documented."""

from __future__ import annotations

import subprocess
import sys

from click.testing import CliRunner

from dyadwatch.cli import main


def test_help_lists_the_commands_people_need():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for command in ("ingest", "docs", "stats", "actors", "code-text", "events", "dyad", "brief", "run", "eval", "feeds", "watch"):
        assert f"  {command} " in result.output, command


def test_starting_the_cli_does_not_load_heavy_libraries():
    # `dyadwatch --help` and the table commands should answer at once: spaCy, matplotlib,
    # trafilatura and datasketch are loaded only by the commands that use them.
    code = (
        "import sys, dyadwatch.cli; "
        "heavy = [m for m in ('spacy', 'matplotlib', 'trafilatura', 'datasketch') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert loaded == ""


def test_every_command_has_help_text():
    def walk(group, prefix=""):
        for name, command in group.commands.items():
            yield prefix + name, command
            if hasattr(command, "commands"):
                yield from walk(command, prefix + name + " ")

    for name, command in walk(main):
        assert command.help or command.short_help, f"`dyadwatch {name}` has no help text"
