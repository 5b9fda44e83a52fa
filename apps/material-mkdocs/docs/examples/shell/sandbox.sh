.venv/bin/xo-sandbox serve --port 0                          # the Gladly simulator on a free port (default 8765)
.venv/bin/xo-sandbox serve --port 0 --fault 503,times=2      # the first two report requests get a 503
.venv/bin/xo-sandbox serve --port 0 --row-cap 500            # every report silently stops after 500 rows
.venv/bin/xo-sandbox serve --all                             # every simulator, and the export lines to paste
