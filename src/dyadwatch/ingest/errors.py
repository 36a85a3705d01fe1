"""Problems with input: one clear line naming where and what, and the batch goes on."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ReadError(Exception):
    """An input that cannot be read: ``where`` is a file, ``file:line`` or URL."""

    where: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


class ReadWarning(ReadError):
    """Something odd about an input that was still read (a date in the future, say)."""
