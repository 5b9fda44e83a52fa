{#-
  The agent dashboard: agg_agent_daily with who the agent is (dim_agents, when the roster has been loaded).
  The roster and BambooHR pipelines build it too, possibly before the first Gladly load: both sides optional.
-#}
with agents as (
    select * from {{ xo_optional_relation(ref('dim_agents'), {
        'AGENT_ID': dbt.type_string(), 'AGENT_NAME': dbt.type_string(), 'TEAM': dbt.type_string(),
        'EMPLOYEE_ID': dbt.type_bigint(), 'JOB_TITLE': dbt.type_string()}) }} a
)

select
    d.ACTIVITY_DATE,
    d.AGENT_ID,
    a.AGENT_NAME,
    a.TEAM,
    a.EMPLOYEE_ID,
    a.JOB_TITLE,
    d.CONTACTS_HANDLED,
    d.WORK_SESSIONS,
    d.HANDLE_TIME_SEC,
    case when d.CONTACTS_HANDLED > 0 then d.HANDLE_TIME_SEC / d.CONTACTS_HANDLED end as HANDLE_TIME_PER_CONTACT_SEC,
    d.AVG_FIRST_RESPONSE_SEC
from {{ xo_optional_relation(ref('agg_agent_daily'), {
    'ACTIVITY_DATE': 'date', 'AGENT_ID': dbt.type_string(), 'CONTACTS_HANDLED': dbt.type_bigint(),
    'WORK_SESSIONS': dbt.type_bigint(), 'HANDLE_TIME_SEC': dbt.type_bigint(),
    'AVG_FIRST_RESPONSE_SEC': dbt.type_float()}) }} d
left join agents a on a.AGENT_ID = d.AGENT_ID
