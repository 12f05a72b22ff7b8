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


def estimate_context(request, programme, data) -> dict:
    """Judge the contract as typed so far: only the fields that change the judgement
    need to be valid; the rest take the eligibility check's assumptions."""
    form = ContractForm(data, programme=programme)
    form.is_valid()
    values = sample_contract_values()
    values.update({k: v for k, v in form.cleaned_data.items() if v not in (None, "")})
    missing = [name for name in ESTIMATE_FIELDS if name not in form.cleaned_data]
    evaluation = None
    if not missing:
        evaluation = preview(entity=request.entity, programme=programme, contract_values=values)
    return {
        "programme": programme,
        "evaluation": evaluation,
        "declared": request.entity.current_declaration() is not None,
        "missing": missing,
    }


@company_view
def programme(request, pk):
    """The programme's key numbers and the rule-by-rule trace for this entity, judged on
    a sample contract the entity can adjust (provider, value, accelerator, purpose)."""
    found = get_open_programme(pk)
    first_provider = found.providers.order_by("pk").first()
    data = {
        "provider": first_provider.pk if first_provider else "",
        "value": "100000.00",
        "accelerator_origin": "domestic",
        "purpose": "model_training",
    }
    data.update((name, request.GET[name]) for name in ESTIMATE_FIELDS if name in request.GET)
    context = estimate_context(request, found, data)
    context["form"] = ContractForm(data, programme=found)
    context["tiers"] = rate_tiers(found)
    return render(request, "company/programme.html", context)


@company_view
def estimate(request, pk):
    """htmx: the entitlement for the contract as typed on the application form."""
    found = get_open_programme(pk)
    context = estimate_context(request, found, request.GET)
    return render(request, "company/programme.html#estimate", context)
