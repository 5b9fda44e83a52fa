{#-
  The Warby Parker roster sheet's history, SCD type 2: a sheet has no "last changed" column, so the check
  strategy compares every typed column of SILVER.ROSTER_WARBYPARKER with the current version on each pull;
  DBT_VALID_FROM/DBT_VALID_TO bound each version (GOLD dim_agent_history adds IS_CURRENT).
-#}
{% snapshot ROSTER_HISTORY %}
{{ config(
    unique_key='GLADLY_AGENT_ID',
    strategy='check',
    check_cols=['AGENT_NAME', 'EMAIL', 'EMPLOYEE_ID', 'TEAM', 'START_DATE', 'IS_ACTIVE'],
) }}

select
    GLADLY_AGENT_ID,
    AGENT_NAME,
    EMAIL,
    EMPLOYEE_ID,
    BAMBOOHR_EMPLOYEE_ID,
    TEAM,
    START_DATE,
    IS_ACTIVE,
    _XO_LOADED_AT,
    _XO_RUN_ID
from {{ ref('ROSTER_WARBYPARKER') }}

{% endsnapshot %}
