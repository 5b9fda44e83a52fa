# 1. write the config from the source type's template (validates it and regenerates the DAGs)
.venv/bin/xo new pipeline warbyparker/qa_scores --source s3_upload
# 2. fill in the TODOs of apps/airflow/xo-pipelines/configs/warbyparker/qa_scores.yaml, then validate it
.venv/bin/xo-foundry validate apps/airflow/xo-pipelines/configs/warbyparker/qa_scores.yaml
# 3. regenerate the DAG file of the domain and commit the YAML and dags/warbyparker.py together
make generate
# 4. run it once on the embedded default, against the simulators
.venv/bin/xo-foundry window warbyparker/qa_scores --date 2025-01-15
.venv/bin/xo-foundry run warbyparker/qa_scores --date 2025-01-15
