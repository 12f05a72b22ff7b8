from django.core.exceptions import ValidationError
from django.core.paginator import Paginator

from company.errors import add_service_error
from config.errors import DomainError

PAGE_SIZE = 20


def filtered_page(request, filterset_class, queryset):
    """The list filtered and searched by the query string, and the requested page."""
    filterset = filterset_class(request.GET or None, queryset=queryset)
    rows = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return {"filter": filterset, "page": page}


def run_service(form, call):
    """Call a service; its refusal becomes form errors. Returns the result or None."""
    try:
        return call()
    except (DomainError, ValidationError) as exc:
        add_service_error(form, exc)
        return None


def posted(request):
    """The form data of a POST (even an empty one, so the form reports what is missing)."""
    return request.POST if request.method == "POST" else None


def uploaded(request):
    return request.FILES if request.method == "POST" else None
