# The load ledger of a client database on the embedded default (DuckDB), newest first.
.venv/bin/python -c "import duckdb; print(duckdb.connect('.xo/warehouse/WBP_DB_DEV.duckdb', read_only=True).sql('SELECT RUN_ID, TABLE_NAME, STATUS, ROWS_LOADED, EXPECTED_ROWS, ERROR FROM XO_META.LOAD_LEDGER ORDER BY STARTED_AT DESC LIMIT 10'))"
