"""The one exception a refused package raises."""

from __future__ import annotations


class PackageRefused(Exception):
    """The package may not be imported; ``reasons`` says why, in words for the uploader."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("; ".join(reasons))
