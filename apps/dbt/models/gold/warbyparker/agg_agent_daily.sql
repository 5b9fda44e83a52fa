{#-
  Per Gladly agent per local day (the org's time zone): contacts handled (fct_contacts' truth definition, on
  the contact's start date), their mean and median first response time, and the agent's handle and after-contact
  time (the work sessions of ended contacts, on the local date of the contact's end: where Gladly places them).
-#}
with handled as (
    select
        HANDLED_BY_AGENT_ID as AGENT_ID,
        STARTED_LOCAL_DATE as ACTIVITY_DATE,
        count(*) as CONTACTS_HANDLED,
        -- from integer milliseconds: an exact sum, so a rebuild gives the same value to the last digit
        cast(sum(FIRST_RESPONSE_MS) as {{ dbt.type_float() }}) / nullif(count(FIRST_RESPONSE_MS), 0) / 1000.0
            as AVG_FIRST_RESPONSE_SEC,
        cast(sum(FIRST_RESPONSE_MS) as {{ dbt.type_float() }}) / 1000.0 as TOTAL_FIRST_RESPONSE_SEC
    from {{ ref('fct_contacts') }}
    where IS_HANDLED and STARTED_LOCAL_DATE is not null
    group by HANDLED_BY_AGENT_ID, STARTED_LOCAL_DATE
),

worked as (
    select
        AGENT_ID,
        {{ xo_local_date('CONTACT_SESSION_ENDED_AT', 'SOURCE_TIMEZONE') }} as ACTIVITY_DATE,
        count(*) as WORK_SESSIONS,
        sum(WORK_SESSION_HANDLE_TIME_SEC) as HANDLE_TIME_SEC,
        sum(WORK_SESSION_AFTER_CONTACT_TIME_SEC) as AFTER_CONTACT_TIME_SEC
    from {{ ref('WORK_SESSIONS') }}
    where AGENT_ID is not null and CONTACT_SESSION_ENDED_AT is not null
    group by AGENT_ID, {{ xo_local_date('CONTACT_SESSION_ENDED_AT', 'SOURCE_TIMEZONE') }}
)

select
    coalesce(h.AGENT_ID, w.AGENT_ID) as AGENT_ID,
    coalesce(h.ACTIVITY_DATE, w.ACTIVITY_DATE) as ACTIVITY_DATE,
    coalesce(h.CONTACTS_HANDLED, 0) as CONTACTS_HANDLED,
    coalesce(w.WORK_SESSIONS, 0) as WORK_SESSIONS,
    coalesce(w.HANDLE_TIME_SEC, 0) as HANDLE_TIME_SEC,
    coalesce(w.AFTER_CONTACT_TIME_SEC, 0) as AFTER_CONTACT_TIME_SEC,
    h.AVG_FIRST_RESPONSE_SEC,
    h.TOTAL_FIRST_RESPONSE_SEC
from handled h
full outer join worked w on w.AGENT_ID = h.AGENT_ID and w.ACTIVITY_DATE = h.ACTIVITY_DATE
