"""Models whose rows are history: added, never changed or removed. The ORM refuses here;
the database's triggers (see the append-only migrations) refuse any other path."""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    """Rows of an append-only table can be added, never changed or removed via the ORM."""

    def update(self, **kwargs):
        raise PermissionError(f"{self.model.__name__} rows are append-only")

    def delete(self):
        raise PermissionError(f"{self.model.__name__} rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError(f"{type(self).__name__} rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{type(self).__name__} rows are append-only")
