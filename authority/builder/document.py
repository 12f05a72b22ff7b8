"""The builder's forms <-> the engine's rule-set document.

`BuilderForms` binds the terms, every rule kind's form, the rate tiers and the funding
sources together; `document()` assembles what the engine validates, and a document
the engine refuses is reported beside the field of the form it came from."""

from dataclasses import dataclass

from authority.builder.forms import FundingFormSet, ProgrammeForm, TierForm, TierFormSet
from authority.builder.rule_forms import RULE_FORMS, RuleForm
from company.errors import pick
from vouchers.rules import RuleSetInvalid, validate_ruleset

TIER_PREFIX, FUNDING_PREFIX = "tiers", "funding"


@dataclass
class BuilderForms:
    terms: ProgrammeForm | None
    rules: list[RuleForm]
    tiers: TierFormSet
    funding: FundingFormSet | None

    def all_forms(self) -> list:
        return [f for f in (self.terms, *self.rules, self.tiers, self.funding) if f is not None]

    def is_valid(self) -> bool:
        # Every form validates (no short-circuit), so every error shows at once.
        return all([form.is_valid() for form in self.all_forms()])

    def document(self) -> dict | None:
        """The validated, normalised document, or None with the engine's errors placed."""
        rules = [rule for form in self.rules if (rule := form.to_rule()) is not None]
        tiers = [form.to_tier() for form in self.tiers if _kept(form)]
        try:
            return validate_ruleset({"rules": rules, "rate_tiers": tiers})
        except RuleSetInvalid as exc:
            self._place(exc.errors, rules)
            return None

    def funding_sources(self) -> list[tuple]:
        kept = [form.cleaned_data for form in self.funding if _kept(form)]
        return [(row["name_zh"], row.get("name_en", ""), row["weight"]) for row in kept]

    def _place(self, errors, rules) -> None:
        by_kind = {form.kind: form for form in self.rules}
        for path, zh, en in errors:
            target, field = self.tiers, None
            if path.startswith("rules["):
                index = int(path[6 : path.index("]")])
                target = by_kind[rules[index]["kind"]]
                field = path.split(".", 1)[1] if "." in path else None
                field = field if field in target.fields else None
            if target is self.tiers:
                target.non_form_errors().append(pick(zh, en))
            else:
                target.add_error(field, pick(zh, en))


def _kept(form) -> bool:
    """A row filled in and not ticked for deletion (an untouched blank row has no data)."""
    return bool(form.cleaned_data) and not form.cleaned_data.get("DELETE")


def bind(
    data=None, *, document: dict | None = None, programme=None, with_terms=True, **terms_kwargs
):
    """The builder's forms, bound to `data`, or unbound showing `document` and `programme`."""
    rules_by_kind = {rule["kind"]: rule for rule in (document or {}).get("rules", [])}
    rules = [
        form_class(data, prefix=kind, initial=form_class.initial_from(rules_by_kind.get(kind)))
        for kind, form_class in RULE_FORMS.items()
    ]
    tier_rows = [TierForm.initial_from(tier) for tier in (document or {}).get("rate_tiers", [])]
    tiers = TierFormSet(data, prefix=TIER_PREFIX, initial=tier_rows or None)
    terms = funding = None
    if with_terms:
        terms = ProgrammeForm(data, instance=programme, **terms_kwargs)
        sources = programme.funding_sources.all() if programme and programme.pk else []
        rows = [{"name_zh": s.name_zh, "name_en": s.name_en, "weight": s.weight} for s in sources]
        funding = FundingFormSet(data, prefix=FUNDING_PREFIX, initial=rows or None)
    return BuilderForms(terms=terms, rules=rules, tiers=tiers, funding=funding)
