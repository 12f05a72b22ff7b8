"""Signing up, registering the entity, the dashboard, and inviting colleagues."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.models import Membership
from company.access import CHOSEN_ENTITY, acting_entity, company_view
from company.errors import pick
from company.forms import CreditCodeField, InviteForm, RegisterEntityForm, SignUpForm
from company.models import CompanyAccount, Invitation, Notification
from company.services import invitations, registration
from company.views.common import PAGE_SIZE, posted, run_service, uploaded
from config.errors import DomainError
from web.auth import safe_next


def sign_up(request):
    """The same answer for a new and a registered e-mail ("check your e-mail"): the
    mailbox gets either the link that creates the account or a note of the attempt."""
    if request.user.is_authenticated:
        return redirect("company:home")
    form = SignUpForm(posted(request))
    if request.method == "POST" and form.is_valid():
        email = run_service(
            form,
            lambda: registration.sign_up(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                display_name=form.cleaned_data["display_name"],
                next_url=safe_next(request, request.GET.get("next"), ""),
            ),
        )
        if email is not None:
            messages.info(
                request,
                _("Check your e-mail: we sent a message to %(email)s to finish signing up.")
                % {"email": email},
            )
            return redirect("company:sign_up")
    return render(request, "company/sign_up.html", {"form": form})


def confirm_sign_up(request, token):
    """The link from the sign-up e-mail creates the account, then the user logs in (a
    link never signs anyone in: mail scanners open links too)."""
    try:
        registration.confirm_sign_up(token=token)
    except DomainError as exc:
        messages.error(request, pick(exc.zh, exc.en))
    else:
        messages.success(request, _("Your account is ready: log in with your e-mail."))
    next_url = safe_next(request, request.GET.get("next"), reverse("company:register"))
    return redirect_to_login(next_url)


@login_required
def register(request):
    if acting_entity(request.user) is not None:
        return redirect("company:home")
    if Membership.objects.filter(user=request.user).exists():
        # An officer or a provider's staff never acts for an applicant as well.
        raise PermissionDenied
    form = RegisterEntityForm(posted(request), uploaded(request))
    if request.method == "POST" and form.is_valid():
        entity = run_service(
            form, lambda: registration.register_company(user=request.user, **form.cleaned_data)
        )
        if entity is not None:
            messages.success(request, _("Your entity is registered. Declare its profile next."))
            return redirect("company:declare")
    return render(request, "company/register.html", {"form": form})


@login_required
@require_GET
def check_credit_code(request):
    """htmx: the credit code as typed, checked (check digit, not yet registered)."""
    field = CreditCodeField()
    error, contact = "", None
    try:
        code = field.clean(request.GET.get("credit_code", ""))
        contact = registration.whom_to_ask(code)
    except ValidationError as exc:
        error = "; ".join(exc.messages)
    if contact is not None:
        refusal = registration.already_registered(code, contact)
        error = pick(refusal.zh, refusal.en)
    context = {"error": error, "checked": request.GET.get("credit_code", "")}
    return render(request, "company/register.html#credit-code-check", context)


@company_view
def home(request):
    entity = request.entity
    counts = entity.applications.aggregate(
        total=Count("pk"),
        drafts=Count("pk", filter=Q(status="draft")),
        returned=Count("pk", filter=Q(status="returned")),
    )
    context = {
        "entity": entity,
        "declaration": entity.current_declaration(),
        "counts": counts,
        "vouchers": entity.vouchers.count(),
        "unread": Notification.objects.filter(
            user=request.user, entity=entity, read_at__isnull=True
        ).count(),
        "is_admin": registration.is_admin(request.user, entity),
    }
    return render(request, "company/home.html", context)


@company_view
@require_POST
def switch_entity(request):
    """Act for another of the user's entities, for the rest of this session."""
    chosen = next((e for e in request.entities if str(e.pk) == request.POST.get("entity")), None)
    if chosen is None:
        raise Http404
    request.session[CHOSEN_ENTITY] = chosen.pk
    messages.success(request, _("Switched: acting for %(entity)s.") % {"entity": chosen.name})
    return redirect("company:home")


@company_view
def invite(request):
    entity = request.entity
    if not registration.is_admin(request.user, entity):
        return render(request, "company/invite.html", {"not_admin": True}, status=403)
    form = InviteForm(posted(request))
    if request.method == "POST" and form.is_valid():
        sent = run_service(
            form,
            lambda: invitations.invite_colleague(
                entity=entity, by=request.user, email=form.cleaned_data["email"]
            ),
        )
        if sent is not None:
            messages.success(request, _("The invitation is on its way."))
            return redirect("company:invite")
    context = {
        "form": form,
        "page": Paginator(
            entity.invitations.select_related("accepted_by").order_by("-created_at", "-pk"),
            PAGE_SIZE,
        ).get_page(request.GET.get("page")),
        "staff": entity.membership_set.select_related("user").order_by("pk"),
        "account": CompanyAccount.objects.get(entity=entity),
    }
    return render(request, "company/invite.html", context)


def accept_invitation(request, token):
    """GET shows which entity invites (with log-in and sign-up links for a newcomer);
    POST, signed in, accepts it."""
    if request.method != "POST":
        invitation = Invitation.objects.filter(token=token).select_related("entity").first()
        return render(request, "company/accept.html", {"invitation": invitation})
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    try:
        invitations.accept_invitation(token=token, user=request.user)
    except DomainError as exc:
        messages.error(request, pick(exc.zh, exc.en))
        return redirect("company:accept_invitation", token=token)
    messages.success(request, _("You now act for this entity."))
    return redirect("company:home")
