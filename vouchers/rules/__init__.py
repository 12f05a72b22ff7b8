"""The eligibility-rule engine: rule sets as data, judged by pure functions.

`validate_ruleset(document)` checks and normalises a programme's rule-set document;
`evaluate(document, facts)` judges one application and explains every rule.
"""

from vouchers.rules.engine import evaluate
from vouchers.rules.kinds import RULE_KINDS
from vouchers.rules.schema import RuleSetInvalid, validate_ruleset

__all__ = ["RULE_KINDS", "RuleSetInvalid", "evaluate", "validate_ruleset"]
