.venv/bin/xo-foundry validate                 # every config; problems as PATH:LINE: field: message
.venv/bin/xo-foundry generate                 # rewrite the DAG files from the configs (nothing if one is invalid)
.venv/bin/xo-foundry generate --check         # fail if the committed DAG files are stale (part of make test)
.venv/bin/xo-foundry list                     # one line per pipeline
.venv/bin/xo-foundry window warbyparker/gladly_daily --date 2025-01-15
.venv/bin/xo-foundry run warbyparker/gladly_daily --date 2025-01-15            # through Airflow's dag.test()
.venv/bin/xo-foundry run warbyparker/gladly_daily --date 2025-01-15 --direct   # the task functions, no Airflow
.venv/bin/xo-foundry plan warbyparker/gladly_daily --date 2025-01-15 --env prod  # keys and SQL, connects to nothing
