{#-
  Every QA evaluation the quality team uploaded (one CSV a day, S3 landing bucket), typed. The export's
  "Evaluated At (ET)" is New York wall-clock time: stored in UTC like every SILVER instant. A day's file
  replaces that day (replace_window on the evaluation instant); natural key the evaluation id.
  A weekend file has a header only: it carries no window, so it deletes nothing.
-#}
{{ config(
    incremental_strategy='replace_window',
    unique_key=['EVALUATION_ID'],
    window_column='EVALUATED_AT',
) }}

select
    EVALUATION_ID,
    {{ xo_us_local_to_utc('EVALUATED_AT_ET', "'America/New_York'") }} as EVALUATED_AT,
    'America/New_York' as SOURCE_TIMEZONE,
    lower(trim(AGENT_EMAIL)) as AGENT_EMAIL,
    AGENT_NAME,
    {{ xo_text_bigint('SCORE') }} as SCORE_PCT,
    EVALUATOR,
    COMMENTS,
    {{ xo_lineage_columns() }}
from {{ source('wbp_db', 'S3_QA_SCORES') }}
