"""The `dyadwatch` command line: a thin layer over the library.

Each module in this package holds the commands of one room and lists them in
``COMMANDS``; this file only gathers them under one group.
"""

from __future__ import annotations

import importlib

import click

from dyadwatch import __version__
from dyadwatch.cli.common import db_option

# Modules whose COMMANDS are added to the top-level group, in help order.
COMMAND_MODULES = ("ingest", "inspect", "evaluate", "evaluate_events", "events", "relations", "feeds", "brief", "actors", "code_text",)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@db_option
@click.version_option(__version__, prog_name="dyadwatch")
def main() -> None:
    """Turn news about relations between states into events, indices and cited briefings.

    Every command takes --db URL_OR_PATH (or DYADWATCH_DB); the default is ./dyadwatch.db.
    """


for _name in COMMAND_MODULES:
    for _command in importlib.import_module(f"dyadwatch.cli.{_name}").COMMANDS:
        main.add_command(_command)
