{#-
  What every client's agent roster sheet shares: the SILVER model of a roster (`xo_roster_silver`), its columns
  for `xo_optional_relation` (`xo_roster_columns`), and the match of roster rows to BambooHR employees
  (`xo_agents_with_employees`, the CTEs after a `roster` CTE and the final select).
-#}

{#- A roster sheet pulled whole every time: one row per Gladly agent id, the lowest row of the latest pull. -#}
{% macro xo_roster_silver(source_relation) -%}
select
    GLADLY_AGENT_ID,
    AGENT_NAME,
    EMAIL,
    EMPLOYEE_ID,
    {{ xo_text_bigint('EMPLOYEE_ID') }} as BAMBOOHR_EMPLOYEE_ID,
    TEAM,
    {{ xo_text_date('START_DATE') }} as START_DATE,
    {{ xo_text_boolean('ACTIVE') }} as IS_ACTIVE,
    {{ xo_lineage_columns() }}
from {{ source_relation }}
qualify row_number() over (partition by GLADLY_AGENT_ID order by _XO_FILE_ROW_NUMBER desc) = 1
{%- endmacro %}

{% macro xo_roster_columns() -%}
    {{ return({
        'GLADLY_AGENT_ID': dbt.type_string(), 'AGENT_NAME': dbt.type_string(), 'EMAIL': dbt.type_string(),
        'EMPLOYEE_ID': dbt.type_string(), 'BAMBOOHR_EMPLOYEE_ID': dbt.type_bigint(), 'TEAM': dbt.type_string(),
        'START_DATE': 'date', 'IS_ACTIVE': dbt.type_boolean()}) }}
{%- endmacro %}

{#-
  The roster's Employee ID IS the BambooHR id (the sheet's owners copy it from BambooHR), so it is the join key:
  an id survives a changed e-mail address. The work e-mail is the fallback for a row whose Employee ID is blank,
  not a number or unknown to BambooHR (the sheet is typed by people); EMPLOYEE_MATCHED_BY says which one matched.
  `leading` names roster columns put first in the result (e.g. CLIENT_CODE).
-#}
{% macro xo_agents_with_employees(leading=[]) -%}
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
    {% for column in leading %}m.{{ column }},
    {% endfor -%}
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
{%- endmacro %}
