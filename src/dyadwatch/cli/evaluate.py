"""`dyadwatch eval ...`: scoring the coder against gold files.

The group lives here; each room adds its own subcommand to ``eval_group``
(actors in ``cli/actors.py``, events in ``cli/events.py``, timelines in ``cli/brief.py``).
"""

from __future__ import annotations

import click

from dyadwatch.cli.common import db_option


@click.group("eval")
@db_option
def eval_group() -> None:
    """Score dyadwatch against gold-standard files in the field's own formats."""


COMMANDS = [eval_group]
