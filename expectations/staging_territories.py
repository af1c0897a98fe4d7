"""staging.territories: the contract's rules (territory_id unique, name filled)."""

from pipelines.quality.suites import staging_suite

SUITE = staging_suite("territories")
