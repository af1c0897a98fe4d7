"""Dagster's instance settings as Vivier writes them: telemetry off, no first-visit newsletter
dialog, one run at a time."""

from __future__ import annotations

import dagster as dg

from pipelines.dagster_home import ensure_dagster_home


def test_a_new_dagster_home_turns_off_telemetry_and_the_newsletter_dialog(tmp_path):
    ensure_dagster_home(tmp_path)

    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        # The UI asks the instance whether to show its dialog asking for an email and the newsletter.
        assert instance.nux_enabled is False
        assert instance.telemetry_enabled is False
        assert instance.get_settings("concurrency") == {"runs": {"max_concurrent_runs": 1}}


def test_a_dagster_yaml_of_an_earlier_vivier_is_rewritten_with_the_dialog_off(tmp_path):
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    ensure_dagster_home(tmp_path)

    with dg.DagsterInstance.from_config(str(tmp_path)) as instance:
        assert instance.nux_enabled is False
