"""The in-app inbox."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from company.access import company_view, get_notification_for_user
from company.filters import NotificationFilter
from company.models import Notification
from company.services.notifications import mark_read
from company.views.common import filtered_page
from web.auth import safe_next


@company_view
def inbox(request):
    rows = Notification.objects.filter(user=request.user, entity=request.entity)
    return render(request, "company/inbox.html", filtered_page(request, NotificationFilter, rows))


@company_view
@require_POST
def read(request, pk):
    """Mark read and follow the notification's link (a local path only)."""
    notification = get_notification_for_user(request, pk)
    mark_read(notification=notification, by=request.user)
    return redirect(safe_next(request, notification.link, "/company/inbox/"))
