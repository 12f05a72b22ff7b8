"""The programme catalogue and "am I eligible?", with the live estimate."""

from django.shortcuts import render

from company.access import company_view, get_open_programme
from company.filters import ProgrammeFilter
from company.forms import ESTIMATE_FIELDS, ContractForm, sample_contract_values
from company.selectors import open_programmes, preview, rate_tiers
from company.views.common import filtered_page


@company_view
def catalogue(request):
    context = filtered_page(request, ProgrammeFilter, open_programmes())
    for programme in context["page"]:
        programme.tiers = rate_tiers(programme)
    return render(request, "company/catalogue.html", context)


# The sample contract of "Am I eligible?" has no number yet: the once-per-contract rule is
# judged on the application's own contract, so the sample's trace leaves it out.
NUMBERED_RULES = {"one_subsidy_per_contract"}


def sample_estimate(request, programme, data) -> dict:
    """The programme page's "Am I eligible?": the provider, value, accelerator and
    purpose typed there, on a contract signed today that runs to the year's end."""
    form = ContractForm(data, programme=programme)
    form.is_valid()
    typed = {name: form.cleaned_data[name] for name in ESTIMATE_FIELDS if name in form.cleaned_data}
    missing = [name for name in ESTIMATE_FIELDS if name not in typed]
    values = {**sample_contract_values(), **typed}
    return _estimate(request, programme, form, values, missing, skip=NUMBERED_RULES)


def contract_estimate(request, programme, data) -> dict:
    """The application form's estimate: the contract exactly as typed, judged only once
    every field is valid, never on assumed values."""
    form = ContractForm(data, programme=programme)
    if form.is_valid():
        return _estimate(request, programme, form, form.cleaned_data, [], skip=set())
    missing = [name for name in form.fields if name not in form.cleaned_data]
    return _estimate(request, programme, form, None, missing, skip=set())


def _estimate(request, programme, form, values, missing, *, skip) -> dict:
    declared = request.entity.current_declaration() is not None
    evaluation = None
    if declared and not missing:
        evaluation = preview(entity=request.entity, programme=programme, contract_values=values)
    results = [r for r in evaluation.results if r.kind not in skip] if evaluation else []
    return {
        "programme": programme,
        "evaluation": evaluation,
        "results": results,
        "declared": declared,
        "missing": [form.fields[name].label for name in missing],
    }


@company_view
def programme(request, pk):
    """The programme's key numbers and the rule-by-rule trace for this entity, judged on
    a sample contract the entity types the value of (nothing is pre-filled but the
    first provider and the commonest accelerator and purpose)."""
    found = get_open_programme(pk)
    first_provider = found.providers.order_by("pk").first()
    data = {
        "provider": first_provider.pk if first_provider else "",
        "accelerator_origin": "domestic",
        "purpose": "model_training",
    }
    typed = {name: request.GET[name] for name in ESTIMATE_FIELDS if name in request.GET}
    context = sample_estimate(request, found, {**data, **typed})
    if request.htmx:
        return render(request, "company/programme.html#estimate", context)
    # Unbound until the entity checks something: an empty value is no error yet.
    bound = {**data, **typed} if typed else None
    context["form"] = ContractForm(bound, initial=data, programme=found)
    context["tiers"] = rate_tiers(found)
    return render(request, "company/programme.html", context)


@company_view
def estimate(request, pk):
    """htmx: the entitlement for the contract as typed on the application form."""
    found = get_open_programme(pk)
    context = contract_estimate(request, found, request.GET)
    return render(request, "company/programme.html#estimate", context)
