# Per BRONZE table: the last load, recent failures, abandoned runs, staleness. Exit 1 when something is failed or
# stale, so a monitor can call it. It reads the ledger of the environment's warehouse (XO_ENV, XO_HOME).
.venv/bin/xo-foundry status                                 # every pipeline
.venv/bin/xo-foundry status warbyparker                     # one client
.venv/bin/xo-foundry status warbyparker/gladly_daily --json # one pipeline, for a machine
