"""Append-only history: rows that are written once and never changed or removed (the
audit trail, consent records, xAPI statements).

``AppendOnlyModel`` refuses, for every model built on it, a second ``save`` of a row, a
row's ``delete``, and a queryset's ``update`` and ``delete``. It is a guard against our
own code, not against the database: a migration or raw SQL can still change rows.
"""

from __future__ import annotations

from typing import Any

from django.db import models


def _refuse(model: type[models.Model]) -> PermissionError:
    return PermissionError(f"{model._meta.label} rows are append-only.")


class AppendOnlyQuerySet(models.QuerySet[Any]):
    """Refuses bulk changes: ``update`` and ``delete``."""

    def update(self, **kwargs: Any) -> int:
        raise _refuse(self.model)

    def delete(self) -> tuple[int, dict[str, int]]:
        raise _refuse(self.model)


class AppendOnlyModel(models.Model):
    """A model whose rows are inserted once and never updated or deleted."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise _refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise _refuse(type(self))
