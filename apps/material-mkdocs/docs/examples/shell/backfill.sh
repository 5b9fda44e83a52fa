# Backfill without Airflow's scheduler: one run per logical date, oldest first (each run reads its own window).
for day in 2025-01-13 2025-01-14 2025-01-15; do
  .venv/bin/xo-foundry run warbyparker/gladly_daily --date "$day" || break
done
