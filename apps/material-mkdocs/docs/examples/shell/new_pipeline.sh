# 1. write the config from the source type's template (validates it and regenerates the DAGs)
.venv/bin/xo new pipeline warbyparker/csat_survey --source s3_upload
# 2. fill in the TODOs of apps/airflow/xo-pipelines/configs/warbyparker/csat_survey.yaml, then validate it
.venv/bin/xo-foundry validate apps/airflow/xo-pipelines/configs/warbyparker/csat_survey.yaml
# 3. regenerate every generated file: the domain's DAG file, the dbt sources (apps/dbt/models/bronze/_sources.yml)
make generate
# 4. what to commit: the YAML and every file generate wrote
git status --short apps/
