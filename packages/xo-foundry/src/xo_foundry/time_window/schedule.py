"""The run a pipeline's schedule should have made by now: its last fire time, in the DAG's time zone.

The generated DAGs pass ``schedule`` as a cron string with a ``start_date`` in the pipeline's zone; Airflow 3 then
runs it with ``CronTriggerTimetable`` (the default of ``[scheduler] create_cron_data_intervals``, see
airflow.apache.org/docs/apache-airflow/stable/authoring-and-scheduling/timetable.html), whose run fires at the cron
time with that time as its logical date. croniter is the library Airflow's timetables use for the same arithmetic.
"""

from __future__ import annotations

from datetime import datetime

from croniter import croniter

from xo_core.timezones import zone_named

# A preset without a repeating schedule: nothing is ever overdue.
_NOT_REPEATING = ("@once",)


def last_fire(schedule: str | None, timezone: str, before: datetime) -> datetime | None:
    """The schedule's last fire time at or before ``before`` (aware), or None for a manual or one-off DAG."""
    if schedule is None or schedule in _NOT_REPEATING:
        return None
    local = before.astimezone(zone_named(timezone))
    # croniter steps back from a point strictly after a fire time, so a fire exactly at `before` counts.
    fire = croniter(schedule, local).get_prev(datetime)
    if croniter(schedule, fire).get_next(datetime) <= local:
        fire = croniter(schedule, fire).get_next(datetime)
    return fire
