# On a deployment: let the scheduler create one run per logical date of the range (both ends inclusive).
airflow backfill create --dag-id warbyparker_gladly_daily --from-date 2025-01-13 --to-date 2025-01-15 --max-active-runs 1
# Rerun dates that already have runs (completed ones too), e.g. after fixing a failed load.
airflow backfill create --dag-id warbyparker_gladly_daily --from-date 2025-01-13 --to-date 2025-01-15 --reprocess-behavior completed
