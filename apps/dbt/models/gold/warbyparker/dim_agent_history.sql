{#- Every version of every roster row (SCD type 2 from snapshots/ROSTER_HISTORY): who was on which team when. -#}
select
    GLADLY_AGENT_ID as AGENT_ID,
    AGENT_NAME,
    EMAIL,
    EMPLOYEE_ID as ROSTER_EMPLOYEE_ID,
    BAMBOOHR_EMPLOYEE_ID,
    TEAM,
    START_DATE,
    IS_ACTIVE,
    DBT_VALID_FROM as VALID_FROM,
    DBT_VALID_TO as VALID_TO,
    DBT_VALID_TO is null as IS_CURRENT,
    DBT_SCD_ID as AGENT_VERSION_ID
from {{ ref('ROSTER_HISTORY') }}
