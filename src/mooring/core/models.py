"""Small model building blocks shared by the domain apps."""

from __future__ import annotations

from typing import Any, ClassVar

from django.db import models


class AppendOnlyModel(models.Model):
    """A row that is written once: never saved again, never deleted.

    Ledgers and clinical records keep their history this way; a correction is a new row
    (a reversal, a newer assessment). On PostgreSQL the apps' migrations add triggers that
    refuse UPDATE and DELETE too, so code that bypasses the model (``QuerySet.update``) is
    stopped as well.
    """

    append_only_message: ClassVar[str] = "This record is append-only; record a new entry instead."

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not self._state.adding:
            raise RuntimeError(self.append_only_message)
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise RuntimeError(self.append_only_message)
