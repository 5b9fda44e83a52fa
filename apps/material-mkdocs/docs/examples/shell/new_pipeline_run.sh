# an s3_upload source reads the landing bucket: locally a folder of XO_HOME (.xo/ in the checkout); drop a file
mkdir -p .xo/objects/xo-landing/uploads/warbyparker/csat_survey
cd .xo/objects/xo-landing/uploads/warbyparker/csat_survey
printf 'Survey ID,Agent Email,Score\r\nS-1,ana@example.com,5\r\nS-2,bo@example.com,4\r\n' > csat_survey_20250115.csv
cd -
# the window it reads, then one run through Airflow's dag.test(): extract, stage, load BRONZE, dbt
.venv/bin/xo-foundry window warbyparker/csat_survey --date 2025-01-15
.venv/bin/xo-foundry run warbyparker/csat_survey --date 2025-01-15
