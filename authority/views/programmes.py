"""The programme builder, the policy simulator and invitations: the programme manager's
pages. Forms parse; vouchers.services.programmes and authority.services decide."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from authority.access import get_managed_programme, managed_authority, officer_view, programmes_of
from authority.builder import document as builder
from authority.builder.forms import TERMS
from authority.services import simulator
from authority.services.invitations import invite_entities
from company.errors import add_service_error, pick
from company.views.common import posted
from config.errors import DomainError
from vouchers.models import Programme
from vouchers.rules.describe import describe_ruleset
from vouchers.services import programmes as services

# The changed applications and the would-qualify entities listed on a page: a policy
# that moves 6,000 applications is read from its counts and its first rows.
SHOWN = 200


@officer_view
def programmes(request):
    rows = programmes_of(request).select_related("authority").order_by("-year", "-pk")
    return render(request, "authority/programmes.html", {"programmes": rows})


@officer_view
def new(request):
    authority = managed_authority(request)
    forms = builder.bind(posted(request))
    if request.method == "POST" and forms.is_valid():
        created = _save(forms, lambda fields, document, providers, funding: services.create_programme(
            by=request.user, fields={**fields, "authority": authority}, rules=document,
            providers=providers, funding_sources=funding,
        ))  # fmt: skip
        if created is not None:
            return redirect("authority:programme", created.pk)
    return render(request, "authority/programme_form.html", {"forms": forms, "programme": None})


@officer_view
def edit(request, pk):
    found = get_managed_programme(request, pk)
    if found.status != Programme.Status.DRAFT:
        return redirect("authority:revise", found.pk)
    document = found.current_ruleset().document
    forms = builder.bind(posted(request), document=document, programme=found)
    if request.method == "POST" and forms.is_valid():
        saved = _save(forms, lambda fields, document, providers, funding: services.update_draft(
            programme=found, by=request.user, fields=fields, rules=document,
            providers=providers, funding_sources=funding,
        ))  # fmt: skip
        if saved is not None:
            return redirect("authority:programme", found.pk)
    return render(request, "authority/programme_form.html", {"forms": forms, "programme": found})


def _save(forms, call):
    """The forms' values through the service; its refusals go beside their fields."""
    document = forms.document()
    if document is None:
        return None
    data = forms.terms.cleaned_data
    fields = {name: data[name] for name in TERMS if name != "providers"}
    try:
        return call(fields, document, data["providers"], forms.funding_sources())
    except (DomainError, ValidationError) as exc:
        add_service_error(forms.terms, exc)
        return None


@officer_view
def programme(request, pk):
    found = get_managed_programme(request, pk)
    versions = list(found.rulesets.order_by("-version"))
    context = {
        "programme": found,
        "versions": versions,
        "lines": describe_ruleset(versions[0].document),
        "funding": found.funding_sources.all(),
        "providers": found.providers.order_by("name"),
        "sources": _sources(request, found),
    }
    return render(request, "authority/programme.html", context)


def _sources(request, found):
    """The programmes a draft can be tried against: this one and the authority's others."""
    return programmes_of(request).filter(authority=found.authority).order_by("-year", "-pk")


@officer_view
def revise(request, pk):
    found = get_managed_programme(request, pk)
    current = found.current_ruleset()
    forms = builder.bind(posted(request), document=current.document, with_terms=False)
    note = request.POST.get("note", "").strip()[:200]
    simulation = None
    if request.method == "POST" and forms.is_valid():
        document = forms.document()
        if document is not None and "simulate" in request.POST:
            simulation = _simulate(request, found, document, request.POST.get("source"))
        elif document is not None:
            try:
                revised = services.revise_rules(
                    programme=found, by=request.user, rules=document, note=note
                )
            except DomainError as exc:
                forms.tiers.non_form_errors().append(pick(exc.zh, exc.en))
            else:
                return redirect("authority:version", found.pk, revised.version)
    context = {
        "programme": found, "forms": forms, "current": current, "note": note,
        "sources": _sources(request, found), "simulation": simulation, "shown": SHOWN,
    }  # fmt: skip
    return render(request, "authority/programme_revise.html", context)


@officer_view
def version(request, pk, number):
    """One rule version beside the one before it, line by line in the company's words."""
    found = get_managed_programme(request, pk)
    versions = {v.version: v for v in found.rulesets.filter(version__in=[number - 1, number])}
    if number not in versions:
        raise Http404
    after = describe_ruleset(versions[number].document)
    before = describe_ruleset(versions[number - 1].document) if number - 1 in versions else []
    context = {
        "programme": found,
        "ruleset": versions[number],
        "rows": diff_rows(before, after),
        "applications": found.applications.filter(ruleset=versions[number]).count(),
    }
    return render(request, "authority/programme_version.html", context)


def diff_rows(before, after) -> list[dict]:
    """Rows of (before, after) paired by rule kind or tier position, changed ones marked."""
    old, new = {line.key: line for line in before}, {line.key: line for line in after}
    keys = list(dict.fromkeys([*old, *new]))
    return [
        {"before": old.get(key), "after": new.get(key), "changed": old.get(key) != new.get(key)}
        for key in keys
    ]


@officer_view
@require_POST
def publish(request, pk):
    found = get_managed_programme(request, pk)
    _run(request, lambda: services.publish_programme(programme=found, by=request.user),
         _("The programme is published."))  # fmt: skip
    return redirect("authority:programme", found.pk)


@officer_view
@require_POST
def close(request, pk):
    found = get_managed_programme(request, pk)
    _run(request, lambda: services.close_programme(programme=found, by=request.user),
         _("The programme is closed to new applications."))  # fmt: skip
    return redirect("authority:programme", found.pk)


def _run(request, call, done: str) -> None:
    try:
        call()
    except DomainError as exc:
        messages.error(request, pick(exc.zh, exc.en))
    else:
        messages.success(request, done)


@officer_view
def simulate(request, pk):
    """The programme's saved rules and terms tried against a programme's filed
    applications (?source=, this one by default). Reads only."""
    found = get_managed_programme(request, pk)
    simulation = _simulate(request, found, None, request.GET.get("source"))
    context = {
        "programme": found, "simulation": simulation, "sources": _sources(request, found),
        "shown": SHOWN,
    }  # fmt: skip
    return render(request, "authority/programme_simulation.html", context)


def _simulate(request, found, document, source_pk):
    source = _source(request, found, source_pk)
    draft = simulator.draft_of(found, document=document)
    return simulator.simulate(draft=draft, source=source, target=found, today=timezone.localdate())


def _source(request, found, source_pk):
    """The source must be a programme of the same authority; anything else is this one."""
    if source_pk and str(source_pk).isdigit():
        source = _sources(request, found).filter(pk=source_pk).first()
        if source is not None:
            return source
    return found


@officer_view
@require_POST
def invite(request, pk):
    """Invite the entities the simulator lists for this programme (only those: the
    list is recomputed here, so a posted id outside it invites nobody)."""
    found = get_managed_programme(request, pk)
    simulation = _simulate(request, found, None, request.POST.get("source"))
    chosen = set(request.POST.getlist("entity"))
    entities = [e for e in simulation.candidates if str(e.pk) in chosen]
    try:
        made = invite_entities(programme=found, entities=entities, by=request.user)
    except DomainError as exc:
        messages.error(request, pick(exc.zh, exc.en))
    else:
        messages.success(request, _("%(count)d entities invited.") % {"count": len(made)})
    return redirect(
        f"{reverse('authority:simulate', args=[found.pk])}?source={simulation.source.pk}"
    )
