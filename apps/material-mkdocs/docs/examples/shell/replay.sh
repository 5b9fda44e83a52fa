# Reload BRONZE and rebuild dbt downstream from what the run of 2025-01-15 already landed; no source is called.
.venv/bin/xo-foundry replay warbyparker/gladly_daily --date 2025-01-15
