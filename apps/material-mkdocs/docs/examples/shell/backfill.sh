# Every logical date of the range, oldest first, through Airflow's dag.test() (add --direct to call the tasks
# without Airflow). Dates whose windows already SUCCEEDED are skipped; --force runs them again.
.venv/bin/xo-foundry backfill warbyparker/gladly_daily --start 2025-01-14 --end 2025-01-15
.venv/bin/xo-foundry backfill warbyparker/gladly_daily --start 2025-01-14 --end 2025-01-15 --direct --force
