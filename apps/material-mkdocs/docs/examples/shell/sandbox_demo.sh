.venv/bin/xo-sandbox demo --date 2025-01-15                  # make demo, for one logical date
