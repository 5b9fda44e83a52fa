{#-
  Gladly agent ↔ employee: the roster sheet (SILVER ROSTER_WARBYPARKER, one row per Gladly agent id) joined to
  the current BambooHR record of the same person. The roster's Employee ID IS the BambooHR id (the sheet's
  owners copy it from BambooHR), so it is the join key: an id survives a changed e-mail address. The work e-mail
  is the fallback for a row whose Employee ID is blank, not a number or unknown to BambooHR (the sheet is typed
  by people); EMPLOYEE_MATCHED_BY says which one matched.
-#}
with roster as (
    select * from {{ xo_optional_relation(ref('ROSTER_WARBYPARKER'), {
        'GLADLY_AGENT_ID': dbt.type_string(), 'AGENT_NAME': dbt.type_string(), 'EMAIL': dbt.type_string(),
        'EMPLOYEE_ID': dbt.type_string(), 'BAMBOOHR_EMPLOYEE_ID': dbt.type_bigint(), 'TEAM': dbt.type_string(),
        'START_DATE': 'date', 'IS_ACTIVE': dbt.type_boolean()}) }} r
),

employees as (
    select * from {{ xo_optional_relation(ref('dim_employees'), {
        'EMPLOYEE_ID': dbt.type_bigint(), 'EMPLOYEE_NUMBER': dbt.type_string(), 'WORK_EMAIL': dbt.type_string(),
        'DISPLAY_NAME': dbt.type_string(), 'JOB_TITLE': dbt.type_string(), 'DEPARTMENT': dbt.type_string(),
        'EMPLOYMENT_STATUS': dbt.type_string(), 'HIRE_DATE': 'date', 'IS_CURRENT': dbt.type_boolean()}) }} e
    where IS_CURRENT
),

matched as (
    select
        r.*,
        coalesce(by_id.EMPLOYEE_ID, by_email.EMPLOYEE_ID) as MATCHED_EMPLOYEE_ID,
        case
            when by_id.EMPLOYEE_ID is not null then 'EMPLOYEE_ID'
            when by_email.EMPLOYEE_ID is not null then 'EMAIL'
        end as EMPLOYEE_MATCHED_BY
    from roster r
    left join employees by_id on by_id.EMPLOYEE_ID = r.BAMBOOHR_EMPLOYEE_ID
    left join employees by_email on lower(by_email.WORK_EMAIL) = lower(r.EMAIL)
)

select
    m.GLADLY_AGENT_ID as AGENT_ID,
    m.AGENT_NAME,
    m.EMAIL,
    m.TEAM,
    m.START_DATE,
    m.IS_ACTIVE,
    m.EMPLOYEE_ID as ROSTER_EMPLOYEE_ID,
    e.EMPLOYEE_ID,
    e.EMPLOYEE_NUMBER,
    e.DISPLAY_NAME as EMPLOYEE_NAME,
    e.JOB_TITLE,
    e.DEPARTMENT,
    e.EMPLOYMENT_STATUS,
    e.HIRE_DATE,
    m.EMPLOYEE_MATCHED_BY
from matched m
left join employees e on e.EMPLOYEE_ID = m.MATCHED_EMPLOYEE_ID
