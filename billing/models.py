"""Usage records, usage files, reconciliation exceptions and settlements."""
