make demo    # set up everything, then run the main job on the embedded default (local folder, DuckDB, simulators)
make test    # set up everything, then run every check: ruff, ty, the lock, the generated DAGs, pytest
