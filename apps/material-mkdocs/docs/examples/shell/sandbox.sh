.venv/bin/xo-sandbox serve                                   # the Gladly simulator on 127.0.0.1:8765
.venv/bin/xo-sandbox serve --port 0 --fault 503,times=2      # a free port; the first two report requests get a 503
.venv/bin/xo-sandbox serve --row-cap 500                     # every report silently stops after 500 rows
.venv/bin/xo-sandbox demo --date 2025-01-15                  # make demo, for one logical date
