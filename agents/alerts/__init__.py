"""Alerts: configurable rules over story updates (``rules``, defaults in ``default_rules.yaml``) and the Faust agent
(``agent``)."""
