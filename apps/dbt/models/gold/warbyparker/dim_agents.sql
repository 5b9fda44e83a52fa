{#-
  Gladly agent ↔ employee: the roster sheet (SILVER ROSTER_WARBYPARKER, one row per Gladly agent id) joined to
  the current BambooHR record of the same person (by work e-mail, the one identifier both systems hold).
-#}
with roster as (
    select * from {{ ref('ROSTER_WARBYPARKER') }}
),

employees as (
    select * from {{ xo_optional_relation(ref('dim_employees'), {
        'EMPLOYEE_ID': dbt.type_bigint(), 'EMPLOYEE_NUMBER': dbt.type_string(), 'WORK_EMAIL': dbt.type_string(),
        'DISPLAY_NAME': dbt.type_string(), 'JOB_TITLE': dbt.type_string(), 'DEPARTMENT': dbt.type_string(),
        'EMPLOYMENT_STATUS': dbt.type_string(), 'HIRE_DATE': 'date', 'IS_CURRENT': dbt.type_boolean()}) }} e
    where IS_CURRENT
)

select
    r.GLADLY_AGENT_ID as AGENT_ID,
    r.AGENT_NAME,
    r.EMAIL,
    r.TEAM,
    r.START_DATE,
    r.IS_ACTIVE,
    r.EMPLOYEE_ID as ROSTER_EMPLOYEE_ID,
    e.EMPLOYEE_ID,
    e.EMPLOYEE_NUMBER,
    e.DISPLAY_NAME as EMPLOYEE_NAME,
    e.JOB_TITLE,
    e.DEPARTMENT,
    e.EMPLOYMENT_STATUS,
    e.HIRE_DATE
from roster r
left join employees e on lower(e.WORK_EMAIL) = lower(r.EMAIL)
