from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect

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


def decide(request, form, call, *, done: str, then: str, page):
    """A decision taken from a page's form: `call` with the form's data; on success the
    message `done` and a redirect to `then`, else `page()`, the page again with the
    form's errors (the service's refusal among them)."""
    if form.is_valid() and run_service(form, lambda: call(form.cleaned_data)) is not None:
        messages.success(request, done)
        return redirect(then)
    return page()


def posted(request):
    """The form data of a POST (even an empty one, so the form reports what is missing)."""
    return request.POST if request.method == "POST" else None


def uploaded(request):
    return request.FILES if request.method == "POST" else None
