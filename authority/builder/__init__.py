"""The programme builder: a programme and its rule set as forms (rule_forms, forms),
assembled into the engine's rule-set document and read back from it (document)."""
