from __future__ import annotations

FORMAT = "qadam-course"
VERSION = 1


class ArchiveError(Exception):
    """The archive cannot be imported. ``reasons`` are translated sentences for the
    person importing (never a Python structure); ``str()`` joins them."""

    def __init__(self, reasons: str | list[str]):
        self.reasons = [reasons] if isinstance(reasons, str) else list(reasons)
        super().__init__(" ".join(self.reasons))
