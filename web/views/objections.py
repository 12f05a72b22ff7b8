"""Objections (异议) on the public board: anyone may object to an award while it is in
public notice. Throttled per client address (a count in the cache for an hour) and
guarded by a honeypot field; the service decides whether the award still takes one."""

from axes.helpers import get_client_ip_address
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from company.views.common import posted, run_service
from vouchers.models import Objection, Voucher
from vouchers.services.notice import file_objection
from web.public import selectors
from web.public.forms import ObjectionForm

# At most this many objections an hour from one address: enough for a person with
# several awards to question, too few to flood the officers' list.
LIMIT_PER_HOUR = 5


def objection(request, code, pk):
    programme = selectors.public_programme(code)
    award = get_object_or_404(selectors.public_awards(programme), pk=pk)
    in_notice = award.status == Voucher.Status.PUBLIC_NOTICE
    form = ObjectionForm(posted(request) if in_notice else None)
    if request.method == "POST" and in_notice:
        if _over_limit(request):
            messages.error(request, _("Too many objections from your address; try again later."))
            return _page(request, programme, award, form, status=429)
        if form.is_valid() and run_service(form, lambda: _file(award, form)):
            messages.success(
                request,
                _(
                    "Your objection was received: the award stays in notice until an officer answers it."
                ),
            )
            return redirect("public:programme_detail", code=programme.code)
    return _page(request, programme, award, form, status=400 if form.errors else 200)


def _file(award, form):
    data = form.cleaned_data
    return file_objection(
        voucher=award, name=data["name"], contact=data["contact"], text=data["text"]
    )


def _over_limit(request) -> bool:
    """Count this attempt; True past the hour's limit. add() then incr() is atomic in
    Redis, so two requests at once cannot both slip under it."""
    key = f"objections:{get_client_ip_address(request)}"
    cache.add(key, 0, timeout=3600)
    return cache.incr(key) > LIMIT_PER_HOUR


def _page(request, programme, award, form, *, status):
    answered = Objection.objects.filter(voucher=award, status=Objection.Status.DISMISSED)
    context = {
        "programme": programme,
        "award": award,
        "form": form,
        "in_notice": award.status == Voucher.Status.PUBLIC_NOTICE,
        "dismissed": answered.only("filed_at", "resolved_at", "reason"),
    }
    return render(request, "web/public/objection.html", context, status=status)
