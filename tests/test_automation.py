"""Schedules, the release sensor and freshness policies: calendars for given dates, schedules
evaluated at given times, and the sensor against a copy of the fixture mirror (unchanged -> no run,
one changed file -> exactly one run of that source's staging asset and what is downstream of it)."""

from __future__ import annotations

import warnings
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from dagster._utils.schedules import schedule_execution_time_iterator

from pipelines import calendars
from pipelines.catalog import ALL_SOURCES
from pipelines.config import Settings
from pipelines.defs.resources import RESOURCE_KEY, WarehouseResource
from pipelines.sql_files import checks, models

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

NY = ZoneInfo("America/New_York")
TOKYO = ZoneInfo("Asia/Tokyo")
FRED_DEXJPUS = "fred.stlouisfed.org/graph/fredgraph.csv?id=DEXJPUS"
TIC_TABLE5 = "ticdata.treasury.gov/resource-center/data-chart-center/tic/Documents/slt_table5.txt"
MOF_RESERVES = "www.mof.go.jp/policy/international_policy/reference/official_reserve_assets/historical.csv"


@pytest.fixture(scope="module")
def defs() -> dg.Definitions:
    from pipelines.definitions import defs

    return defs


def schedule_named(defs: dg.Definitions, name: str) -> dg.ScheduleDefinition:
    return next(s for s in defs.schedules if s.name == name)


def key(name: str) -> dg.AssetKey:
    return dg.AssetKey(name.split("/"))


def expected_downstream(source: str) -> set[dg.AssetKey]:
    """Worked out from the SQL headers alone, not through Dagster: the staging table of `source`,
    every core/mart model that reads it directly or through another model, and the publish."""
    found = {m.qualified: m for layer in ("core", "marts") for m in models(layer)}
    reached = {f"staging.{source}"}
    grew = True
    while grew:
        grew = False
        for name, model in found.items():
            if name not in reached and reached & set(model.depends_on):
                reached.add(name)
                grew = True
    return {dg.AssetKey(q.split(".")) for q in reached} | {dg.AssetKey("published_warehouse")}


def expected_checks(selection: set[dg.AssetKey]) -> set[dg.AssetCheckKey]:
    return {
        dg.AssetCheckKey(dg.AssetKey(c.asset.split(".")), c.name)
        for c in checks()
        if dg.AssetKey(c.asset.split(".")) in selection
    }


# ---------------------------------------------------------------- definitions


def test_every_asset_has_owner_group_description_and_freshness(defs):
    graph = defs.resolve_asset_graph()
    keys = {k for k in graph.get_all_asset_keys() if graph.get(k).is_materializable}
    assert key("published_warehouse") in keys
    assert {key(f"staging/{s.name}") for s in ALL_SOURCES} <= keys
    for asset_key in keys:
        node = graph.get(asset_key)
        name = asset_key.to_user_string()
        assert node.owners, f"{name} has no owner"
        assert node.group_name and node.group_name != "default", f"{name} has no group"
        assert node.description and node.description.strip(), f"{name} has no description"
        assert node.freshness_policy is not None, f"{name} has no freshness policy"


def test_every_source_has_a_calendar_or_is_reference_data():
    for source in ALL_SOURCES:
        calendar = calendars.calendar_for(source.name)
        assert (calendar is None) == (source.name in calendars.REFERENCE_SOURCES), source.name


def test_freshness_windows_follow_the_calendars(defs):
    graph = defs.resolve_asset_graph()

    def fail_window(name: str) -> timedelta:
        return graph.get(key(name)).freshness_policy.fail_window.to_timedelta()

    assert fail_window("staging/tic_table5") == timedelta(days=50)
    assert fail_window("staging/mof_reserves") == timedelta(days=45)
    assert fail_window("staging/debt_to_penny") == timedelta(days=5)
    assert fail_window("staging/countries") == calendars.REFERENCE_STALE_AFTER
    # A table may be no older than its freshest input allows: TIC (50 days) and reference data.
    assert fail_window("core/treasury_holdings") == timedelta(days=50)
    # MOF reserves (45 days) and FRED (10 days): FRED's window.
    assert fail_window("core/fct_reserves") == timedelta(days=10)
    # Built from reference data only.
    assert fail_window("core/dim_country") == calendars.REFERENCE_STALE_AFTER
    # The published file is refreshed by the most frequent publisher (Debt to the Penny, daily).
    assert fail_window("published_warehouse") == timedelta(days=5)


# ---------------------------------------------------------------- calendars for given dates


@pytest.mark.parametrize(
    "source, after, expected",
    [
        # 15 Feb 2025 is a Saturday and 17 Feb Washington's Birthday: Tuesday the 18th.
        ("tic_table5", datetime(2025, 2, 1, tzinfo=NY), datetime(2025, 2, 18, 16, 0, tzinfo=NY)),
        # 15 Jan 2025 is a Wednesday; once 4 pm has passed, the next one is February's.
        ("tic_mfh_history", datetime(2025, 1, 15, 10, 0, tzinfo=NY), datetime(2025, 1, 15, 16, 0, tzinfo=NY)),
        ("tic_mfh_history", datetime(2025, 1, 15, 16, 0, tzinfo=NY), datetime(2025, 2, 18, 16, 0, tzinfo=NY)),
        # 15 June 2024 is a Saturday: Monday the 17th. A naive time is UTC.
        ("tic_table3", datetime(2024, 6, 1), datetime(2024, 6, 17, 16, 0, tzinfo=NY)),
        # MOF reserves, 5th Tokyo business day: the real 2024 release days.
        ("mof_reserves", datetime(2024, 8, 1, tzinfo=TOKYO), datetime(2024, 8, 7, 14, 0, tzinfo=TOKYO)),
        ("mof_reserves", datetime(2024, 9, 1, tzinfo=TOKYO), datetime(2024, 9, 6, 14, 0, tzinfo=TOKYO)),
        ("mof_reserves", datetime(2024, 10, 1, tzinfo=TOKYO), datetime(2024, 10, 7, 14, 0, tzinfo=TOKYO)),
        # Golden Week (3-6 May 2025): the 9th.
        ("mof_reserves", datetime(2025, 5, 1, tzinfo=TOKYO), datetime(2025, 5, 9, 14, 0, tzinfo=TOKYO)),
        # New Year (bank holidays to 3 Jan): 9 Jan 2026.
        ("mof_reserves", datetime(2026, 1, 1, tzinfo=TOKYO), datetime(2026, 1, 9, 14, 0, tzinfo=TOKYO)),
        # MOF interventions, last Tokyo business day: 31 Dec is a bank holiday; 28 Feb 2026 a Saturday.
        ("mof_interventions", datetime(2025, 12, 1, tzinfo=TOKYO), datetime(2025, 12, 30, 19, 0, tzinfo=TOKYO)),
        ("mof_interventions", datetime(2026, 2, 1, tzinfo=TOKYO), datetime(2026, 2, 27, 19, 0, tzinfo=TOKYO)),
        # Daily publishers skip weekends and federal holidays (4 July 2025 is a Friday).
        ("fred", datetime(2025, 7, 3, 18, 0, tzinfo=NY), datetime(2025, 7, 7, 17, 0, tzinfo=NY)),
        ("debt_to_penny", datetime(2025, 7, 3, 12, 0, tzinfo=NY), datetime(2025, 7, 3, 16, 0, tzinfo=NY)),
        # Thanksgiving, 27 Nov 2025: the Federal Register is next published on the 28th at 6 am.
        ("federal_register", datetime(2025, 11, 26, 12, 0, tzinfo=NY), datetime(2025, 11, 28, 6, 0, tzinfo=NY)),
    ],
)
def test_next_expected_release(source, after, expected):
    assert calendars.next_expected_release(source, after) == expected


def test_holidays_and_stale_windows():
    assert date(2021, 12, 31) in calendars.us_federal_holidays(2021)  # 1 Jan 2022, a Saturday
    assert date(2021, 6, 18) in calendars.us_federal_holidays(2021)  # Juneteenth on a Saturday
    assert not calendars.us_business_day(date(2025, 11, 27))  # Thanksgiving
    assert date(2026, 5, 6) in calendars.japan_holidays(2026)  # substitute for Sunday 3 May
    assert date(2026, 9, 22) in calendars.japan_holidays(2026)  # between two holidays
    assert not calendars.tokyo_business_day(date(2025, 12, 31))
    # Where a rule of the current law alone is wrong: the 2019 enthronement holidays, the Olympic
    # moves of 2020 (Sports Day on 24 July, not in October), Marine Day on 20 July in 2000
    # (Happy Monday began in 2003 for it).
    assert not calendars.tokyo_business_day(date(2019, 4, 30)) and not calendars.tokyo_business_day(date(2019, 5, 2))
    assert not calendars.tokyo_business_day(date(2020, 7, 24)) and calendars.tokyo_business_day(date(2020, 10, 12))
    assert not calendars.tokyo_business_day(date(2000, 7, 20)) and calendars.tokyo_business_day(date(2000, 7, 17))
    assert calendars.stale_after("tic_table5") == timedelta(days=50)
    assert calendars.calendar_for("countries") is None
    with pytest.raises(KeyError):
        calendars.next_expected_release("countries", datetime(2025, 1, 1, tzinfo=timezone.utc))


# ---------------------------------------------------------------- schedules fire at the calendars' times


def _calendar_of(schedule: dg.ScheduleDefinition) -> calendars.ReleaseCalendar:
    [calendar] = [c for c in calendars.CALENDARS if f"{c.name}_release" == schedule.name]
    return calendar


def test_one_schedule_per_calendar_with_its_cron_and_timezone(defs):
    schedules = {s.name: s for s in defs.schedules}
    assert set(schedules) == {f"{c.name}_release" for c in calendars.CALENDARS}
    for schedule in schedules.values():
        calendar = _calendar_of(schedule)
        assert schedule.cron_schedule == calendar.cron
        assert schedule.execution_timezone == calendar.timezone
        assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING


@pytest.mark.parametrize("calendar", calendars.CALENDARS, ids=lambda c: c.name)
def test_schedule_fires_within_the_hour_after_every_expected_release(defs, calendar):
    """2024-2027: for every expected release, the schedule's first tick at or after it is on the
    same local day and at most 90 minutes later."""
    schedule = next(s for s in defs.schedules if s.name == f"{calendar.name}_release")
    zone = ZoneInfo(schedule.execution_timezone)
    release = calendar.next_release(datetime(2024, 1, 1, tzinfo=zone))
    count = 0
    while release.year < 2028:
        tick = next(schedule_execution_time_iterator(release.timestamp(), schedule.cron_schedule, schedule.execution_timezone))
        tick = tick.astimezone(zone)
        assert tick.date() == release.date(), (release, tick)
        assert timedelta(0) <= tick - release <= timedelta(minutes=90), (release, tick)
        release = calendar.next_release(release)
        count += 1
    assert count >= 48


def test_daily_schedules_never_fire_on_weekends(defs):
    for name in ("fred_release", "debt_to_penny_release", "federal_register_release"):
        schedule = next(s for s in defs.schedules if s.name == name)
        start = datetime(2025, 1, 1, tzinfo=NY).timestamp()
        ticks = schedule_execution_time_iterator(start, schedule.cron_schedule, schedule.execution_timezone)
        first_month = [t for t in (next(ticks) for _ in range(23)) if t.month == 1]
        assert first_month and all(t.weekday() < 5 for t in first_month)


@pytest.mark.parametrize(
    "schedule_name, at, sources, last_release, next_release",
    [
        ("tic_release", datetime(2025, 2, 18, 16, 5, tzinfo=NY), ("tic_mfh_history", "tic_table5", "tic_table3"),
         "2025-02-18T16:00:00-05:00", "2025-03-17T16:00:00-04:00"),
        ("mof_reserves_release", datetime(2024, 10, 7, 14, 30, tzinfo=TOKYO), ("mof_reserves",),
         "2024-10-07T14:00:00+09:00", "2024-11-08T14:00:00+09:00"),
        ("mof_interventions_release", datetime(2025, 12, 30, 19, 30, tzinfo=TOKYO), ("mof_interventions",),
         "2025-12-30T19:00:00+09:00", "2026-01-30T19:00:00+09:00"),
        ("fred_release", datetime(2025, 7, 7, 17, 30, tzinfo=NY), ("fred",),
         "2025-07-07T17:00:00-04:00", "2025-07-08T17:00:00-04:00"),
    ],
)
def test_schedule_evaluated_at_a_given_time_before_any_publish(
    defs, monkeypatch, tmp_path, schedule_name, at, sources, last_release, next_release
):
    """With no published warehouse yet, a tick launches all of the calendar's sources and what is
    downstream of them; the run is tagged with the release it is for."""
    monkeypatch.setenv("TLW_HOME", str(tmp_path / "home"))
    (tmp_path / "no-mirror-needed").mkdir()  # a mirror that does not exist is a configuration error
    monkeypatch.setenv("TLW_MIRROR", str(tmp_path / "no-mirror-needed"))
    monkeypatch.delenv("TLW_SKIP_SOURCES", raising=False)
    schedule = schedule_named(defs, schedule_name)
    [probe] = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=at)).run_requests
    tick = f"{schedule_name.removesuffix('_release')}:{at.isoformat()}"
    assert schedule.job_name == "probe_sources" and probe.run_key == tick
    assert probe.run_config == {"ops": {"probe": {"config": {"calendar": schedule_name.removesuffix("_release")}}}}
    request = probe_and_launch(defs, probe)
    expected = set().union(*(expected_downstream(s) for s in sources))
    assert set(request.asset_selection) == expected
    assert set(request.asset_check_keys) == expected_checks(expected)
    assert request.tags["tlw/last_expected_release"] == last_release
    assert request.tags["tlw/next_expected_release"] == next_release
    assert request.tags["tlw/trigger"] == f"schedule:{schedule_name.removesuffix('_release')}"
    assert request.run_key == f"schedule:{tick}"


# ---------------------------------------------------------------- the release sensor against a mirror


# `published` (one refresh from the fixture mirror per module) and `env` (a test's own copy of it)
# are tests/conftest.py's; `mirror` is that copy's mirror.
@pytest.fixture
def mirror(env) -> Path:
    return env / "mirror"


def probe_and_launch(defs, probe: dg.RunRequest):
    """Run the probe run a tick asked for (in this process, on the home's Dagster instance), then
    evaluate `launch_what_changed` on its success, as the daemon does: a refresh RunRequest, or a
    SkipReason when the probe found nothing new."""
    from pipelines.defs.cli_run import dagster_instance

    settings = Settings.from_env()
    instance = dagster_instance(settings)
    result = defs.resolve_job_def("probe_sources").execute_in_process(
        run_config=probe.run_config, instance=instance, tags=probe.tags,
        # This test's settings: the definitions bound theirs when the first test imported them.
        resources={RESOURCE_KEY: WarehouseResource.from_settings(settings)},
    )
    assert result.success
    [success] = instance.all_logs(result.run_id, of_type=dg.DagsterEventType.RUN_SUCCESS)
    launch = defs.get_sensor_def("launch_what_changed")
    return launch(dg.build_run_status_sensor_context(
        sensor_name=launch.name, dagster_event=success.dagster_event, dagster_instance=instance,
        dagster_run=instance.get_run_by_id(result.run_id),
    ))


def tick(defs):
    """One release sensor tick, then the probe run it asks for, then the launch."""
    from pipelines.defs.cli_run import dagster_instance

    sensor = defs.get_sensor_def("release_sensor")
    index = Settings.from_env().raw_dir / "index.jsonl"
    before = index.read_bytes()
    with dagster_instance(Settings.from_env()) as instance:
        [probe] = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs)).run_requests
    # The evaluation asked for a probe run and fetched nothing: no request in the raw archive.
    assert index.read_bytes() == before
    assert sensor.job_name == "probe_sources" and probe.tags["tlw/trigger"] == "release_sensor"
    return probe_and_launch(defs, probe)


def test_unchanged_mirror_launches_nothing(defs, mirror):
    result = tick(defs)
    assert isinstance(result, dg.SkipReason) and "nothing new" in result.skip_message


def test_changed_fred_file_launches_exactly_fred_and_downstream(defs, mirror):
    from pipelines.defs.cli_run import dagster_instance

    with open(mirror / FRED_DEXJPUS, "a", encoding="utf-8") as handle:
        handle.write("2025-06-02,150.10\n")
    request = tick(defs)
    selection = set(request.asset_selection)
    assert selection == expected_downstream("fred")
    assert {k for k in selection if k.path[0] == "staging"} == {key("staging/fred")}
    assert key("core/fct_fred_observations") in selection and key("published_warehouse") in selection
    assert set(request.asset_check_keys) == expected_checks(selection)
    assert request.tags["tlw/changed"] == "fred"

    # The same content probed again gives the same run key: Dagster never runs a key twice, so it
    # is not launched again while its run is queued or running.
    again = tick(defs)
    assert again.run_key == request.run_key and request.run_key.startswith("content:")

    # Run what the sensor asked for; once published, the next probe finds nothing new.
    settings = Settings.from_env()
    run = dg.materialize(
        [*defs.assets, *defs.asset_checks],
        selection=request.asset_selection,
        instance=dagster_instance(settings),
        # This test's settings: the definitions bound theirs when the first test imported them.
        resources={RESOURCE_KEY: WarehouseResource.from_settings(settings)},
        raise_on_error=False,
        run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
    )
    assert run.success
    materialized = {e.asset_key for e in run.all_events if e.event_type == dg.DagsterEventType.ASSET_MATERIALIZATION}
    assert materialized == selection
    after = tick(defs)
    assert isinstance(after, dg.SkipReason) and "nothing new" in after.skip_message


@pytest.mark.parametrize(
    "relpath, source",
    [(TIC_TABLE5, "tic_table5"), (MOF_RESERVES, "mof_reserves")],
)
def test_one_changed_file_one_run_request(defs, mirror, relpath, source):
    path = mirror / relpath
    body = path.read_bytes()
    path.write_bytes(body + (b"\r\n" if b"\r\n" in body else b"\n"))
    first = tick(defs)
    assert set(first.asset_selection) == expected_downstream(source)
    # A second file changing later is new content: a new run (a new key), for both.
    with open(mirror / FRED_DEXJPUS, "a", encoding="utf-8") as handle:
        handle.write("2025-06-02,150.10\n")
    second = tick(defs)
    assert set(second.asset_selection) == expected_downstream(source) | expected_downstream("fred")
    assert second.run_key != first.run_key


def test_skipped_sources_are_not_probed(defs, mirror, monkeypatch):
    with open(mirror / FRED_DEXJPUS, "a", encoding="utf-8") as handle:
        handle.write("2025-06-02,150.10\n")
    monkeypatch.setenv("TLW_SKIP_SOURCES", "fred")
    result = tick(defs)
    assert isinstance(result, dg.SkipReason)


def test_a_probe_still_waiting_is_not_asked_for_again(defs, mirror):
    from pipelines.defs.cli_run import dagster_instance

    sensor = defs.get_sensor_def("release_sensor")
    with dagster_instance(Settings.from_env()) as instance:
        [probe] = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs)).run_requests
        job = defs.resolve_job_def("probe_sources")
        instance.create_run_for_job(job, run_config=probe.run_config, tags=probe.tags)  # NOT_STARTED: not run yet
        again = sensor.evaluate_tick(dg.build_sensor_context(instance=instance, definitions=defs))
    assert again.run_requests == [] and "has not finished yet" in again.skip_message


def test_schedules_after_publish_launch_only_what_changed(defs, mirror):
    at = datetime(2025, 7, 7, 17, 30, tzinfo=NY)
    fred = schedule_named(defs, "fred_release")
    tic = schedule_named(defs, "tic_release")

    def scheduled(schedule, when):
        [probe] = schedule.evaluate_tick(dg.build_schedule_context(scheduled_execution_time=when)).run_requests
        return probe_and_launch(defs, probe)

    assert isinstance(scheduled(fred, at), dg.SkipReason)
    with open(mirror / FRED_DEXJPUS, "a", encoding="utf-8") as handle:
        handle.write("2025-06-02,150.10\n")
    request = scheduled(fred, at)
    assert set(request.asset_selection) == expected_downstream("fred")
    tic_tick = scheduled(tic, datetime(2025, 7, 15, 16, 5, tzinfo=NY))
    assert isinstance(tic_tick, dg.SkipReason) and "nothing new" in tic_tick.skip_message
