"""cin-docs: Child in Need paperwork (deadlines, letters, plans, review records, packs) from one case file per child."""

__version__ = "0.1.0"
