"""Helpers the portal's list pages share."""

from django.core.paginator import Paginator

PAGE_SIZE = 25


def filtered(request, filterset_class, queryset, *, defaults=None):
    """The filter set and the rows it selects from the query string (sorted as asked).
    `defaults` apply when the query string does not name the filter at all (so the queue
    opens on the waiting applications, while choosing "all" is still possible)."""
    data = request.GET.copy()
    for name, value in (defaults or {}).items():
        data.setdefault(name, value)
    filterset = filterset_class(data, queryset=queryset, request=request)
    return filterset, filterset.qs if filterset.is_valid() else queryset.none()


def filtered_page(request, filterset_class, queryset, *, defaults=None):
    """The filtered list and the asked page of it."""
    filterset, rows = filtered(request, filterset_class, queryset, defaults=defaults)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"filter": filterset, "page": page}


def page_or_rows(request, template: str) -> str:
    """An htmx request gets the rows partial of the same template, not the page."""
    return f"{template}#rows" if getattr(request, "htmx", False) else template
