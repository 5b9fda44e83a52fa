# XO-Data. `make help` lists the targets. Everything bootstraps itself on a machine with only Python and pip.
SHELL := /bin/bash
# The Python that runs uv: the first python3 on PATH outside any virtualenv (a folder whose parent holds
# pyvenv.cfg). A project's venv, activated with `source .venv/bin/activate` or put on PATH by `uv run`, has no uv,
# and `uv sync` would remove one installed there.
ifndef PYTHON
PYTHON := $(shell IFS=:; for d in $$PATH; do [ -x "$$d/python3" ] && [ ! -e "$$d/../pyvenv.cfg" ] \
	&& { echo "$$d/python3"; exit; }; done; echo python3)
endif
export UV_PYTHON_DOWNLOADS := never
UV := $(PYTHON) -m uv
RUN := $(UV) run --frozen --no-sync
VENV_STAMP := .venv/.xo-synced

.DEFAULT_GOAL := help

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-15s %s\n", $$1, $$2}'

$(VENV_STAMP): uv.lock pyproject.toml packages/*/pyproject.toml
	@$(UV) --version >/dev/null 2>&1 || $(PYTHON) -m pip install --quiet --disable-pip-version-check uv
	$(UV) sync --locked --all-groups --compile-bytecode
	@touch $@

.PHONY: setup
setup: $(VENV_STAMP) ## install the environment (uv, the locked dependencies)

.PHONY: demo
demo: $(VENV_STAMP) ## run the main job on the embedded default
	$(RUN) xo-sandbox demo

.PHONY: test
test: lint typecheck lockcheck dagcheck pytest ## every check: lint, format, types, lock, generated DAGs, tests

.PHONY: lint
lint: $(VENV_STAMP) ## ruff check and ruff format --check
	$(RUN) ruff check .
	$(RUN) ruff format --check .

.PHONY: typecheck
typecheck: $(VENV_STAMP) ## ty check with zero errors
	$(RUN) ty check

.PHONY: lockcheck
lockcheck: $(VENV_STAMP) ## the lock matches the pyproject files
	$(UV) lock --check

.PHONY: dagcheck
dagcheck: $(VENV_STAMP) ## the committed DAG files match the configs
	$(RUN) xo-foundry generate --check

# pytest-xdist workers (`make pytest WORKERS=0` runs in one process). Each test file runs whole on one worker
# (--dist loadfile), so a module-scoped fixture is built once; README.md, "Tests", has the rules that make a test
# safe to run beside the others. More workers than cores pays: most slow tests wait on other processes.
WORKERS ?= 4
PYTEST_PARALLEL := -n $(WORKERS) --dist loadfile --no-loadscope-reorder

# No test holds a run to a wall-clock budget (those are benchmarks, bench/), so every test runs on the workers.
.PHONY: pytest
pytest: $(VENV_STAMP) ## the test suite on parallel workers (WORKERS=4; 0: one process), the slowest listed
	$(RUN) pytest $(PYTEST_PARALLEL) --durations=40

.PHONY: test-fast
test-fast: lint typecheck $(VENV_STAMP) ## the inner loop: lint, types and the tests not marked slow
	$(RUN) pytest -m "not slow" -q $(PYTEST_PARALLEL)

.PHONY: generate
generate: $(VENV_STAMP) ## validate every pipeline config and regenerate the DAG files
	$(RUN) xo-foundry generate

.PHONY: format
format: $(VENV_STAMP) ## fix lint and formatting in place
	$(RUN) ruff check --fix .
	$(RUN) ruff format .

.PHONY: dashboard
dashboard: $(VENV_STAMP) ## the xo-lens dashboards on http://127.0.0.1:8501 (run make demo first)
	$(RUN) streamlit run packages/xo-lens/src/xo_lens/app.py --server.headless true --server.address 127.0.0.1 \
		--server.port 8501 --browser.gatherUsageStats false --client.toolbarMode viewer

.PHONY: notebooks
notebooks: $(VENV_STAMP) ## run the xo-lens notebooks on the warehouse (make demo first); copies in $XO_HOME/notebooks
	@out="$${XO_HOME:-$(CURDIR)/.xo}/notebooks"; mkdir -p "$$out" && cp packages/xo-lens/notebooks/*.ipynb "$$out"/ && \
		$(RUN) jupyter execute --inplace --kernel_name=python3 "$$out"/*.ipynb && echo "Executed notebooks: $$out"

.PHONY: airflow
airflow: $(VENV_STAMP) ## Airflow's scheduler, UI on http://127.0.0.1:8080, the simulators (Ctrl-C stops)
	$(RUN) xo-sandbox airflow --port 8080

.PHONY: airflow-celery
airflow-celery: $(VENV_STAMP) ## the same on PostgreSQL + CeleryExecutor, Redis, 2 workers (needs both servers)
	$(RUN) xo-sandbox airflow --port 8080 --celery

.PHONY: docs
docs: $(VENV_STAMP) ## build the documentation site into site/ (strict: a broken link fails)
	$(RUN) mkdocs build --strict -f apps/material-mkdocs/mkdocs.yml -d $(CURDIR)/site

.PHONY: astro-inputs
astro-inputs: $(VENV_STAMP) ## the Astro image's inputs: xo-core and xo-foundry wheels, the dbt project in include/
	rm -rf apps/airflow/xo-pipelines/wheels/*.whl apps/airflow/xo-pipelines/include/dbt
	$(UV) build --package xo-core --wheel -o apps/airflow/xo-pipelines/wheels
	$(UV) build --package xo-foundry --wheel -o apps/airflow/xo-pipelines/wheels
	mkdir -p apps/airflow/xo-pipelines/include && cp -r apps/dbt apps/airflow/xo-pipelines/include/dbt

.PHONY: bench
bench: $(VENV_STAMP) ## run the benchmarks (on demand; figures go in bench/README.md)
	$(RUN) python -m bench

.PHONY: clean
clean: ## remove local state (.xo) and caches, keep the environment
	rm -rf .xo .pytest_cache .ruff_cache
