# On a deployment: let the scheduler create one run per logical date of the range (both ends inclusive).
# The bounds are instants: give them in the pipeline's time zone, or a plain date means midnight UTC and the
# last day's run (06:50 New York is 11:50 UTC) falls outside the range.
airflow backfill create --dag-id warbyparker_gladly_daily \
  --from-date 2025-01-14T00:00:00-05:00 --to-date 2025-01-15T23:59:59-05:00 --max-active-runs 1 --dry-run
airflow backfill create --dag-id warbyparker_gladly_daily \
  --from-date 2025-01-14T00:00:00-05:00 --to-date 2025-01-15T23:59:59-05:00 --max-active-runs 1
# After a vendor fix, rerun the dates that already have runs too (completed ones included).
airflow backfill create --dag-id warbyparker_gladly_daily \
  --from-date 2025-01-14T00:00:00-05:00 --to-date 2025-01-15T23:59:59-05:00 --max-active-runs 1 \
  --reprocess-behavior completed
